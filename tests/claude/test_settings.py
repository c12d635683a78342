"""guard.claude.settings: Claude Code's settings files and the guard's own hook entries in them."""
from __future__ import annotations

import copy
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from guard.claude import hook_command, settings
from guard.claude.tools import MATCHER
from guard.policy.schema import MAX_VERIFY_TIMEOUT
from tests.testing import BIN, REPO, USER_SETTINGS, Home, hook_event

LINT = {"type": "command", "command": "/usr/local/bin/lint-hook"}
OTHER: dict[str, Any] = USER_SETTINGS
PROGRAM = ["/opt/venv/bin/python", "-m", "guard"]  # the program an install names
WRAPPER = "sh -c '/opt/venv/bin/guard hook --config /etc/aws-guard.yaml'"  # a user's own command around the guard


def _commands(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(event, command) of the guard's handlers in settings."""
    return [(event, handler["command"]) for event, handler in settings.our_handlers(data)]


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


# -- where the files are ----------------------------------------------------------------------------------------------

def test_locations_are_the_user_project_and_local_settings_files() -> None:
    assert settings.locations("/src/app", "/home/me") == {
        "user": "/home/me/.claude/settings.json",
        "project": "/src/app/.claude/settings.json",
        "local": "/src/app/.claude/settings.local.json",
    }


def test_installed_with_nothing_installed_lists_each_scope_empty(home: Home, project: Path) -> None:
    found = settings.installed(home.env, str(project / "sub"))  # the git top level is the project
    assert found == [
        ("user", str(home.path / ".claude" / "settings.json"), []),
        ("project", str(project / ".claude" / "settings.json"), []),
        ("local", str(project / ".claude" / "settings.local.json"), []),
    ]


def test_installed_finds_the_guards_handlers_and_reports_a_broken_file(home: Home, project: Path) -> None:
    _write_json(home.path / ".claude" / "settings.json", settings.with_ours(copy.deepcopy(OTHER), "user", PROGRAM))
    _write_json(project / ".claude" / "settings.local.json", OTHER)  # someone else's hooks only
    broken = project / ".claude" / "settings.json"
    broken.write_text('{"hooks": ')
    found = settings.installed(home.env, str(project))
    assert [scope for scope, _, _ in found] == ["user", "project", "local"]
    (_, _, user), (_, _, errors), (_, _, local) = found
    assert [(event, handler["command"]) for event, handler in user] == [
        ("PreToolUse", hook_command.pretooluse(PROGRAM)), ("SessionStart", hook_command.session_start(PROGRAM))]
    assert local == []
    [(kind, handler)] = errors
    assert kind == "error" and handler["command"].startswith(f"{broken}: not valid JSON")


def test_installed_follows_claude_project_dir(home: Home, project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    _write_json(elsewhere / ".claude" / "settings.json", settings.with_ours({}, "project", None))
    env = dict(home.env, CLAUDE_PROJECT_DIR=str(elsewhere))
    found = {scope: (path, handlers) for scope, path, handlers in settings.installed(env, str(project))}
    assert found["project"][0] == str(elsewhere / ".claude" / "settings.json")
    assert [event for event, _ in found["project"][1]] == ["PreToolUse", "SessionStart"]
    assert settings.target("local", env, str(project)) == str(elsewhere / ".claude" / "settings.local.json")


# -- the guard's own handlers -----------------------------------------------------------------------------------------

def test_this_program_is_this_interpreter_by_absolute_path_with_dash_m_guard() -> None:
    program = settings.this_program()
    assert program[1:] == ["-m", "guard"]
    assert os.path.isabs(program[0]) and os.access(program[0], os.X_OK) and os.path.samefile(program[0], sys.executable)


@pytest.mark.parametrize("interpreter", ["python3", "./python3"])
def test_this_program_is_never_a_bare_or_relative_python(interpreter: str) -> None:
    # Started as `python3` found on PATH, or by a relative path: the program is still an absolute path.
    code = "import json; from guard.claude import settings; print(json.dumps(settings.this_program()))"
    result = subprocess.run([interpreter, "-c", code],
                            cwd=BIN, env=dict(os.environ, PATH=f"{BIN}:/usr/bin:/bin", PYTHONPATH=str(REPO)),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    program = json.loads(result.stdout)
    assert os.path.isabs(program[0]) and program[0] not in ("python3", "./python3")
    assert os.path.samefile(program[0], BIN / "python3") and program[1:] == ["-m", "guard"]


def test_this_program_runs_from_any_directory_through_the_installed_command(tmp_path: Path, home: Home) -> None:
    command = settings.wanted_groups(settings.this_program())["PreToolUse"]["hooks"][0]["command"]
    env = dict(home.env, PYTHONPATH=str(REPO))
    quiet = subprocess.run(["/bin/sh", "-c", command], cwd=tmp_path, env=env, input=hook_event("git status"),
                           capture_output=True, text=True, timeout=60)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    denied = subprocess.run(["/bin/sh", "-c", command], cwd=tmp_path, env=env, input=hook_event("aws s3 ls"),
                            capture_output=True, text=True, timeout=60)
    reason = json.loads(denied.stdout)["hookSpecificOutput"]["permissionDecisionReason"]
    assert "names no profile" in reason  # the guard itself answered, not the fallback


def test_program_for_the_project_is_the_run_time_lookup_and_this_install_elsewhere() -> None:
    assert settings.program_for("project") is None
    assert settings.program_for("user") == settings.program_for("local") == settings.this_program()


@pytest.mark.parametrize("command", [
    "/home/me/.local/bin/guard hook",
    "/home/me/.local/bin/guard session-start",
    "guard hook",
    "'/home/me/my tools/guard' hook",
    '"/home/me/my tools/guard" session-start',
    "/home/me/app/.venv/bin/python -m guard hook",
    "/usr/bin/python3.12 -m guard session-start",
    "'/opt/my python/bin/python' -m guard hook --config /etc/aws-guard.yaml",
    '"$CLAUDE_PROJECT_DIR"/hooks/aws-guard-pretooluse',
    "/src/aws-guard/hooks/aws-guard-pretooluse",
])
def test_is_ours_recognises_the_guards_handlers(command: str) -> None:
    assert settings.is_ours({"type": "command", "command": command})


def test_is_ours_recognises_this_repositorys_own_hook() -> None:
    own = settings.read(str(REPO / ".claude" / "settings.json"))
    assert [handler["command"] for _, handler in settings.our_handlers(own)] == [
        '"$CLAUDE_PROJECT_DIR"/hooks/aws-guard-pretooluse']


@pytest.mark.parametrize("handler", [
    {"type": "command", "command": "my-guard hook-thing"},
    {"type": "command", "command": "lint"},
    {"type": "command", "command": "/usr/local/bin/lint-hook"},
    {"type": "command", "command": "safeguard hook"},
    {"type": "command", "command": "guard hooks"},
    {"type": "command", "command": "guard test 'aws s3 ls'"},
    {"type": "command", "command": "python -m guardian hook"},
    {"type": "command", "command": "guard hook-thing"},
    {"type": "command", "command": "/opt/tools/guard hook.sh"},
    {"type": "command", "command": "guard session-start-notify"},
    {"type": "command", "command": "python3 -m guard hooked"},
    {"type": "command", "command": 42},
    {"type": "command"},
    "guard hook",  # not a handler object
    None,
])
def test_is_ours_leaves_other_handlers_alone(handler: Any) -> None:
    assert not settings.is_ours(handler)


def test_wanted_groups_match_the_watched_tools_block_on_failure_and_outlast_the_sts_deadline() -> None:
    wanted = settings.wanted_groups(PROGRAM, ["--config", "/etc/p.yaml"])
    assert set(wanted) == {"PreToolUse", "SessionStart"}
    pre = wanted["PreToolUse"]
    assert pre["matcher"] == MATCHER
    [handler] = pre["hooks"]
    assert handler == {"type": "command", "command": hook_command.pretooluse(PROGRAM, ["--config", "/etc/p.yaml"]),
                       "timeout": settings.HOOK_TIMEOUT, "onFailure": "block"}
    assert handler["timeout"] > MAX_VERIFY_TIMEOUT
    [start] = wanted["SessionStart"]["hooks"]
    assert "matcher" not in wanted["SessionStart"]
    assert start == {"type": "command", "command": hook_command.session_start(PROGRAM, ["--config", "/etc/p.yaml"]),
                     "timeout": settings.SESSION_TIMEOUT}
    assert start["timeout"] > 0
    assert all(settings.is_ours(group["hooks"][0]) for group in wanted.values())


def test_wanted_groups_for_committed_settings_name_no_program() -> None:
    wanted = settings.wanted_groups(None)
    for group in wanted.values():
        command = group["hooks"][0]["command"]
        assert hook_command.PORTABLE in command and hook_command.program_of(command) is None
        assert "/" not in command.split(" 2>/dev/null")[0].split("| ")[-1]  # no path of this machine


# -- merging and removing ---------------------------------------------------------------------------------------------

def test_with_ours_into_empty_settings_is_exactly_the_wanted_groups() -> None:
    wanted = settings.wanted_groups(PROGRAM)
    assert settings.with_ours({}, "s.json", PROGRAM) == {"hooks": {event: [group] for event, group in wanted.items()}}


def test_with_ours_merges_without_touching_other_keys_or_hooks() -> None:
    data = copy.deepcopy(OTHER)
    merged = settings.with_ours(data, "s.json", PROGRAM)
    assert data == OTHER  # the input is not changed
    wanted = settings.wanted_groups(PROGRAM)
    assert merged["permissions"] == OTHER["permissions"] and merged["env"] == OTHER["env"]
    assert merged["hooks"]["PostToolUse"] == OTHER["hooks"]["PostToolUse"]
    assert merged["hooks"]["PreToolUse"] == [OTHER["hooks"]["PreToolUse"][0], wanted["PreToolUse"]]
    assert merged["hooks"]["SessionStart"] == [wanted["SessionStart"]]


def test_with_ours_is_idempotent() -> None:
    once = settings.with_ours(copy.deepcopy(OTHER), "s.json", PROGRAM)
    twice = settings.with_ours(once, "s.json", PROGRAM)
    assert twice is once  # nothing to change: the same settings back
    assert len(settings.our_handlers(twice)) == 2


def test_with_ours_replaces_an_older_install_instead_of_adding_a_second() -> None:
    old = {"type": "command", "command": "/old/venv/bin/guard hook", "timeout": 30}
    data = {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [old]}, {"matcher": "Bash", "hooks": [LINT]}]}}
    merged = settings.with_ours(data, "s.json", PROGRAM)
    assert _commands(merged) == [("PreToolUse", hook_command.pretooluse(PROGRAM)),
                                 ("SessionStart", hook_command.session_start(PROGRAM))]
    assert merged["hooks"]["PreToolUse"] == [{"matcher": "Bash", "hooks": [LINT]},
                                             settings.wanted_groups(PROGRAM)["PreToolUse"]]


