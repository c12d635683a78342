"""`guard install`: add the guard's hooks to Claude Code's settings, merging with what is there."""
from __future__ import annotations

import os
import sys

from guard.claude import settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any


def run(scope: str, managed: str | None, config: str | None, out: IO[str] = sys.stdout) -> int:
    path = managed_path(managed) if managed else settings.target(scope, os.environ, os.getcwd())
    program = settings.this_program() if managed else settings.program_for(scope)
    args = ["--config", os.path.abspath(config)] if config else None
    before = settings.read(path)
    after = settings.with_ours(before, path, program, args)
    replaced: list[str] = []
    notes: list[str] = []
    if scope in ("user", "local") and not managed:
        after, replaced = _world(after, path, notes, config)
    if after is before and os.path.exists(path):
        out.write(f"{path}: the guard is already installed; nothing changed\n")
    else:
        backup = settings.write(path, after)
        _report(out, path, before, after, backup, program)
        if replaced:
            out.write(f"  replaced your own {', '.join(replaced)} in its \"env\" (the backup keeps them)\n")
    out.writelines(f"  {note}\n" for note in notes)
    if scope == "user" and not managed and "--config" not in settings.installed_arguments(after):
        _first_policy(out)  # a hook given --config reads that file: a second policy would be read by nothing
    out.write("Check a command with: guard test \"aws s3 ls\"   (and the whole setup with: guard doctor)\n")
    return 0


def _world(data: dict[str, Any], path: str, notes: list[str], config: str | None) -> tuple[dict[str, Any], list[str]]:
    """Generate the isolated world and point the settings' `env` at it (policy key `isolate`, default true)."""
    from guard import wiring
    from guard.aws import world as worlds
    from guard.errors import GuardError

    try:
        ctx = wiring.context(config, os.environ, os.getcwd())
        if not ctx.policy.isolate:
            notes.append("the policy says isolate: false, so the agent's commands see your whole AWS config")
            return data, []
        world = worlds.build(ctx.policy, ctx.aws, settings.this_program(), os.environ,
                             worlds.default_folder(os.environ))
    except GuardError as error:
        notes.append(f"the isolated world is not set up yet ({error}); run `guard install` again once that is fixed")
        return data, []
    notes.append(f"the agent's commands get the AWS config {world.config_file}: only the policy's profiles, each "
                 "served by `guard credentials`")
    return settings.with_environment(data, path, world.environment(ctx.policy.instance_metadata))


def managed_path(folder: str) -> str:
    """The managed-settings fragment: Claude Code reads every `managed-settings.d/*.json` beside the main file."""
    return os.path.join(os.path.abspath(folder), settings.MANAGED_FILE)


def _report(out: IO[str], path: str, before: dict[str, Any], after: dict[str, Any], backup: str | None,
            program: list[str] | None) -> None:
    out.write(f"{path}: {'updated' if backup else 'created'}\n")
    args = settings.installed_arguments(after)
    runs = " ".join(program) if program else "guard, found on PATH when the hook runs (or $AWS_GUARD_BIN)"
    out.write(f"  runs: {runs}{' hook ' + ' '.join(args) if args else ''}\n")
    out.write(f"  PreToolUse (matcher {settings.MATCHER}), SessionStart; a command that mentions aws is blocked "
              "if the guard cannot start\n")
    for event, command in settings.user_commands(after):
        out.write(f"  kept your own {event} command: {command}\n")
    groups = [g for gs in after.get("hooks", {}).values() for g in gs]
    kept = sum(1 for g in groups if not (isinstance(g, dict) and any(map(settings.is_ours, g.get("hooks") or []))))
    if kept > 0:
        out.write(f"  kept {kept} other hook group(s) and every other setting\n")
    if backup:
        out.write(f"  backup of the previous file: {backup}\n")


def _first_policy(out: IO[str]) -> None:
    """Without a policy the built-in default (ask-write) would apply without a word: write a read-only one."""
    from guard import wiring
    from guard.commands import init
    from guard.errors import GuardError

    location = wiring.policy_location(os.environ, os.getcwd())
    if location.user or location.explicit:
        return
    try:
        written = init.write_policy(os.environ, force=False)
    except GuardError as error:
        out.write(f"No policy yet, and none could be written ({error}); the built-in default applies: every "
                  "profile of your AWS config, ask-write. Write one with: guard init\n")
        return
    out.write(f"{written}: written from your AWS config: every role profile read-only. Edit it to allow more.\n")
