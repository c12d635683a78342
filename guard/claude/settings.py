"""Claude Code's settings files, and the guard's own entries in them.

Claude Code reads hooks from `~/.claude/settings.json` (user: every session,
started in any directory), `<cwd>/.claude/settings.json` (project, shared) and
`.claude/settings.local.json` (project, personal), and from managed settings
(`/etc/claude-code/managed-settings.json` and `managed-settings.d/*.json`).
A session started in a subdirectory does not read the project's files, which
is why the user's file is the default. Each event (`PreToolUse`,
`SessionStart`) holds a list of matcher groups, each with a list of hook
handlers. The guard adds one group per event and recognises its own handlers
by their command (guard.claude.hook_command), so installing merges into
whatever is there, twice changes nothing, a re-install keeps the arguments
the entry had and leaves a command the user wrote around the guard alone, and
uninstalling removes only what the guard added. A file that is not valid JSON
or not writable is never touched; a file about to change is backed up first,
and a symlinked one is written through to its target.
"""
from __future__ import annotations

import json
import os
import shutil

from guard.claude import hook_command
from guard.claude.tools import MATCHER
from guard.errors import GuardError
from guard.plumbing import paths
from guard.plumbing.backup import backup as copy_of
from guard.policy.schema import MAX_VERIFY_TIMEOUT
from guard.policy.sources import project_root

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Mapping

# Claude Code lets a command run when a hook times out, so the hook's own limit must exceed the guard's STS deadline.
HOOK_TIMEOUT = int(MAX_VERIFY_TIMEOUT) + 30
SESSION_TIMEOUT = 15
MANAGED_FILE = os.path.join("managed-settings.d", "aws-guard.json")


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
    seen: set[str] = set()
    for scope, path in locations(project_root(env, cwd), paths.home(env)).items():
        if path in seen:
            continue  # run from HOME outside a project: the project's file is the user's
        seen.add(path)
        try:
            handlers = our_handlers(read(path))
        except GuardError as error:
            handlers = [("error", {"command": str(error)})]
        found.append((scope, path, handlers))
    return found


def this_program() -> list[str]:
    """This install of the guard (guard.aws.world.guard_program: the hooks and the broker run the same one)."""
    from guard.aws.world import guard_program

    return guard_program()


def is_ours(handler: Any) -> bool:
    return isinstance(handler, dict) and isinstance(handler.get("command"), str) and \
        hook_command.is_ours(handler["command"])


def wanted_groups(program: list[str] | None, args: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """The guard's groups: `program` by absolute path, or None for the run-time lookup of committed settings."""
    extra = args or []
    return {
        "PreToolUse": {"matcher": MATCHER, "hooks": [
            {"type": "command", "command": hook_command.pretooluse(program, extra), "timeout": HOOK_TIMEOUT,
             "onFailure": "block"}]},  # Claude Code 2.1.332: a crash or timeout blocks; older ones ignore it
        "SessionStart": {"hooks": [
            {"type": "command", "command": hook_command.session_start(program, extra), "timeout": SESSION_TIMEOUT}]},
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


def without_ours(data: dict[str, Any], path: str, keep: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """A copy of the settings with the guard's handlers (and groups left empty by that) removed, but in `keep`."""
    result = json.loads(json.dumps(data))
    hooks = _event_lists(result, path)
    for event in [e for e in hooks if e not in keep]:
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


def user_commands(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(event, command) of the guard's handlers that the user wrote around it (a wrapper): left as they are."""
    return [(event, h["command"]) for event, h in our_handlers(data) if not _replaceable(h["command"])]


def installed_arguments(data: dict[str, Any]) -> list[str]:
    """The arguments (`--config FILE`) the guard's PreToolUse entry gives the hook now, to keep on a re-install."""
    for event, handler in our_handlers(data):
        if event == "PreToolUse" and _replaceable(handler["command"]):
            return hook_command.arguments(handler["command"])
    return []


def _replaceable(command: str) -> bool:
    """Written by `guard install`, now or by an earlier version (`PROGRAM hook ARGS`)."""
    return hook_command.generated(command) or hook_command.program_of(command) is not None


def with_ours(data: dict[str, Any], path: str, program: list[str] | None,
              args: list[str] | None = None) -> dict[str, Any]:
    """The settings with the guard's groups; unchanged when they are already there.

    `args` None keeps the arguments the installed entry has. An event where the
    user wrapped the guard in a command of their own keeps that command.
    """
    _event_lists(data, path)
    wanted = wanted_groups(program, installed_arguments(data) if args is None else args)
    wrapped = {event for event, _ in user_commands(data)}
    result = without_ours(data, path, keep=wrapped)
    target = result.setdefault("hooks", {})
    for event, group in wanted.items():
        if event not in wrapped:
            target.setdefault(event, []).append(group)
    return data if _same(result, data) else result


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def writable(path: str) -> str:
    """The file to write for `path` (a symlink's target); SettingsError when it or its folder is read-only."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    while not os.path.isdir(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)  # the nearest folder that exists: the rest is created
    if os.path.exists(target) and not os.access(target, os.W_OK):
        raise SettingsError(f"{path}: the file is read-only; the guard will not change it (make it writable, "
                            "or install elsewhere: --user, --project, --local)")
    if not os.access(folder, os.W_OK):
        raise SettingsError(f"{path}: the folder {folder} is read-only; the guard will not write there")
    return target


def write(path: str, data: dict[str, Any]) -> str | None:
    """Write atomically through a symlink to its target; back up the existing file first. Returns the backup."""
    path = writable(path)
    backup = copy_of(path) if os.path.exists(path) else None
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
    """The settings file for `--user` (the default), `--project` or `--local`."""
    return locations(project_root(env, cwd), paths.home(env))[scope]


def program_for(scope: str) -> list[str] | None:
    """Committed project settings find the guard when the hook runs; the others name this install."""
    return None if scope == "project" else this_program()


def with_environment(data: dict[str, Any], path: str, wanted: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The settings with `wanted` in their `env` (Claude Code sets these for hooks, Bash and MCP servers).

    Returns the new settings and the names whose value the user had set otherwise (now replaced).
    """
    current = data.get("env", {})
    if not isinstance(current, dict):
        raise SettingsError(f"{path}: \"env\" should be an object; the file was not changed")
    replaced = sorted(k for k in wanted if k in current and current[k] != wanted[k])
    if all(current.get(k) == v for k, v in wanted.items()):
        return data, []
    result = json.loads(json.dumps(data))
    result.setdefault("env", {}).update(wanted)
    return result, replaced


def without_environment(data: dict[str, Any], wanted: Mapping[str, str]) -> dict[str, Any]:
    """The settings without the `env` entries that still hold exactly the guard's values."""
    current = data.get("env")
    if not isinstance(current, dict) or not any(current.get(k) == v for k, v in wanted.items()):
        return data
    result = json.loads(json.dumps(data))
    for key, value in wanted.items():
        if result["env"].get(key) == value:
            del result["env"][key]
    if not result["env"]:
        del result["env"]
    return result