def test_with_ours_keeps_the_installed_entrys_arguments_on_a_re_install() -> None:
    args = ["--config", "/etc/aws guard.yaml"]
    installed = settings.with_ours(copy.deepcopy(OTHER), "s.json", PROGRAM, args)
    assert settings.installed_arguments(installed) == args
    assert settings.with_ours(installed, "s.json", PROGRAM) is installed  # a plain re-install changes nothing
    elsewhere = ["/new/venv/bin/python", "-m", "guard"]
    moved = settings.with_ours(installed, "s.json", elsewhere)  # installed again from another venv
    assert _commands(moved) == [("PreToolUse", hook_command.pretooluse(elsewhere, args)),
                                ("SessionStart", hook_command.session_start(elsewhere, args))]


def test_with_ours_keeps_the_arguments_of_an_older_plain_install() -> None:
    old = {"type": "command", "command": "'/old/venv/bin/guard' hook --config /etc/p.yaml", "timeout": 30}
    merged = settings.with_ours({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [old]}]}}, "s.json", PROGRAM)
    assert _commands(merged)[0] == ("PreToolUse", hook_command.pretooluse(PROGRAM, ["--config", "/etc/p.yaml"]))
    assert len(merged["hooks"]["PreToolUse"]) == 1  # replaced, not added beside it


