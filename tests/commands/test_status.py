"""`guard status`: where the guard's hooks are installed, which policy applies here, and its exit code."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.testing import Home, guard

HINT = "The PreToolUse hook is not installed: run `guard install`."


def _lines(home: Home, project: Path) -> dict[str, str]:
    """The start of each scope's status line."""
    return {"user": f"user     {home.path / '.claude' / 'settings.json'}: ",
            "project": f"project  {project / '.claude' / 'settings.json'}: ",
            "local": f"local    {project / '.claude' / 'settings.local.json'}: "}


def test_status_says_where_and_which_policy(home: Home, project: Path) -> None:
    assert guard("status", env=home.env, cwd=project).returncode == 2
    guard("install", "--local", env=home.env, cwd=project)
    result = guard("status", env=home.env, cwd=project)
    assert result.returncode == 0
    assert f"local    {project / '.claude' / 'settings.local.json'}: PreToolUse:" in result.stdout
    assert "policy   built-in default: profiles" in result.stdout


def test_status_without_the_hook_anywhere_is_exit_2_with_the_hint(home: Home, project: Path) -> None:
    result = guard("status", env=home.env, cwd=project / "sub")  # the git top level is the project
    assert result.returncode == 2, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [start + "not installed" for start in _lines(home, project).values()]
    assert lines[-1] == HINT
    assert result.stderr == ""


def test_status_with_only_the_session_start_hook_is_still_not_installed(home: Home, project: Path) -> None:
    guard("install", env=home.env, cwd=project)
    target = project / ".claude" / "settings.json"
    data = json.loads(target.read_text())
    del data["hooks"]["PreToolUse"]
    target.write_text(json.dumps(data))
    result = guard("status", env=home.env, cwd=project)
    assert result.returncode == 2
    assert _lines(home, project)["project"] + "SessionStart: " in result.stdout
    assert "PreToolUse" not in result.stdout.replace(HINT, "")
    assert result.stdout.splitlines()[-1] == HINT


@pytest.mark.parametrize("flag, scope", [("--user", "user"), ("--local", "local"), ("", "project")])
def test_status_is_exit_0_when_installed_in_one_scope(home: Home, project: Path, flag: str, scope: str) -> None:
    guard("install", *[flag] if flag else [], env=home.env, cwd=project)
    result = guard("status", env=home.env, cwd=project)
    assert result.returncode == 0, result.stdout
    starts = _lines(home, project)
    for name, start in starts.items():
        if name == scope:
            assert start + "PreToolUse: " in result.stdout and start + "SessionStart: " in result.stdout
            command = result.stdout.split(start + "PreToolUse: ", 1)[1].splitlines()[0]
            assert command.endswith(" hook") and Path(command.split()[0]).is_absolute()
        else:
            assert start + "not installed" in result.stdout
    assert HINT not in result.stdout


def test_status_reports_a_broken_settings_file_without_a_traceback(home: Home, project: Path) -> None:
    guard("install", "--user", env=home.env, cwd=project)
    broken = project / ".claude" / "settings.json"
    broken.parent.mkdir()
    broken.write_text('{"hooks": {,}')
    result = guard("status", env=home.env, cwd=project)
    assert result.returncode == 0  # the user settings still hold the hook
    assert f"{_lines(home, project)['project']}error: {broken}: not valid JSON" in result.stdout
    assert _lines(home, project)["user"] + "PreToolUse: " in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert broken.read_text() == '{"hooks": {,}'


@pytest.mark.parametrize("policy, complaint", [
    ("version: 7\n", "version: expected 1, got 7"),
    ("version: 1\nprofiles:\n  CustomerA: {account: '2222'}\n", "profiles.CustomerA.account: expected 12 digits"),
    ("version: 1\nprofiles: [\n", "line 3, column 1: not valid YAML"),
])
def test_status_reports_a_broken_policy_as_an_error_and_exit_2(home: Home, project: Path, policy: str,
                                                              complaint: str) -> None:
    guard("install", env=home.env, cwd=project)
    path = home.write_policy(policy)
    result = guard("status", env=home.env, cwd=project)
    assert result.returncode == 2
    assert f"policy   error: {path}: {complaint}" in result.stdout
    assert _lines(home, project)["project"] + "PreToolUse: " in result.stdout
    assert "Traceback" not in result.stderr


def test_status_names_the_policy_file_and_its_profiles(home: Home, project: Path, rules_policy: Path) -> None:
    guard("install", env=home.env, cwd=project)
    user = home.write_policy("version: 1\nprofiles:\n  CustomerA: {account: '222222222222'}\n"
                             "  default: {account: '111111111111'}\n")
    assert f"policy   {user}: profiles CustomerA, default\n" in guard("status", env=home.env, cwd=project).stdout
    explicit = guard("status", "--config", str(rules_policy), env=home.env, cwd=project)
    assert explicit.returncode == 0
    listed = "Asker, CustomerA, Drifted, Ghost, Loop, Patterned, Prod, Writer, default"
    assert f"policy   {rules_policy}: profiles {listed}\n" in explicit.stdout
