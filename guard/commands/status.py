"""`guard status`: where the guard is installed in Claude Code, whether it can start there, which policy applies.

Exit 0 when the PreToolUse hook is installed somewhere and every installed
program can start; 2 when it is installed nowhere, a settings file cannot be
read, an installed program is missing, or the policy is broken.
"""
from __future__ import annotations

import os
import sys

from guard import wiring
from guard.claude import hook_command, settings
from guard.errors import GuardError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO


def run(config: str | None, out: IO[str] = sys.stdout) -> int:
    installed, broken = _hooks(out)
    ctx = wiring.context(config, os.environ, os.getcwd())
    try:
        out.write(f"policy   {ctx.policy.describe()}: profiles {ctx.policy.allowed()}\n")
    except GuardError as error:
        out.write(f"policy   error: {error}\n")
        broken = True
    if not installed:
        out.write("The PreToolUse hook is not installed: run `guard install`.\n")
    return 0 if installed and not broken else 2


def _hooks(out: IO[str]) -> tuple[bool, bool]:
    """(the PreToolUse hook is installed somewhere, something is broken), printing a line per settings file."""
    installed = broken = False
    scopes: set[str] = set()
    for scope, path, handlers in settings.installed(os.environ, os.getcwd()):
        if not handlers:
            out.write(f"{scope:8} {path}: not installed\n")
        for event, handler in handlers:
            command = str(handler.get("command"))
            if event == "error":
                out.write(f"{scope:8} error: {command}\n")
                broken = True
                continue
            problem = hook_command.program_problem(command, os.environ)
            installed = installed or (event == "PreToolUse" and problem is None)
            if event == "PreToolUse" and problem is None:
                scopes.add(scope)
            broken = broken or problem is not None
            what = f"error: {problem}" if problem else hook_command.describe(command)
            out.write(f"{scope:8} {path}: {event}: {what}\n")
    if scopes and "user" not in scopes:
        out.write(f"note     {SUBDIRECTORY_NOTE}\n")
    return installed, broken


# Claude Code started in a subdirectory reads that directory's .claude/, not the project's (checked in 2.1.332).
SUBDIRECTORY_NOTE = ("installed for this project only: a session started in one of its subdirectories is not "
                     "guarded; `guard install` (user scope) guards every session")