@pytest.mark.parametrize("args", [["--config", "/srv/other.yaml"], []])
def test_with_ours_given_arguments_replaces_the_installed_ones(args: list[str]) -> None:
    installed = settings.with_ours({}, "s.json", PROGRAM, ["--config", "/etc/p.yaml"])
    replaced = settings.with_ours(installed, "s.json", PROGRAM, args)
    assert settings.installed_arguments(replaced) == args
    assert _commands(replaced) == [("PreToolUse", hook_command.pretooluse(PROGRAM, args)),
                                   ("SessionStart", hook_command.session_start(PROGRAM, args))]


def test_with_ours_leaves_a_users_own_wrapper_and_adds_no_second_handler() -> None:
    data = copy.deepcopy(OTHER)
    data["hooks"]["PreToolUse"].append({"matcher": "Bash", "hooks": [{"type": "command", "command": WRAPPER}]})
    merged = settings.with_ours(data, "s.json", PROGRAM)
    assert merged["hooks"]["PreToolUse"] == data["hooks"]["PreToolUse"]  # the wrapper stays, nothing beside it
    assert merged["hooks"]["SessionStart"] == [settings.wanted_groups(PROGRAM)["SessionStart"]]
    assert settings.user_commands(merged) == [("PreToolUse", WRAPPER)]
    assert settings.installed_arguments(merged) == []  # a wrapper's arguments are its own business
    assert settings.with_ours(merged, "s.json", PROGRAM) is merged


