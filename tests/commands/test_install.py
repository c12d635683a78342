"""`guard install` against real settings files: merged, backed up, idempotent, never clobbering a broken file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from guard.claude.tools import MATCHER as SHELL_MATCHER
from tests.testing import USER_SETTINGS, Home, guard

OTHER = USER_SETTINGS


def _settings(path: Path) -> dict:
    return json.loads(path.read_text())


def test_install_merges_with_other_settings_and_hooks(home: Home, project: Path) -> None:
    target = project / ".claude" / "settings.json"
    target.parent.mkdir()
    target.write_text(json.dumps(OTHER))
    result = guard("install", env=home.env, cwd=project / "sub")  # the git top level is the project
    assert result.returncode == 0, result.stderr
    data = _settings(target)
    assert data["permissions"] == OTHER["permissions"] and data["env"] == OTHER["env"]
    assert data["hooks"]["PostToolUse"] == OTHER["hooks"]["PostToolUse"]
    lint, ours = data["hooks"]["PreToolUse"]
    assert lint == OTHER["hooks"]["PreToolUse"][0]
    assert ours["matcher"] == SHELL_MATCHER
    handler = ours["hooks"][0]
    assert handler["command"].endswith(" hook") and Path(handler["command"].split()[0]).is_absolute()
    assert handler["timeout"] > 30  # longer than the guard's own STS deadline (at most 30 s)
    assert data["hooks"]["SessionStart"][0]["hooks"][0]["command"].endswith(" session-start")
    backups = list(target.parent.glob("settings.json.bak-*"))
    assert len(backups) == 1 and json.loads(backups[0].read_text()) == OTHER
    assert "backup of the previous file" in result.stdout and "kept 2 other hook group(s)" in result.stdout


def test_install_twice_changes_nothing(home: Home, project: Path) -> None:
    guard("install", env=home.env, cwd=project)
    target = project / ".claude" / "settings.json"
    first = target.read_text()
    result = guard("install", env=home.env, cwd=project)
    assert "already installed; nothing changed" in result.stdout
    assert target.read_text() == first
    assert not list(target.parent.glob("*.bak-*"))


def test_install_refuses_a_file_that_is_not_json_and_leaves_it_alone(home: Home, project: Path) -> None:
    target = project / ".claude" / "settings.json"
    target.parent.mkdir()
    target.write_text('{"hooks": {,}')
    result = guard("install", env=home.env, cwd=project)
    assert result.returncode == 1
    assert f"guard: {target}: not valid JSON" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text() == '{"hooks": {,}'


@pytest.mark.parametrize("flag, where", [("--user", "home"), ("--local", "local")])
def test_install_user_and_local(home: Home, project: Path, flag: str, where: str) -> None:
    guard("install", flag, env=home.env, cwd=project)
    target = (home.path / ".claude" / "settings.json" if where == "home"
              else project / ".claude" / "settings.local.json")
    assert _settings(target)["hooks"]["PreToolUse"][0]["matcher"] == SHELL_MATCHER
    assert not (project / ".claude" / "settings.json").exists()
