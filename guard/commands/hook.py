"""`guard hook`: Claude Code's PreToolUse hook (the protocol: guard.claude.protocol).

Every path ends in a deliberate decision: a crash or a non-zero exit would let
the command run. A command that cannot mention aws, and names no protected
file, is let through without parsing: the fast path.
"""
from __future__ import annotations

import os
import sys

from guard.claude import protocol
from guard.errors import GuardError, HookInputError
from guard.shell.words import mentions_aws

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import IO, Any, Mapping

    from guard.policy.model import Decision


def run(config: str | None, stdin: IO[str] = sys.stdin, stdout: IO[str] = sys.stdout,
        env: Mapping[str, str] = os.environ) -> int:
    try:
        event = protocol.read_event(stdin.read())
    except HookInputError as error:
        return protocol.emit(stdout, "deny", f"cannot read the hook input, so the command is blocked: {error}")
    except Exception as error:  # a crash here would let the command run (Claude Code treats exit 1 as non-blocking)
        return protocol.emit(stdout, "deny", f"cannot read the hook input, so the command is blocked: "
                             f"{type(error).__name__}: {error}")
    command = protocol.command_of(event)
    if command is None:
        return _file_tool(event, stdout, env)
    if not mentions_aws(command) and not _names_configured_files(command, env):
        return 0  # the fast path: no aws call is possible, say nothing
    try:
        return _decide(command, event, config, stdout, env)
    except GuardError as error:
        return _refuse(stdout, event, command, f"{error} (the guard cannot check aws calls until this is fixed)", env)
    except Exception as error:  # fail closed: an internal error must not let an aws call through
        return _refuse(stdout, event, command, f"internal error ({type(error).__name__}: {error}); the command may "
                       "hold an aws call, so it is blocked; run `guard test` on it to see more", env)


def _refuse(stdout: IO[str], event: dict[str, Any], command: str, reason: str, env: Mapping[str, str]) -> int:
    protocol.emit(stdout, "deny", reason)
    _audit(event, command, None, env, reason)
    return 0


def _audit(event: dict[str, Any], command: str, decision: Decision | None, env: Mapping[str, str],
           error: str | None = None) -> None:
    try:
        from guard.audit import trail

        trail.submit(trail.entry(event, command, decision, error), env)
    except Exception:  # the audit trail must never change or delay a decision
        return


def _names_configured_files(command: str, env: Mapping[str, str]) -> bool:
    from guard.aws import protected_files

    return protected_files.named_in(command, protected_files.configured(env))


def _file_tool(event: dict[str, Any], stdout: IO[str], env: Mapping[str, str]) -> int:
    """Read, Edit, Write, Grep, Glob...: deny any that names the AWS CLI's credential or config files."""
    from guard.aws import protected_files

    for path in protocol.paths_of(event):
        if protected_files.refers(path, protected_files.configured(env)):
            reason = protected_files.message(path)
            protocol.emit(stdout, "deny", reason)
            _audit(event, f"{event.get('tool_name')} {path}", None, env, reason)
            return 0
    return 0


def _decide(command: str, event: dict[str, Any], config: str | None, stdout: IO[str], env: Mapping[str, str]) -> int:
    from guard import wiring
    from guard.aws import world as worlds
    from guard.policy.decision import decide
    from guard.policy.model import PASS

    folder = worlds.default_folder(env)
    inside = worlds.inside(env, folder)
    if inside:  # Claude Code's settings `env` put the hook in the world: judge and verify with the real setup
        worlds.leave()
        env = worlds.real_environment(env, folder)
    ctx = wiring.context(config, env, wiring.cwd_or(event.get("cwd")), protocol.permission_mode(event))
    if inside:
        worlds.refresh(ctx.policy, ctx.aws, folder)
    decision = decide(command, ctx)
    if decision.verdict != PASS:
        protocol.emit(stdout, decision.verdict, decision.reason)
    if decision.calls or decision.problems:
        _audit(event, command, decision, env)
    return 0
