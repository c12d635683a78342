"""`guard uninstall`: remove only the guard's own hooks from Claude Code's settings."""
from __future__ import annotations

import os
import sys

from guard.claude import hook_command, settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO


def run(scope: str, out: IO[str] = sys.stdout) -> int:
    path = settings.target(scope, os.environ, os.getcwd())
    before = settings.read(path)
    removed = settings.our_handlers(before)
    if not removed:
        out.write(f"{path}: the guard is not installed there; nothing changed\n")
        return 0
    backup = settings.write(path, settings.without_ours(before, path))
    for event, handler in removed:
        out.write(f"{path}: removed {event} hook ({hook_command.describe(str(handler.get('command')))})\n")
    if backup:
        out.write(f"  backup of the previous file: {backup}\n")
    return 0
