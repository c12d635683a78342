"""`guard install`: add the guard's hooks to Claude Code's settings, merging with what is there."""
from __future__ import annotations

import os
import sys

from guard.claude import settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO


def run(scope: str, out: IO[str] = sys.stdout) -> int:
    path = settings.target(scope, os.environ, os.getcwd())
    before = settings.read(path)
    after = settings.with_ours(before, path)
    if after == before and os.path.exists(path):
        out.write(f"{path}: the guard is already installed; nothing changed\n")
        return 0
    backup = settings.write(path, after)
    out.write(f"{path}: {'updated' if backup else 'created'}\n")
    for event, group in settings.wanted_groups().items():
        handler = group["hooks"][0]
        matcher = f" (matcher {group['matcher']})" if "matcher" in group else ""
        out.write(f"  {event}{matcher}: {handler['command']}  [timeout {handler['timeout']} s]\n")
    kept = sum(len(g) for g in after.get("hooks", {}).values()) - len(settings.wanted_groups())
    if kept:
        out.write(f"  kept {kept} other hook group(s) and every other setting\n")
    if backup:
        out.write(f"  backup of the previous file: {backup}\n")
    out.write("Check a command with: guard test \"aws s3 ls\"\n")
    return 0
