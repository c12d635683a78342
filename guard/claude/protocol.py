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
    event = _loads(raw)
    if not isinstance(event, dict):
        raise HookInputError(f"expected a JSON object on stdin, got {type(event).__name__}")
    tool_input = event.get("tool_input")
    if tool_input is not None and not isinstance(tool_input, dict):
        raise HookInputError(f"tool_input: expected an object, got {type(tool_input).__name__}")
    if isinstance(tool_input, dict) and "command" in tool_input and not isinstance(tool_input["command"], str):
        raise HookInputError("tool_input.command: expected a string")
    return event


def _loads(raw: str) -> Any:
    """json.loads without importing json on the hook's fast path.

    `import json` pulls in `re` and `enum` (json.decoder compiles its regexes at
    import), about a fifth of the fast path's whole cost. CPython's C scanner
    (`_json.make_scanner`, what json.loads itself runs) needs only an object
    with the decoder's settings. Anything it does not read in full goes to
    json.loads, for its error message.
    """
    text = raw.strip(" \t\n\r")  # JSON's whitespace, which json.loads skips around the value
    try:
        from _json import make_scanner

        value, end = make_scanner(_SCANNER_SETTINGS)(text, 0)  # type: ignore[arg-type]  # any object with its attributes
        if end == len(text):
            return value
    except Exception:  # StopIteration on empty input, JSONDecodeError, no _json on this interpreter
        pass
    import json

    try:
        return json.loads(raw)
    except ValueError as error:
        raise HookInputError(f"stdin is not JSON ({error})") from None
    except RecursionError:
        raise HookInputError("stdin is JSON nested too deeply to read") from None


class _ScannerSettings:
    """The attributes `_json.make_scanner` reads: json.JSONDecoder's defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = staticmethod({"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__)


_SCANNER_SETTINGS = _ScannerSettings()


def command_of(event: dict[str, Any]) -> str | None:
    """The shell command of a Bash or Monitor call; None for other tools."""
    command = (event.get("tool_input") or {}).get("command")
    return command if isinstance(command, str) else None


def paths_of(event: dict[str, Any]) -> list[str]:
    """The paths and path patterns a file tool's input names."""
    from guard.claude.tools import PATH_FIELDS  # file tools only: not on the Bash fast path

    tool_input = event.get("tool_input")
    if not isinstance(tool_input, dict):
        return []
    return [tool_input[f] for f in PATH_FIELDS if isinstance(tool_input.get(f), str)]


def permission_mode(event: dict[str, Any]) -> str:
    return str(event.get("permission_mode") or "default")


def interactive(env: Mapping[str, str]) -> bool:
    """Is there a user to answer an `ask`?

    Claude Code 2.1.332 says so itself: CLAUDE_CODE_SESSION_ATTENDED is 1 in
    an interactive, foreground session and 0 otherwise. Older versions lack it;
    there the entry point tells: nobody answers under the SDK or `claude -p`.
    """
    attended = env.get("CLAUDE_CODE_SESSION_ATTENDED")
    if attended in ("0", "1"):
        return attended == "1"
    return env.get("CLAUDE_CODE_ENTRYPOINT", "cli") not in NON_INTERACTIVE_ENTRYPOINTS


def emit(stdout: IO[str], verdict: str, reason: str) -> int:
    """Print a PreToolUse deny or ask decision; always exit code 0."""
    import json

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
    import json

    output = {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": text}}
    stdout.write(json.dumps(output) + "\n")
    return 0
