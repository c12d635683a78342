"""`guard doctor` on setups with known problems."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from guard.claude import hook_command
from guard.claude.tools import MATCHER
from tests.testing import Home, guard

POLICY = """\
version: 1
profiles:
  CustomerA: {account: "222222222222", access: read-only, require_mfa: true, max_session_seconds: 3600}
  Drifted:   {account: "555555555555", access: read-only}
  Loop:      {account: "111111111111", access: read-only}
  Ghost:     {account: "111111111111", access: read-only}
  NoMfa:     {account: "111111111111", access: read-only, require_mfa: true}
  Long:      {account: "111111111111", access: read-only, max_session_seconds: 3600}
  Orphan:    {account: "111111111111", access: read-only}
verify_identity: true
"""
EXTRA = """\
[profile NoMfa]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/R
[profile Long]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/R
duration_seconds = 7200
[profile Orphan]
source_profile = nowhere
role_arn = arn:aws:iam::111111111111:role/R
"""


def _findings(home: Home, **env: str) -> tuple[int, list[dict]]:
    result = guard("doctor", "--json", env=dict(home.env, **env), cwd=home.path)
    return result.returncode, json.loads(result.stdout)


def test_doctor_finds_each_kind_of_problem(home: Home) -> None:
    (home.aws / "config").write_text((home.aws / "config").read_text() + EXTRA)
    home.write_policy(POLICY)
    code, findings = _findings(home, AWS_PROFILE="CustomerA")
    by = {(f["subject"], f["level"]): f["message"] for f in findings}
    assert code == 2
    assert "points at 444444444444" in by[("Drifted", "error")]
    assert "source_profile loop" in by[("Loop", "error")]
    assert "not defined in" in by[("Ghost", "error")]
    assert "no mfa_serial" in by[("NoMfa", "error")]
    assert "exceeds the policy's max_session_seconds (3600)" in by[("Long", "error")]
    assert "'nowhere' does not exist" in by[("Orphan", "error")]
    assert "asks for the MFA code on every call" in by[("CustomerA", "warn")]
    assert "AWS_PROFILE is set" in by[("environment", "warn")]


def test_doctor_warns_about_static_keys_in_default(home: Home) -> None:
    (home.aws / "credentials").write_text("[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n")
    home.write_policy("version: 1\nprofiles: {}\n")
    code, findings = _findings(home)
    assert code == 0
    assert any(f["subject"] == "default" and "static keys" in f["message"] for f in findings)


def test_doctor_human_output_is_a_table_with_fixes(home: Home) -> None:
    home.write_policy("version: 1\nprofiles:\n  Ghost: {account: '111111111111'}\n")
    result = guard("doctor", env=home.env, cwd=home.path)
    assert result.returncode == 2
    assert result.stdout.splitlines()[0].split() == ["LEVEL", "SUBJECT", "FINDING"]
    assert "fix: add [profile Ghost]" in result.stdout
    assert result.stdout.rstrip().endswith("1 error(s), 1 warning(s)")  # and: the hook is installed nowhere


def test_doctor_says_whether_the_hook_is_installed(home: Home, tmp_path) -> None:
    home.write_policy("version: 1\nprofiles: {}\n")
    _, findings = _findings(home)
    assert any(f["subject"] == "claude-code" and f["level"] == "warn" for f in findings)
    settings = home.path / ".claude" / "settings.json"
    settings.write_text('{"hooks": {"PreToolUse": [{"matcher": "Bash|Monitor", "hooks": '
                        '[{"type": "command", "command": "/gone/venv/bin/guard hook"}]}]}}')
    code, findings = _findings(home)
    assert code == 2
    assert any(f["subject"] == "claude-code" and "/gone/venv/bin/guard" in f["message"] for f in findings)


def test_doctor_on_a_machine_with_nothing_set_up(tmp_path) -> None:
    from tests.testing import clean_env

    empty = tmp_path / "empty"
    empty.mkdir()
    result = guard("doctor", "--json", env=clean_env(empty), cwd=empty)
    findings = {(f["subject"], f["level"]): f["message"] for f in json.loads(result.stdout)}
    assert "neither" in findings[("aws-config", "warn")]
    assert "no profile is allowed" in findings[("policy", "warn")]


def _claude_code(home: Home, cwd: Path) -> tuple[int, list[dict]]:
    result = guard("doctor", "--json", env=home.env, cwd=cwd)
    return result.returncode, [f for f in json.loads(result.stdout) if f["subject"] == "claude-code"]


def _user_settings(home: Home, command: str) -> Path:
    settings = home.path / ".claude" / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"hooks": {"PreToolUse": [{"matcher": MATCHER, "hooks": [
        {"type": "command", "command": command}]}]}}))
    return settings


def test_doctor_fills_in_claude_project_dir(home: Home, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "hooks").mkdir(parents=True)
    (project / ".claude").mkdir()
    script = project / "hooks" / "aws-guard-pretooluse"
    script.write_text(f"#!/bin/sh\nexec {sys.executable} -m guard hook\n")  # the real hook, as this repository's
    script.chmod(0o755)
    (project / ".claude" / "settings.json").write_text(json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": '"$CLAUDE_PROJECT_DIR"/hooks/aws-guard-pretooluse'}]}]}}))
    home.write_policy("version: 1\nprofiles: {}\n")
    result = guard("doctor", "--json", env=dict(home.env, CLAUDE_PROJECT_DIR=str(project)), cwd=project)
    found = [f for f in json.loads(result.stdout) if f["subject"] == "claude-code"]
    assert [f["level"] for f in found] == ["ok", "warn"], found
    assert "denies `aws s3 ls`" in found[0]["message"]
    assert "subdirectories is not guarded" in found[1]["message"]  # installed for the project only
    assert result.returncode == 0


def test_doctor_runs_the_hook_guard_install_wrote_and_sees_it_deny(home: Home, tmp_path: Path) -> None:
    home.write_policy("version: 1\nprofiles:\n  CustomerA: {account: '222222222222', access: read-only}\n")
    assert guard("install", "--user", env=home.env, cwd=home.path).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, found = _claude_code(home, elsewhere)
    assert [f["level"] for f in found] == ["ok"], found
    assert found[0]["message"] == (f"user settings {home.path / '.claude' / 'settings.json'}: runs "
                                   f"{sys.executable} -m guard; denies `aws s3 ls` as it should")
    assert code == 0


def test_a_hook_whose_program_is_gone_is_an_error(home: Home, tmp_path: Path) -> None:
    home.write_policy("version: 1\nprofiles: {}\n")
    settings = _user_settings(home, hook_command.pretooluse(["/nonexistent/python", "-m", "guard"]))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, found = _claude_code(home, elsewhere)
    assert code == 2
    assert [(f["level"], f["message"]) for f in found] == [
        ("error", f"{settings}: /nonexistent/python is missing or not executable")]
    assert "guard install" in found[0]["fix"]


ALLOW = '{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "allow"}}'


@pytest.mark.parametrize("body, answered", [
    ("cat >/dev/null", "it answered nothing"),
    (f"cat >/dev/null; echo '{ALLOW}'", "it answered {'hookEventName': 'PreToolUse', 'permissionDecision': 'allow'}"),
    ("cat >/dev/null; echo ok", "it printed 'ok'"),
    ("cat >/dev/null; echo broken >&2; exit 1", "exit 1: broken"),
], ids=["silent", "allow", "not json", "fails"])
def test_a_users_own_hook_that_lets_aws_through_is_an_error(home: Home, tmp_path: Path, body: str,
                                                             answered: str) -> None:
    home.write_policy("version: 1\nprofiles: {}\n")
    script = home.path / "bin" / "aws-guard-pretooluse"  # a hook script of the user's, named for the guard
    script.parent.mkdir()
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    settings = _user_settings(home, str(script))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, found = _claude_code(home, elsewhere)
    assert code == 2
    assert [(f["level"], f["message"]) for f in found] == [
        ("error", f"{settings}: the installed hook did not deny `aws s3 ls` ({answered})")]