@pytest.mark.parametrize("data, complaint", [
    ({"hooks": []}, '"hooks" should be an object'),
    ({"hooks": {"PreToolUse": {"matcher": "Bash"}}}, "hooks.PreToolUse should be a list"),
])
def test_merging_refuses_hooks_of_the_wrong_shape(data: dict[str, Any], complaint: str) -> None:
    changes = (lambda d, p: settings.with_ours(d, p, PROGRAM), settings.without_ours)
    for change in changes:
        with pytest.raises(settings.SettingsError) as raised:
            change(data, "/p/.claude/settings.json")
        assert str(raised.value) == f"/p/.claude/settings.json: {complaint}; the file was not changed"


def test_without_ours_undoes_with_ours() -> None:
    assert settings.without_ours(settings.with_ours(copy.deepcopy(OTHER), "s.json", PROGRAM), "s.json") == OTHER
    assert settings.without_ours(settings.with_ours(copy.deepcopy(OTHER), "s.json", None), "s.json") == OTHER


def test_without_ours_drops_groups_and_events_left_empty() -> None:
    data = settings.with_ours({"env": {"FOO": "bar"}}, "s.json", PROGRAM)
    assert settings.without_ours(data, "s.json") == {"env": {"FOO": "bar"}}


def test_without_ours_removes_only_the_guards_handlers_from_a_shared_group() -> None:
    data = {"hooks": {
        "PreToolUse": [{"matcher": "Bash", "hooks": [LINT, {"type": "command", "command": "guard hook"}]},
                       {"matcher": "Write", "hooks": []}],  # the user's own empty group, not emptied by the guard
        "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
    }}
    before = copy.deepcopy(data)
    result = settings.without_ours(data, "s.json")
    assert data == before  # the input is not changed
    assert result == {"hooks": {
        "PreToolUse": [{"matcher": "Bash", "hooks": [LINT]}, {"matcher": "Write", "hooks": []}],
        "Stop": before["hooks"]["Stop"],
    }}


# -- reading and writing files ----------------------------------------------------------------------------------------

def test_read_a_missing_or_empty_file_is_empty_settings(tmp_path: Path) -> None:
    assert settings.read(str(tmp_path / "missing.json")) == {}
    for text in ("", " \n\t\n"):
        (tmp_path / "empty.json").write_text(text)
        assert settings.read(str(tmp_path / "empty.json")) == {}


