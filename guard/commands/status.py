"""`guard status`: where the guard is installed in Claude Code, and which policy it applies."""
from __future__ import annotations

import os
import sys

from guard import wiring
from guard.claude import settings
from guard.errors import GuardError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO


def run(config: str | None, out: IO[str] = sys.stdout) -> int:
    any_installed = False
    for scope, path, handlers in settings.installed(os.environ, os.getcwd()):
        if not handlers:
            out.write(f"{scope:8} {path}: not installed\n")
        for event, handler in handlers:
            any_installed = any_installed or event == "PreToolUse"
            out.write(f"{scope:8} {path}: {event}: {handler.get('command')}\n")
    ctx = wiring.context(config, os.environ, os.getcwd())
    try:
        out.write(f"policy   {ctx.policy.describe()}: profiles {ctx.policy.allowed()}\n")
    except GuardError as error:
        out.write(f"policy   error: {error}\n")
        return 2
    if not any_installed:
        out.write("The PreToolUse hook is not installed: run `guard install`.\n")
    return 0 if any_installed else 2
