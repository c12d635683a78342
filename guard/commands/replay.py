"""`guard replay TRANSCRIPT.jsonl ...`: past sessions' shell commands under the current policy.

Claude Code keeps each session as JSON lines under
`~/.claude/projects/<project>/<session>.jsonl`; an assistant message's
`content` holds `tool_use` blocks with `name` and `input.command`. Every shell
command found is decided as the hook would decide it now, with static checks
(add --verify to ask STS about the profiles' live credentials too). Unknown
line types are skipped; a malformed line is reported and the replay goes on.
"""
from __future__ import annotations

import json
import os
import sys

from guard import workspace
from guard.analysis import ASK, DENY, PASS, analyze
from guard.errors import UsageError
from guard.record import replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any, Iterator


def commands(path: str, problems: list[str]) -> Iterator[tuple[int, str, str]]:
    """(line number, tool name, command) for each shell tool_use in one transcript."""
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except OSError as error:
        raise UsageError(f"replay: {path}: cannot read: {error.strerror}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError as error:
                problems.append(f"{path}:{number}: not JSON ({error}); skipped")
                continue
            yield from ((number, tool, command) for tool, command in _tool_uses(entry))


def _tool_uses(entry: Any) -> Iterator[tuple[str, str]]:
    message = entry.get("message") if isinstance(entry, dict) and entry.get("type") == "assistant" else None
    content = message.get("content") if isinstance(message, dict) else None
    for block in content if isinstance(content, list) else []:
        if isinstance(block, dict) and block.get("type") == "tool_use":
            command = (block.get("input") or {}).get("command") if isinstance(block.get("input"), dict) else None
            if isinstance(command, str):
                yield str(block.get("name")), command


def run(paths: list[str], config: str | None, verify: bool, as_json: bool, out: IO[str] = sys.stdout) -> int:
    ctx = workspace.context(config, os.environ, os.getcwd())
    if not verify:
        ctx.policy = replace(ctx.policy, verify_identity=False)
    counts = {PASS: 0, ASK: 0, DENY: 0}
    problems: list[str] = []
    for path in paths:
        for number, tool, command in commands(path, problems):
            decision = analyze(command, ctx)
            counts[decision.verdict] += 1
            _show(out, as_json, path, number, tool, command, decision)
    summary = {"commands": sum(counts.values()), "pass": counts[PASS], "ask": counts[ASK], "deny": counts[DENY],
               "malformed_lines": len(problems)}
    if as_json:
        out.write(json.dumps({"summary": summary, "problems": problems}) + "\n")
    else:
        for problem in problems:
            out.write(f"warning: {problem}\n")
        out.write(f"{summary['commands']} shell command(s): {counts[PASS]} pass, {counts[ASK]} ask, "
                  f"{counts[DENY]} deny; {len(problems)} malformed line(s)\n")
    return 2 if counts[DENY] else 3 if counts[ASK] else 0


def _show(out: IO[str], as_json: bool, path: str, number: int, tool: str, command: str, decision: Any) -> None:
    if as_json:
        from guard.commands.test import as_dict

        out.write(json.dumps({"file": path, "line": number, "tool": tool, "command": command,
                              **as_dict(decision)}) + "\n")
    elif decision.verdict != PASS:
        out.write(f"{path}:{number}: {decision.verdict}: {' '.join(command.split())[:200]}\n")
        out.write(f"    {decision.reason}\n")
