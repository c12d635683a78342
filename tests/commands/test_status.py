"""`guard status`: where the guard's hooks are installed, whether they can start, which policy applies, its exit code.

Exit 0 when the PreToolUse hook is installed and can start; 2 when it is
installed nowhere, a settings file cannot be read, an installed program cannot
start, or the policy is broken.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from guard.claude import settings
from tests.testing import BIN, Home, guard

HINT = "The PreToolUse hook is not installed: run `guard install`."
THIS = " ".join([os.path.abspath(sys.executable), "-m", "guard"])
PORTABLE = "runs guard, found on PATH when the hook runs (or $AWS_GUARD_BIN)"


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
    target = home.path / ".claude" / "settings.json"
    data = json.loads(target.read_text())
    del data["hooks"]["PreToolUse"]
    target.write_text(json.dumps(data))
    result = guard("status", env=home.env, cwd=project)
    assert result.returncode == 2
    assert _lines(home, project)["user"] + "SessionStart: " in result.stdout
    assert "PreToolUse" not in result.stdout.replace(HINT, "")
    assert result.stdout.splitlines()[-1] == HINT


@pytest.mark.parametrize("flag, scope", [("", "user"), ("--user", "user"), ("--local", "local"),
                                         ("--project", "project")])
def test_status_is_exit_0_when_installed_in_one_scope(home: Home, project: Path, flag: str, scope: str) -> None:
    guard("install", *[flag] if flag else [], env=home.env, cwd=project)
    env = dict(home.env, PATH=f"{BIN}:/usr/bin:/bin")  # where the project's committed command finds guard
    result = guard("status", env=env, cwd=project)
    assert result.returncode == 0, result.stdout
    starts = _lines(home, project)
    for name, start in starts.items():
        if name == scope:
            runs = PORTABLE if scope == "project" else f"runs {THIS}"
            assert f"{start}PreToolUse: {runs}\n" in result.stdout and f"{start}SessionStart: {runs}\n" in result.stdout
        else:
            assert start + "not installed" in result.stdout
    assert HINT not in result.stdout and "error" not in result.stdout


def test_status_reports_a_broken_settings_file_as_exit_2_without_a_traceback(home: Home, project: Path) -> None:
    guard("install", "--user", env=home.env, cwd=project)
    broken = project / ".claude" / "settings.json"
    broken.parent.mkdir()
    broken.write_text('{"hooks": {,}')
    result = guard("status", env=home.env, cwd=project)
    assert result.returncode == 2  # the user settings still hold the hook, but that file cannot be read
    assert f"project  error: {broken}: not valid JSON" in result.stdout
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
    assert _lines(home, project)["user"] + f"PreToolUse: runs {THIS}\n" in result.stdout
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


def _install_with(home: Home, program: list[str]) -> Path:
    """The user's settings, installed and then rewritten to run `program`, as a moved or deleted venv leaves them."""
    target = home.path / ".claude" / "settings.json"
    settings.write(str(target), settings.with_ours(settings.read(str(target)), str(target), program))
    return target


def test_status_with_the_installed_program_missing_is_exit_2_and_names_it(home: Home, project: Path,
                                                                          tmp_path: Path) -> None:
    assert guard("install", env=home.env, cwd=project).returncode == 0
    gone = str(tmp_path / "deleted venv" / "bin" / "python")
    _install_with(home, [gone, "-m", "guard"])
    result = guard("status", env=home.env, cwd=project)
    assert result.returncode == 2
    start = _lines(home, project)["user"]
    assert f"{start}PreToolUse: error: {gone} is missing or not executable\n" in result.stdout
    assert f"{start}SessionStart: error: {gone} is missing or not executable\n" in result.stdout


def test_status_with_a_program_that_fails_to_start_is_exit_2_even_when_another_scope_works(
        home: Home, project: Path, tmp_path: Path) -> None:
    guard("install", "--local", env=home.env, cwd=project)
    broken = tmp_path / "venv" / "bin" / "guard"
    broken.parent.mkdir(parents=True)
    broken.write_text("#!/bin/sh\necho 'No module named guard' >&2\nexit 1\n")
    broken.chmod(0o755)
    _install_with(home, [str(broken)])
    result = guard("status", env=home.env, cwd=project)
    assert result.returncode == 2
    assert f"{_lines(home, project)['user']}PreToolUse: error: {broken} does not run: No module named guard\n" \
        in result.stdout
    assert f"{_lines(home, project)['local']}PreToolUse: runs {THIS}\n" in result.stdout


def test_status_of_project_settings_without_guard_on_path_is_exit_2(home: Home, project: Path) -> None:
    guard("install", "--project", env=home.env, cwd=project)
    result = guard("status", env=dict(home.env, PATH="/usr/bin:/bin"), cwd=project)
    assert result.returncode == 2
    assert (f"{_lines(home, project)['project']}PreToolUse: error: `guard` is not on PATH (and AWS_GUARD_BIN is not "
            "set), so the hook cannot start\n") in result.stdout
    with_bin = guard("status", env=dict(home.env, PATH="/usr/bin:/bin", AWS_GUARD_BIN=str(BIN / "guard")),
                     cwd=project)
    assert with_bin.returncode == 0, with_bin.stdout


@pytest.mark.parametrize("flag", ["--project", "--local"])
def test_a_project_only_install_says_sessions_in_subdirectories_are_not_guarded(home: Home, project: Path,
                                                                                 flag: str) -> None:
    env = dict(home.env, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    assert guard("install", flag, env=env, cwd=project).returncode == 0
    result = guard("status", env=env, cwd=project)
    assert "a session started in one of its subdirectories is not guarded" in result.stdout, result.stdout
    assert guard("install", env=env, cwd=project).returncode == 0  # and the user scope too
    assert "subdirectories" not in guard("status", env=env, cwd=project).stdout