@pytest.mark.parametrize("text, complaint", [
    ('{"hooks": {,}', "not valid JSON (Expecting property name enclosed in double quotes: line 1 column 12 (char 11))"),
    ("// comment\n{}", "not valid JSON"),
    ('[{"hooks": {}}]', "expected a JSON object at the top, got list"),
    ('"hooks"', "expected a JSON object at the top, got str"),
])
def test_read_refuses_a_file_it_cannot_use_and_says_it_was_not_changed(tmp_path: Path, text: str,
                                                                       complaint: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(text)
    with pytest.raises(settings.SettingsError) as raised:
        settings.read(str(path))
    message = str(raised.value)
    assert message.startswith(f"{path}: {complaint}")
    assert "the file was not changed" in message.lower()
    assert path.read_text() == text


def test_read_a_path_that_is_not_a_file_is_a_settings_error(tmp_path: Path) -> None:
    (tmp_path / "settings.json").mkdir()
    with pytest.raises(settings.SettingsError) as raised:
        settings.read(str(tmp_path / "settings.json"))
    assert str(raised.value).startswith(f"{tmp_path / 'settings.json'}: cannot read: ")


def test_write_creates_parent_directories_and_writes_readable_json(tmp_path: Path) -> None:
    path = tmp_path / "project" / ".claude" / "settings.json"
    data = settings.with_ours(copy.deepcopy(OTHER), str(path), PROGRAM)
    assert settings.write(str(path), data) is None  # nothing to back up
    text = path.read_text()
    assert text == json.dumps(data, indent=2) + "\n"
    assert settings.read(str(path)) == data
    assert os.listdir(path.parent) == ["settings.json"]  # no temporary file left behind


def test_write_backs_up_the_old_file_first(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    old = '{"env": {"FOO": "bar"},   "x": 1}\n'  # the user's own formatting
    path.write_text(old)
    backup = settings.write(str(path), {"env": {}})
    assert backup is not None and backup.startswith(f"{path}.bak-")
    assert Path(backup).read_text() == old
    assert json.loads(path.read_text()) == {"env": {}}


def test_write_twice_in_one_second_keeps_both_backups(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"version": 0}')
    backups = [settings.write(str(path), {"version": n}) for n in (1, 2, 3)]
    assert len(set(backups)) == 3 and None not in backups
    assert [json.loads(Path(b).read_text())["version"] for b in backups if b] == [0, 1, 2]
    assert json.loads(path.read_text()) == {"version": 3}


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_write_keeps_the_files_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{}")
    path.chmod(mode)
    settings.write(str(path), {"env": {"FOO": "bar"}})
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_write_goes_through_a_symlink_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "claude-settings.json"
    target.parent.mkdir()
    old = json.dumps(OTHER, indent=4)
    target.write_text(old)
    link = tmp_path / ".claude" / "settings.json"
    link.parent.mkdir()
    link.symlink_to(Path("..") / "dotfiles" / "claude-settings.json")
    assert settings.writable(str(link)) == str(target)
    new = settings.with_ours(settings.read(str(link)), str(link), PROGRAM)
    backup = settings.write(str(link), new)
    assert link.is_symlink() and os.readlink(link) == str(Path("..") / "dotfiles" / "claude-settings.json")
    assert json.loads(target.read_text()) == new
    assert backup is not None and Path(backup).parent == target.parent and Path(backup).read_text() == old
    assert sorted(p.name for p in link.parent.iterdir()) == ["settings.json"]  # nothing left beside the link


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_file_or_folder_is_refused_and_left_unchanged(tmp_path: Path, what: str) -> None:
    folder = tmp_path / ".claude"
    folder.mkdir()
    path = folder / "settings.json"
    old = json.dumps(OTHER)
    path.write_text(old)
    locked = path if what == "file" else folder
    locked.chmod(0o444 if what == "file" else 0o555)
    try:
        new = settings.with_ours(settings.read(str(path)), str(path), PROGRAM)
        if os.access(locked, os.W_OK):
            # Root (os.geteuid() == 0) may write whatever the modes say, and os.access tells it so: the guard
            # follows the OS, so here it writes, and the file keeps its mode. The refusal itself can only be
            # seen by a user the modes bind, which the other branch checks.
            assert os.geteuid() == 0
            settings.write(str(path), new)
            assert json.loads(path.read_text()) == new
            if what == "file":
                assert stat.S_IMODE(path.stat().st_mode) == 0o444
            return
        with pytest.raises(settings.SettingsError) as raised:
            settings.write(str(path), new)
        message = str(raised.value)
        assert message.startswith(f"{path}: ") and "read-only" in message
        if what == "file":
            assert "the file is read-only; the guard will not change it" in message
        else:
            assert f"the folder {os.path.realpath(folder)} is read-only" in message
        assert path.read_text() == old
        assert sorted(p.name for p in folder.iterdir()) == ["settings.json"]  # no backup, no temporary file
    finally:
        locked.chmod(0o755 if what == "folder" else 0o644)


def test_writable_of_a_file_not_yet_there_is_the_file_itself(tmp_path: Path) -> None:
    path = tmp_path / "new project" / ".claude" / "settings.json"
    assert settings.writable(str(path)) == str(path)
    assert not path.parent.exists()  # asking writes nothing

