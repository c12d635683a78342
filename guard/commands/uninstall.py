"""`guard uninstall`: remove only the guard's own hooks from Claude Code's settings, and its isolated world."""
from __future__ import annotations

import os
import sys

from guard.aws import world as worlds
from guard.claude import hook_command, settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO


def run(scope: str, out: IO[str] = sys.stdout) -> int:
    path = settings.target(scope, os.environ, os.getcwd())
    before = settings.read(path)
    removed = settings.our_handlers(before)
    world = worlds.World(worlds.default_folder(os.environ))
    after = settings.without_environment(settings.without_ours(before, path), world.environment())
    if after == before:
        out.write(f"{path}: the guard is not installed there; nothing changed\n")
        return 0
    backup = settings.write(path, after)
    for event, handler in removed:
        out.write(f"{path}: removed {event} hook ({hook_command.describe(str(handler.get('command')))})\n")
    if before.get("env") != after.get("env"):
        out.write(f"{path}: removed the isolated world's AWS variables from \"env\"\n")
    if scope == "user" and worlds.remove(world.folder):
        out.write(f"removed the isolated world {world.folder}\n")
    if backup:
        out.write(f"  backup of the previous file: {backup}\n")
    return 0
