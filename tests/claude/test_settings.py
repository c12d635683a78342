"""guard.claude.settings: Claude Code's settings files and the guard's own hook entries in them."""
from __future__ import annotations

import copy
import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from guard.claude import settings
from guard.claude.tools import MATCHER
from guard.policy.schema import MAX_VERIFY_TIMEOUT
from tests.testing import REPO, USER_SETTINGS, Home, hook_event

LINT = {"type": "command", "command": "/usr/local/bin/lint-hook"}
OTHER: dict[str, Any] = USER_SETTINGS


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
    _write_json(home.path / ".claude" / "settings.json", settings.with_ours(copy.deepcopy(OTHER), "user"))
    _write_json(project / ".claude" / "settings.local.json", OTHER)  # someone else's hooks only
    broken = project / ".claude" / "settings.json"
    broken.write_text('{"hooks": ')
    found = settings.installed(home.env, str(project))
    assert [scope for scope, _, _ in found] == ["user", "project", "local"]
    (_, _, user), (_, _, errors), (_, _, local) = found
    assert [(event, handler["command"]) for event, handler in user] == [
        ("PreToolUse", settings.guard_command("hook")), ("SessionStart", settings.guard_command("session-start"))]
    assert local == []
    [(kind, handler)] = errors
    assert kind == "error" and handler["command"].startswith(f"{broken}: not valid JSON")


def test_installed_follows_claude_project_dir(home: Home, project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    _write_json(elsewhere / ".claude" / "settings.json", settings.with_ours({}, "project"))
    env = dict(home.env, CLAUDE_PROJECT_DIR=str(elsewhere))
    found = {scope: (path, handlers) for scope, path, handlers in settings.installed(env, str(project))}
    assert found["project"][0] == str(elsewhere / ".claude" / "settings.json")
    assert [event for event, _ in found["project"][1]] == ["PreToolUse", "SessionStart"]
    assert settings.target("local", env, str(project)) == str(elsewhere / ".claude" / "settings.local.json")


# -- the guard's own handlers -----------------------------------------------------------------------------------------

def test_guard_command_names_this_interpreter_not_a_python_on_path(tmp_path: Path, home: Home) -> None:
    command = settings.guard_command("hook")
    words = shlex.split(command)
    assert words[1:] == ["-m", "guard", "hook"]
    assert os.path.isabs(words[0]) and os.access(words[0], os.X_OK) and os.path.samefile(words[0], sys.executable)
    # It runs from any directory, through a shell as Claude Code runs it: `git status` passes silently.
    result = subprocess.run(command, shell=True, cwd=tmp_path, env=home.env, input=hook_event("git status"),
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def _script(directory: Path, mode: int) -> Path:
    directory.mkdir(parents=True)
    script = directory / "guard"
    script.write_text(f"#!{sys.executable}\nfrom guard.claude import settings\n"
                      "print(settings.guard_command('hook'))\nprint(settings.guard_command('session-start'))\n")
    script.chmod(mode)
    return script


def test_guard_command_names_the_running_guard_script_quoted(tmp_path: Path) -> None:
    script = _script(tmp_path / "my bin", 0o755)
    result = subprocess.run([str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    hook, session = result.stdout.splitlines()
    assert shlex.split(hook) == [str(script), "hook"] and shlex.split(session) == [str(script), "session-start"]
    assert hook.startswith("'")  # the space in the path is quoted for the shell
    assert settings.is_ours({"command": hook}) and settings.is_ours({"command": session})


def test_guard_command_ignores_a_guard_script_that_is_not_executable(tmp_path: Path) -> None:
    script = _script(tmp_path / "bin", 0o644)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    hook = result.stdout.splitlines()[0]
    assert shlex.split(hook)[1:] == ["-m", "guard", "hook"] and os.path.isabs(shlex.split(hook)[0])


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


def test_wanted_groups_match_the_watched_tools_and_outlast_the_sts_deadline() -> None:
    wanted = settings.wanted_groups()
    assert set(wanted) == {"PreToolUse", "SessionStart"}
    pre = wanted["PreToolUse"]
    assert pre["matcher"] == MATCHER
    [handler] = pre["hooks"]
    assert handler == {"type": "command", "command": settings.guard_command("hook"), "timeout": handler["timeout"]}
    assert handler["timeout"] > MAX_VERIFY_TIMEOUT
    [start] = wanted["SessionStart"]["hooks"]
    assert "matcher" not in wanted["SessionStart"]
    assert start["type"] == "command" and start["command"] == settings.guard_command("session-start")
    assert start["timeout"] > 0
    assert all(settings.is_ours(group["hooks"][0]) for group in wanted.values())


# -- merging and removing ---------------------------------------------------------------------------------------------

def test_with_ours_into_empty_settings_is_exactly_the_wanted_groups() -> None:
    wanted = settings.wanted_groups()
    assert settings.with_ours({}, "s.json") == {"hooks": {event: [group] for event, group in wanted.items()}}


def test_with_ours_merges_without_touching_other_keys_or_hooks() -> None:
    data = copy.deepcopy(OTHER)
    merged = settings.with_ours(data, "s.json")
    assert data == OTHER  # the input is not changed
    wanted = settings.wanted_groups()
    assert merged["permissions"] == OTHER["permissions"] and merged["env"] == OTHER["env"]
    assert merged["hooks"]["PostToolUse"] == OTHER["hooks"]["PostToolUse"]
    assert merged["hooks"]["PreToolUse"] == [OTHER["hooks"]["PreToolUse"][0], wanted["PreToolUse"]]
    assert merged["hooks"]["SessionStart"] == [wanted["SessionStart"]]


def test_with_ours_is_idempotent() -> None:
    once = settings.with_ours(copy.deepcopy(OTHER), "s.json")
    twice = settings.with_ours(once, "s.json")
    assert twice is once  # nothing to change: the same settings back
    assert len(settings.our_handlers(twice)) == 2


def test_with_ours_replaces_an_older_install_instead_of_adding_a_second() -> None:
    old = {"type": "command", "command": "/old/venv/bin/guard hook", "timeout": 30}
    data = {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [old]}, {"matcher": "Bash", "hooks": [LINT]}]}}
    merged = settings.with_ours(data, "s.json")
    assert [handler["command"] for _, handler in settings.our_handlers(merged)] == [
        settings.guard_command("hook"), settings.guard_command("session-start")]
    assert merged["hooks"]["PreToolUse"] == [{"matcher": "Bash", "hooks": [LINT]},
                                             settings.wanted_groups()["PreToolUse"]]


@pytest.mark.parametrize("data, complaint", [
    ({"hooks": []}, '"hooks" should be an object'),
    ({"hooks": {"PreToolUse": {"matcher": "Bash"}}}, "hooks.PreToolUse should be a list"),
])
def test_merging_refuses_hooks_of_the_wrong_shape(data: dict[str, Any], complaint: str) -> None:
    for change in (settings.with_ours, settings.without_ours):
        with pytest.raises(settings.SettingsError) as raised:
            change(data, "/p/.claude/settings.json")
        assert str(raised.value) == f"/p/.claude/settings.json: {complaint}; the file was not changed"


def test_without_ours_undoes_with_ours() -> None:
    assert settings.without_ours(settings.with_ours(copy.deepcopy(OTHER), "s.json"), "s.json") == OTHER


def test_without_ours_drops_groups_and_events_left_empty() -> None:
    data = settings.with_ours({"env": {"FOO": "bar"}}, "s.json")
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
    data = settings.with_ours(copy.deepcopy(OTHER), str(path))
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
