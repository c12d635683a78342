"""`guard status`: where the guard is installed in Claude Code, and which policy it applies."""
from __future__ import annotations

import os
import sys

from guard import paths, settings, workspace
from guard.errors import GuardError
from guard.policy import project_root

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO


def installed() -> list[tuple[str, str, list[tuple[str, dict]]]]:
    """(scope, path, the guard's handlers there) for the user, project and local settings files."""
    home = paths.home(os.environ)
    found = []
    for scope, path in settings.locations(project_root(os.environ, os.getcwd()), home).items():
        try:
            handlers = settings.our_handlers(settings.read(path))
        except GuardError as error:
            handlers = [("error", {"command": str(error)})]
        found.append((scope, path, handlers))
    return found


def run(config: str | None, out: IO[str] = sys.stdout) -> int:
    any_installed = False
    for scope, path, handlers in installed():
        if not handlers:
            out.write(f"{scope:8} {path}: not installed\n")
        for event, handler in handlers:
            any_installed = any_installed or event == "PreToolUse"
            out.write(f"{scope:8} {path}: {event}: {handler.get('command')}\n")
    ctx = workspace.context(config, os.environ, os.getcwd())
    try:
        out.write(f"policy   {ctx.policy.describe()}: profiles {ctx.policy.allowed()}\n")
    except GuardError as error:
        out.write(f"policy   error: {error}\n")
        return 2
    if not any_installed:
        out.write("The PreToolUse hook is not installed: run `guard install`.\n")
    return 0 if any_installed else 2
