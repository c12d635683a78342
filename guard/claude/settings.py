"""Claude Code's settings files, and the guard's own entries in them.

Claude Code reads hooks from `~/.claude/settings.json` (user),
`.claude/settings.json` (project, shared) and `.claude/settings.local.json`
(project, personal). Each event (`PreToolUse`, `SessionStart`) holds a list of
matcher groups, each with a list of hook handlers. The guard adds one group
per event and recognises its own handlers by their command, so installing
merges into whatever is there, twice changes nothing, and uninstalling
removes only what the guard added. A file that is not valid JSON is never
touched; a file about to change is backed up first.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time

from guard.claude.tools import MATCHER
from guard.errors import GuardError
from guard.plumbing import paths
from guard.policy.schema import MAX_VERIFY_TIMEOUT
from guard.policy.sources import project_root

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Mapping

# Claude Code lets a command run when a hook times out, so the hook's own limit must exceed the guard's STS deadline.
HOOK_TIMEOUT = int(MAX_VERIFY_TIMEOUT) + 30
SESSION_TIMEOUT = 15
# The guard's verbs end where the word ends: `guard hook-thing` or `guard hook.sh` is somebody else's.
_VERB = r"""(hook|session-start)(?=$|[\s'"])"""
_OURS = re.compile(rf"""(^|[/\\\s"'])guard['"]?\s+{_VERB}|aws-guard-pretooluse|-m guard {_VERB}""")


class SettingsError(GuardError):
    """A settings file the guard will not change."""


def locations(root: str, home: str) -> dict[str, str]:
    return {
        "user": os.path.join(home, ".claude", "settings.json"),
        "project": os.path.join(root, ".claude", "settings.json"),
        "local": os.path.join(root, ".claude", "settings.local.json"),
    }


def installed(env: Mapping[str, str], cwd: str) -> list[tuple[str, str, list[tuple[str, dict[str, Any]]]]]:
    """(scope, path, the guard's handlers there) for the user, project and local settings files."""
    found = []
    for scope, path in locations(project_root(env, cwd), paths.home(env)).items():
        try:
            handlers = our_handlers(read(path))
        except GuardError as error:
            handlers = [("error", {"command": str(error)})]
        found.append((scope, path, handlers))
    return found


def guard_command(verb: str) -> str:
    """A command that works from any working directory and costs no shim.

    The running `guard` script itself when there is one (its shebang names the
    real interpreter), else this interpreter with `-m guard`. A pyenv shim on
    PATH costs ~100 ms per call, so PATH is never searched.
    """
    script = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if os.path.basename(script) == "guard" and os.path.isfile(script) and os.access(script, os.X_OK):
        return f"{_quote(script)} {verb}"
    return f"{_quote(sys.executable)} -m guard {verb}"


def _quote(path: str) -> str:
    return path if re.fullmatch(r"[\w./+-]+", path) else "'" + path.replace("'", "'\"'\"'") + "'"


def is_ours(handler: Any) -> bool:
    return isinstance(handler, dict) and isinstance(handler.get("command"), str) and bool(_OURS.search(handler["command"]))


def wanted_groups() -> dict[str, dict[str, Any]]:
    return {
        "PreToolUse": {"matcher": MATCHER, "hooks": [
            {"type": "command", "command": guard_command("hook"), "timeout": HOOK_TIMEOUT}]},
        "SessionStart": {"hooks": [
            {"type": "command", "command": guard_command("session-start"), "timeout": SESSION_TIMEOUT}]},
    }


def read(path: str) -> dict[str, Any]:
    """The settings as a dict; {} when the file does not exist."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise SettingsError(f"{path}: cannot read: {error.strerror}") from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as error:
        raise SettingsError(f"{path}: not valid JSON ({error}); fix or move the file, then run this again. "
                            "The file was not changed.") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a JSON object at the top, got {type(data).__name__}; "
                            "the file was not changed")
    return data


def _event_lists(data: dict[str, Any], path: str) -> dict[str, Any]:
    hooks = data.get("hooks", {})
    if not isinstance(hooks, dict):
        raise SettingsError(f"{path}: \"hooks\" should be an object; the file was not changed")
    for event, groups in hooks.items():
        if not isinstance(groups, list):
            raise SettingsError(f"{path}: hooks.{event} should be a list; the file was not changed")
    return hooks


def our_handlers(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    hooks = data.get("hooks")
    for event, groups in hooks.items() if isinstance(hooks, dict) else ():
        for group in groups if isinstance(groups, list) else []:
            for handler in group.get("hooks", []) if isinstance(group, dict) else []:
                if is_ours(handler):
                    found.append((event, handler))
    return found


def without_ours(data: dict[str, Any], path: str) -> dict[str, Any]:
    """A copy of the settings with the guard's handlers (and groups left empty by that) removed."""
    result = json.loads(json.dumps(data))
    hooks = _event_lists(result, path)
    for event in list(hooks):
        kept = []
        for group in hooks[event]:
            if isinstance(group, dict) and isinstance(group.get("hooks"), list):
                handlers = [h for h in group["hooks"] if not is_ours(h)]
                if not handlers and group["hooks"]:
                    continue  # the group held only the guard's handlers
                group["hooks"] = handlers
            kept.append(group)
        if kept:
            hooks[event] = kept
        else:
            del hooks[event]
    if "hooks" in result and not result["hooks"]:
        del result["hooks"]
    return result


def with_ours(data: dict[str, Any], path: str) -> dict[str, Any]:
    """The settings with exactly the guard's wanted groups; unchanged when they are already there."""
    wanted = wanted_groups()
    hooks = _event_lists(data, path)
    present = our_handlers(data)
    if len(present) == len(wanted) and all(group in hooks.get(event, []) for event, group in wanted.items()):
        return data
    result = without_ours(data, path)
    target = result.setdefault("hooks", {})
    for event, group in wanted.items():
        target.setdefault(event, []).append(group)
    return result


def write(path: str, data: dict[str, Any]) -> str | None:
    """Write atomically; back up the existing file first. Returns the backup's path."""
    backup = None
    if os.path.exists(path):
        backup = f"{path}.bak-{time.strftime('%Y%m%d-%H%M%S')}"
        n = 1
        while os.path.exists(backup):
            backup = f"{path}.bak-{time.strftime('%Y%m%d-%H%M%S')}-{n}"
            n += 1
        shutil.copy2(path, backup)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
    if backup is not None:
        shutil.copymode(backup, tmp)
    os.replace(tmp, path)
    return backup


def target(scope: str, env: Mapping[str, str], cwd: str) -> str:
    """The settings file for `--user`, `--local` or the project (the default)."""
    return locations(project_root(env, cwd), paths.home(env))[scope]
