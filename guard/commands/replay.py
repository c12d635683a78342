"""`guard replay TRANSCRIPT.jsonl ...`: past sessions' shell commands under the current policy.

Every shell command in the transcripts (guard.claude.transcripts) is decided as
the hook would decide it now, with static checks (add --verify to ask STS
about the profiles' live credentials too).
"""
from __future__ import annotations

import json
import os
import sys

from guard import wiring
from guard.claude.transcripts import commands
from guard.plumbing.record import replace
from guard.policy.decision import decide
from guard.policy.model import ASK, DENY, PASS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

    from guard.policy.model import Decision


def run(paths: list[str], config: str | None, verify: bool, as_json: bool, out: IO[str] = sys.stdout) -> int:
    ctx = wiring.context(config, os.environ, os.getcwd())
    if not verify:
        ctx.policy = replace(ctx.policy, verify_identity=False)
    counts = {PASS: 0, ASK: 0, DENY: 0}
    problems: list[str] = []
    for path in paths:
        for number, tool, command in commands(path, problems):
            decision = decide(command, ctx)
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


def _show(out: IO[str], as_json: bool, path: str, number: int, tool: str, command: str, decision: Decision) -> None:
    if as_json:
        from guard.commands.test import as_dict

        out.write(json.dumps({"file": path, "line": number, "tool": tool, "command": command,
                              **as_dict(decision)}) + "\n")
    elif decision.verdict != PASS:
        out.write(f"{path}:{number}: {decision.verdict}: {' '.join(command.split())[:200]}\n")
        out.write(f"    {decision.reason}\n")
