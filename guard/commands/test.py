"""`guard test COMMAND`: decide a command exactly as the hook would, and show why."""
from __future__ import annotations

import json
import os
import sys

from guard import wiring
from guard.errors import UsageError
from guard.policy.decision import decide
from guard.policy.model import ASK, DENY, PASS, Decision, worst

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import IO, Any, Iterator

    from guard.aws.identity.model import Identity
    from guard.policy.model import CallInfo, Context

EXIT_CODES = {PASS: 0, DENY: 2, ASK: 3}


def main(command: list[str], config: str | None, as_json: bool, source: str | None) -> int:
    """The command line's entry: exactly one of COMMAND and --from.

    One argument is the command as written; several are its words, as the
    caller's shell split them (`guard test -- aws s3 ls --profile P`), joined
    back with the quoting that keeps each word whole.
    """
    command = command[1:] if command[:1] == ["--"] else command  # `guard test -- aws s3 ls`
    if len(command) > 1 and any(c.isspace() for c in command[0]):  # `guard test "aws s3 ls" --json`
        options = _trailing_options(command[1:])
        command = command[:1]
        config, as_json, source = options.get("--config", config), as_json or "--json" in options, \
            options.get("--from", source)
    if bool(command) == (source is not None):
        raise UsageError("test: give either COMMAND or --from FILE")
    import shlex

    text = (command[0] if len(command) == 1 else shlex.join(command)) if command else None
    return run(text, config, as_json or source is not None, source)


def _trailing_options(words: list[str]) -> dict[str, str]:
    """The guard's own options after a quoted COMMAND (the words of an unquoted one are all the command's)."""
    found: dict[str, str] = {}
    i = 0
    while i < len(words):
        name, eq, value = words[i].partition("=")
        if name == "--json" and not eq:
            found[name], i = "", i + 1
        elif name in ("--config", "--from") and (eq or i + 1 < len(words)):
            found[name], i = (value, i + 1) if eq else (words[i + 1], i + 2)
        else:
            raise UsageError(f"test: after a quoted COMMAND only --json, --config FILE and --from FILE may follow, "
                             f"not {words[i]!r}")
    return found


def run(command: str | None, config: str | None, as_json: bool, source: str | None, out: IO[str] = sys.stdout) -> int:
    ctx = wiring.context(config, os.environ, os.getcwd())
    if source is not None:
        return _run_many(source, ctx, out)
    assert command is not None
    decision = decide(command, ctx)
    out.write(json.dumps(as_dict(decision)) + "\n" if as_json else render(command, decision))
    return EXIT_CODES[decision.verdict]


def _run_many(source: str, ctx: Context, out: IO[str]) -> int:
    verdict = PASS
    for number, command, error in _commands(source):
        if error is not None:
            out.write(json.dumps({"line": number, "command": None, "decision": "error", "reason": error}) + "\n")
            continue
        decision = decide(command, ctx)
        out.write(json.dumps({"command": command, **as_dict(decision)}) + "\n")
        verdict = worst((verdict, decision.verdict))
    return EXIT_CODES[verdict]


def _commands(source: str) -> Iterator[tuple[int, str, str | None]]:
    handle = sys.stdin if source == "-" else open(source, encoding="utf-8")
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as error:
                yield number, "", f"line {number}: not JSON ({error})"
                continue
            if not isinstance(value, str):
                yield number, "", f"line {number}: expected a JSON string (one command), got {type(value).__name__}"
                continue
            yield number, value, None


def as_dict(decision: Decision) -> dict[str, Any]:
    return {
        "decision": decision.verdict,
        "reason": decision.reason,
        "calls": [
            {
                "argv": [w.shown for w in c.invocation.argv],
                "profile": c.profile,
                "profile_source": c.profile_source,
                "account": c.account,
                "service": c.call.service,
                "operation": c.call.operation,
                "class": c.operation.kind,
                "api": c.operation.api,
                "classified_by": c.operation.source,
                "secret": c.operation.secret or None,
                "aliases": list(c.aliases),
                "basis": c.basis or None,
                "via": list(c.invocation.via),
                "identity": _identity(c.identity),
                "findings": [{"rule": f.rule, "decision": f.verdict, "message": f.message} for f in c.findings],
            }
            for c in decision.calls
        ],
    }


def _identity(found: Identity | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"account": found.account, "arn": found.arn, "source": found.source, "expires": found.expires,
            "cached": found.cached}


def _operation_lines(call: CallInfo) -> list[str]:
    """Service, operation, its class and where the class comes from (`guard test` explains the decision)."""
    op = call.operation
    api = f" = {op.api}" if op.api else ""
    lines = [f"    operation: {op.label}{api}  class: {op.kind}  (from {op.source})"]
    if call.aliases:
        lines.append(f"    alias:   {' -> '.join(call.aliases)}")
    if op.secret:
        lines.append(f"    secret:  {op.secret}")
    return lines


def render(command: str, decision: Decision) -> str:
    from guard.policy.rules import catalog

    lines = [f"{decision.verdict}: {decision.reason}" if decision.reason else f"{decision.verdict}: no aws call found"
             if not decision.calls else f"{decision.verdict}"]
    for n, call in enumerate(decision.calls, start=1):
        lines.append(f"  call {n}: {call.display}")
        if call.invocation.via:
            lines.append(f"    via:     {' > '.join(call.invocation.via)}")
        if call.call.reaches_no_account:
            lines.append("    reaches no account (help, --version or local listing)")
            continue
        lines.append(f"    profile: {call.profile or '(none)'}  (from {call.profile_source})")
        lines.append(f"    account: {call.account or '(unknown)'}")
        lines.extend(_operation_lines(call))
        if call.identity is not None:
            cached = ", verdict cached" if call.identity.cached else ""
            lines.append(f"    verified: {call.identity.arn}  (via {call.identity.source}{cached})")
        for finding in call.findings:
            lines.append(f"    {finding.rule} {finding.verdict}: {catalog.title(finding.rule)}")
            lines.append(f"      because {finding.message}")
        if not call.findings:
            lines.append(f"    checks:  all passed; {call.basis}" if call.basis else "    checks:  all passed")
    for problem in decision.problems:
        lines.append(f"  {problem.rule}: {problem.message}")
    return "\n".join(lines) + "\n"
