"""`guard uninstall`: removes only the guard's own hooks from real Claude Code settings files, with a backup.

Like `guard install`, it works on the user's ~/.claude/settings.json unless told --project or --local.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from guard.claude import hook_command
from tests.testing import USER_SETTINGS, Home, guard

OTHER = USER_SETTINGS
THIS = " ".join([os.path.abspath(sys.executable), "-m", "guard"])


def _settings(path: Path) -> dict:
    return json.loads(path.read_text())


def _user(home: Home) -> Path:
    return home.path / ".claude" / "settings.json"


def _scopes(home: Home, project: Path) -> dict[str, Path]:
    return {"--user": _user(home),
            "--project": project / ".claude" / "settings.json",
            "--local": project / ".claude" / "settings.local.json"}


def _ours(data: dict) -> list[str]:
    """The commands of the guard's own handlers in parsed settings."""
    return [h["command"] for groups in data.get("hooks", {}).values() for g in groups for h in g["hooks"]
            if hook_command.is_ours(h["command"])]


def test_uninstall_removes_only_the_guard_from_the_users_file_and_says_what(home: Home, project: Path) -> None:
    target = _user(home)
    target.parent.mkdir()
    target.write_text(json.dumps(OTHER))
    guard("install", env=home.env, cwd=project)
    assert len(_ours(_settings(target))) == 2
    result = guard("uninstall", env=home.env, cwd=project / "sub")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{target}: removed PreToolUse hook (runs {THIS})\n"
                                    f"{target}: removed SessionStart hook (runs {THIS})\n")
    assert _settings(target) == OTHER
    assert "not installed there" in guard("uninstall", env=home.env, cwd=project).stdout


def test_uninstall_where_nothing_is_installed_creates_no_file(home: Home, project: Path) -> None:
    result = guard("uninstall", env=home.env, cwd=project / "sub")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{_user(home)}: the guard is not installed there; nothing changed\n"
    assert not (home.path / ".claude").exists()
    assert not (project / ".claude").exists() and not (project / "sub" / ".claude").exists()


def test_uninstall_leaves_a_file_without_the_guard_byte_for_byte(home: Home, project: Path) -> None:
    target = _user(home)
    target.parent.mkdir()
    text = json.dumps(OTHER, indent=4) + "\n\n"  # not the guard's own formatting: a rewrite would show
    target.write_text(text)
    result = guard("uninstall", env=home.env, cwd=project)
    assert result.returncode == 0 and "nothing changed" in result.stdout
    assert target.read_text() == text
    assert sorted(p.name for p in target.parent.iterdir()) == ["settings.json"]  # no backup either


@pytest.mark.parametrize("flag, scope", [("", "--user"), ("--user", "--user"), ("--project", "--project"),
                                         ("--local", "--local")])
def test_uninstall_scope_picks_its_file_and_leaves_the_others(home: Home, project: Path, flag: str,
                                                              scope: str) -> None:
    files = _scopes(home, project)
    for where in files:
        assert guard("install", where, env=home.env, cwd=project).returncode == 0
    result = guard("uninstall", *[flag] if flag else [], env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    runs = "guard, found on PATH when the hook runs (or $AWS_GUARD_BIN)" if scope == "--project" else THIS
    assert f"{files[scope]}: removed PreToolUse hook (runs {runs})\n" in result.stdout
    assert f"{files[scope]}: removed SessionStart hook (runs {runs})\n" in result.stdout
    for where, path in files.items():
        kept = _ours(_settings(path))
        assert (kept == []) == (where == scope), (where, kept)
        if where != scope:
            assert len(kept) == 2


def test_uninstall_backs_up_the_previous_file(home: Home, project: Path) -> None:
    target = _user(home)
    target.parent.mkdir()
    target.write_text(json.dumps(OTHER))
    guard("install", env=home.env, cwd=project)
    for old in target.parent.glob("settings.json.bak-*"):
        old.unlink()  # the install's own backup
    installed = target.read_text()
    result = guard("uninstall", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    backups = list(target.parent.glob("settings.json.bak-*"))
    assert len(backups) == 1
    assert f"  backup of the previous file: {backups[0]}\n" in result.stdout
    assert backups[0].read_text() == installed
    assert len(_ours(json.loads(backups[0].read_text()))) == 2 and _ours(_settings(target)) == []


def test_uninstall_keeps_other_hooks_in_the_same_group_and_event(home: Home, project: Path) -> None:
    guard_bin = "/opt/venv/bin/guard"
    data = {
        "model": "opus",
        "permissions": {"deny": ["Read(./.env)"], "allow": ["Bash(make)"]},
        "hooks": {
            "PreToolUse": [
                {"matcher": "Bash", "hooks": [
                    {"type": "command", "command": "/usr/local/bin/lint-hook", "timeout": 5},
                    {"type": "command", "command": f"{guard_bin} hook", "timeout": 60},
                    {"type": "command", "command": "/opt/bin/myguard hook"},  # not the guard: another program
                ]},
                {"matcher": "Bash", "hooks": [{"type": "command", "command": "python3 -m guard hook"}]},
                {"matcher": "Bash", "hooks": [{"type": "command", "command": "hooks/aws-guard-pretooluse"}]},
            ],
            "SessionStart": [
                {"hooks": [{"type": "command", "command": "echo hello"}]},
                {"hooks": [{"type": "command", "command": f"'{guard_bin}' session-start"}]},
            ],
            "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
        },
    }
    target = project / ".claude" / "settings.local.json"
    target.parent.mkdir()
    target.write_text(json.dumps(data))
    result = guard("uninstall", "--local", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("removed PreToolUse hook") == 3 and result.stdout.count("removed SessionStart") == 1
    expected = json.loads(json.dumps(data))
    expected["hooks"]["PreToolUse"] = [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": "/usr/local/bin/lint-hook", "timeout": 5},
        {"type": "command", "command": "/opt/bin/myguard hook"}]}]
    expected["hooks"]["SessionStart"] = [{"hooks": [{"type": "command", "command": "echo hello"}]}]
    assert _settings(target) == expected


@pytest.mark.parametrize("text, complaint", [
    ('{"hooks": {,}', "not valid JSON"),
    ('["hooks"]', "expected a JSON object at the top, got list"),
])
def test_uninstall_refuses_a_broken_settings_file_and_leaves_it_alone(home: Home, project: Path, text: str,
                                                                      complaint: str) -> None:
    target = _user(home)
    target.parent.mkdir()
    target.write_text(text)
    result = guard("uninstall", env=home.env, cwd=project)
    assert result.returncode == 1
    assert result.stderr.startswith(f"guard: {target}: {complaint}")
    assert "was not changed" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert target.read_text() == text
    assert sorted(p.name for p in target.parent.iterdir()) == ["settings.json"]


def test_uninstall_removes_an_older_plain_entry_and_says_what_it_ran(home: Home, project: Path) -> None:
    target = _user(home)
    target.parent.mkdir()
    target.write_text(json.dumps({"hooks": {
        "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "/old/venv/bin/guard hook "
                                                                                   "--config /etc/aws-guard.yaml"}]}],
    }}))
    result = guard("uninstall", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"{target}: removed PreToolUse hook (runs /old/venv/bin/guard (hook --config /etc/aws-guard.yaml))\n" \
        in result.stdout
    assert _settings(target) == {}
