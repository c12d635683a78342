"""Claude Code's hook protocol: the event a hook reads on stdin and the JSON it answers with.

PreToolUse (Claude Code hooks reference): the event carries `tool_name`,
`tool_input`, `cwd`, `permission_mode`, `session_id`. To let a tool call run,
exit 0 and print nothing; never print `allow`, which would skip the user's own
permission prompts. To deny or ask, exit 0 and print `hookSpecificOutput`
with `permissionDecision` and a reason the agent can act on. Exit code 1, a
crash or a timeout lets the call run, so callers end every path in a decision.
SessionStart: `hookSpecificOutput.additionalContext` is added to the session.
"""
from __future__ import annotations

import json

from guard.claude.tools import PATH_FIELDS
from guard.errors import HookInputError

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import IO, Any, Mapping

PREFIX = "aws-guard: "
# CLAUDE_CODE_ENTRYPOINT tells hooks how Claude Code was started; the SDK and `claude -p` entry points have
# nobody to ask, so an `ask` there would stop nothing.
NON_INTERACTIVE_ENTRYPOINTS = ("sdk-cli", "sdk-ts", "sdk-py", "sdk")


def read_event(raw: str) -> dict[str, Any]:
    """The PreToolUse event; HookInputError when it is not the shape Claude Code sends."""
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


def command_of(event: dict[str, Any]) -> str | None:
    """The shell command of a Bash or Monitor call; None for other tools."""
    command = (event.get("tool_input") or {}).get("command")
    return command if isinstance(command, str) else None


def paths_of(event: dict[str, Any]) -> list[str]:
    """The paths and path patterns a file tool's input names."""
    tool_input = event.get("tool_input")
    if not isinstance(tool_input, dict):
        return []
    return [tool_input[f] for f in PATH_FIELDS if isinstance(tool_input.get(f), str)]


def permission_mode(event: dict[str, Any]) -> str:
    return str(event.get("permission_mode") or "default")


def interactive(env: Mapping[str, str]) -> bool:
    """Is there a user to answer an `ask`? Not under the SDK or `claude -p`."""
    return env.get("CLAUDE_CODE_ENTRYPOINT", "cli") not in NON_INTERACTIVE_ENTRYPOINTS


def emit(stdout: IO[str], verdict: str, reason: str) -> int:
    """Print a PreToolUse deny or ask decision; always exit code 0."""
    output = {"hookSpecificOutput": {
        "hookEventName": "PreToolUse",
        "permissionDecision": verdict,
        "permissionDecisionReason": PREFIX + reason,
    }}
    stdout.write(json.dumps(output) + "\n")
    stdout.flush()
    return 0


def emit_context(stdout: IO[str], text: str) -> int:
    """Print a SessionStart answer that adds `text` to the session."""
    output = {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": text}}
    stdout.write(json.dumps(output) + "\n")
    return 0
