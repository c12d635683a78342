"""`guard hook`: Claude Code's PreToolUse hook.

Protocol (Claude Code hooks reference): the event arrives as JSON on stdin
with `tool_name`, `tool_input`, `cwd`, `permission_mode`, `session_id`. To let
a command run, exit 0 and print nothing; never print `allow`, which would skip
the user's own permission prompts. To deny or ask, exit 0 and print
`hookSpecificOutput` with `permissionDecision` and a reason the agent can act
on. Exit code 1, a crash or a timeout lets the command run, so every path here
ends in a deliberate decision.
"""
from __future__ import annotations

import json
import os
import sys

from guard.errors import GuardError, HookInputError
from guard.shell.words import mentions_aws

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import IO, Any, Mapping

PREFIX = "aws-guard: "


def run(config: str | None, stdin: IO[str] = sys.stdin, stdout: IO[str] = sys.stdout,
        env: Mapping[str, str] = os.environ) -> int:
    try:
        event = read_event(stdin.read())
    except HookInputError as error:
        return emit(stdout, "deny", f"cannot read the hook input, so the command is blocked: {error}")
    command = (event.get("tool_input") or {}).get("command")
    if not isinstance(command, str):
        return _file_tool(event, stdout, env)
    if not mentions_aws(command) and not _names_configured_files(command, env):
        return 0  # the fast path: no aws call is possible, say nothing
    try:
        return _decide(command, event, config, stdout, env)
    except GuardError as error:
        return _refuse(stdout, event, command, f"{error} (the guard cannot check aws calls until this is fixed)")
    except Exception as error:  # fail closed: an internal error must not let an aws call through
        return _refuse(stdout, event, command, f"internal error ({type(error).__name__}: {error}); the command may "
                       "hold an aws call, so it is blocked; run `guard test` on it to see more")


def _refuse(stdout: IO[str], event: dict[str, Any], command: str, reason: str) -> int:
    emit(stdout, "deny", reason)
    _audit(event, command, None, reason)
    return 0


def _audit(event: dict[str, Any], command: str, decision: Any, error: str | None = None) -> None:
    try:
        from guard import audit

        audit.submit(audit.entry(event, command, decision, error))
    except Exception:  # the audit trail must never change or delay a decision
        return


def _names_configured_files(command: str, env: Mapping[str, str]) -> bool:
    from guard import credfiles

    return any(path in command for path in credfiles.configured(env))


def _file_tool(event: dict[str, Any], stdout: IO[str], env: Mapping[str, str]) -> int:
    """Read, Edit, Write, Grep, Glob...: deny any that names the AWS CLI's credential or config files."""
    from guard import credfiles

    for path in credfiles.tool_paths(event.get("tool_input")):
        if credfiles.refers(path, credfiles.configured(env)):
            reason = credfiles.message(path)
            emit(stdout, "deny", reason)
            _audit(event, f"{event.get('tool_name')} {path}", None, reason)
            return 0
    return 0


def read_event(raw: str) -> dict[str, Any]:
    try:
        event = json.loads(raw)
    except ValueError as error:
        raise HookInputError(f"stdin is not JSON ({error})") from None
    if not isinstance(event, dict):
        raise HookInputError(f"expected a JSON object on stdin, got {type(event).__name__}")
    tool_input = event.get("tool_input")
    if tool_input is not None and not isinstance(tool_input, dict):
        raise HookInputError(f"tool_input: expected an object, got {type(tool_input).__name__}")
    if isinstance(tool_input, dict) and "command" in tool_input and not isinstance(tool_input["command"], str):
        raise HookInputError("tool_input.command: expected a string")
    return event


def _decide(command: str, event: dict[str, Any], config: str | None, stdout: IO[str], env: Mapping[str, str]) -> int:
    from guard import workspace
    from guard.analysis import PASS, analyze

    cwd = workspace.cwd_or(event.get("cwd"))
    ctx = workspace.context(config, env, cwd, str(event.get("permission_mode") or "default"))
    decision = analyze(command, ctx)
    if decision.verdict != PASS:
        emit(stdout, decision.verdict, decision.reason)
    if decision.calls or decision.problems:
        _audit(event, command, decision)
    return 0


def emit(stdout: IO[str], verdict: str, reason: str) -> int:
    output = {"hookSpecificOutput": {
        "hookEventName": "PreToolUse",
        "permissionDecision": verdict,
        "permissionDecisionReason": PREFIX + reason,
    }}
    stdout.write(json.dumps(output) + "\n")
    stdout.flush()
    return 0
