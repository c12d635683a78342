"""`guard install` against real settings files: merged, backed up, idempotent, never clobbering a broken file.

By default it installs into the user's ~/.claude/settings.json, naming this
interpreter; `--project` writes the portable command a repository can commit.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from guard.claude import hook_command, settings
from guard.claude.tools import MATCHER as SHELL_MATCHER
from tests.testing import BIN, REPO, USER_SETTINGS, Home, guard

OTHER: dict[str, Any] = USER_SETTINGS
THIS = [os.path.abspath(sys.executable), "-m", "guard"]
WRAPPER = "sh -c '/opt/venv/bin/guard hook --config /etc/aws-guard.yaml'"  # the user's own command around the guard


def _settings(path: Path) -> dict:
    return json.loads(path.read_text())


def _user(home: Home) -> Path:
    return home.path / ".claude" / "settings.json"


def _commands(path: Path) -> dict[str, str]:
    """The guard's command per event in a settings file."""
    return {event: handler["command"] for event, handler in settings.our_handlers(_settings(path))}


def test_install_merges_with_the_users_settings_and_hooks(home: Home, project: Path) -> None:
    target = _user(home)
    target.parent.mkdir()
    target.write_text(json.dumps(OTHER))
    result = guard("install", env=home.env, cwd=project / "sub")
    assert result.returncode == 0, result.stderr
    data = _settings(target)
    assert data["permissions"] == OTHER["permissions"] and data["env"]["FOO"] == OTHER["env"]["FOO"]
    assert data["hooks"]["PostToolUse"] == OTHER["hooks"]["PostToolUse"]
    lint, ours = data["hooks"]["PreToolUse"]
    assert lint == OTHER["hooks"]["PreToolUse"][0]
    assert ours["matcher"] == SHELL_MATCHER
    [handler] = ours["hooks"]
    assert handler["command"] == hook_command.pretooluse(THIS)
    assert handler["onFailure"] == "block"
    assert handler["timeout"] > 30  # longer than the guard's own STS deadline (at most 30 s)
    assert data["hooks"]["SessionStart"][0]["hooks"][0]["command"] == hook_command.session_start(THIS)
    backups = list(target.parent.glob("settings.json.bak-*"))
    assert len(backups) == 1 and json.loads(backups[0].read_text()) == OTHER
    assert f"{target}: updated\n" in result.stdout and f"  runs: {' '.join(THIS)}\n" in result.stdout
    assert "backup of the previous file" in result.stdout and "kept 2 other hook group(s)" in result.stdout
    assert not (project / ".claude" / "settings.json").exists()


def test_install_twice_changes_nothing(home: Home, project: Path) -> None:
    assert guard("install", env=home.env, cwd=project).returncode == 0
    target = _user(home)
    first = target.read_text()
    result = guard("install", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"{target}: the guard is already installed; nothing changed" in result.stdout
    assert target.read_text() == first
    assert not list(target.parent.glob("*.bak-*"))


@pytest.mark.parametrize("flag", ["", "--project"])
def test_install_refuses_a_file_that_is_not_json_and_leaves_it_alone(home: Home, project: Path, flag: str) -> None:
    target = _user(home) if not flag else project / ".claude" / "settings.json"
    target.parent.mkdir()
    target.write_text('{"hooks": {,}')
    result = guard("install", *[flag] if flag else [], env=home.env, cwd=project)
    assert result.returncode == 1
    assert f"guard: {target}: not valid JSON" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text() == '{"hooks": {,}'
    assert sorted(p.name for p in target.parent.iterdir()) == ["settings.json"]


@pytest.mark.parametrize("flag, where", [("", "user"), ("--user", "user"), ("--local", "local"),
                                         ("--project", "project")])
def test_install_writes_only_the_file_of_its_scope(home: Home, project: Path, flag: str, where: str) -> None:
    result = guard("install", *[flag] if flag else [], env=home.env, cwd=project / "sub")
    assert result.returncode == 0, result.stderr
    files = {"user": _user(home), "project": project / ".claude" / "settings.json",
             "local": project / ".claude" / "settings.local.json"}
    assert _settings(files[where])["hooks"]["PreToolUse"][0]["matcher"] == SHELL_MATCHER
    assert [scope for scope, path in files.items() if path.exists()] == [where]
    assert not (project / "sub" / ".claude").exists()


@pytest.mark.parametrize("flag", ["", "--local"])
def test_install_for_the_user_or_local_names_this_interpreter(home: Home, project: Path, flag: str) -> None:
    guard("install", *[flag] if flag else [], env=home.env, cwd=project)
    target = _user(home) if not flag else project / ".claude" / "settings.local.json"
    commands = _commands(target)
    assert set(commands) == {"PreToolUse", "SessionStart"}
    for command in commands.values():
        program = hook_command.program_of(command)
        assert program == THIS and os.path.samefile(program[0], sys.executable)


def test_install_for_the_project_writes_no_path_of_this_machine(home: Home, project: Path) -> None:
    result = guard("install", "--project", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    target = project / ".claude" / "settings.json"
    text = target.read_text()
    for command in _commands(target).values():
        assert hook_command.PORTABLE in command and hook_command.program_of(command) is None
    for local in {str(REPO), sys.executable, os.path.realpath(sys.executable), str(BIN), str(project),
                  str(home.path), os.path.dirname(os.path.realpath(sys.executable))}:
        assert local not in text, local
    assert "  runs: guard, found on PATH when the hook runs (or $AWS_GUARD_BIN)\n" in result.stdout
    assert not (home.path / ".claude").exists()  # no user policy: that is for the user's own install
    # On a machine where guard is on PATH, the committed command runs it.
    env = dict(home.env, PATH=f"{BIN}:/usr/bin:/bin")
    answer = hook_command.dry_run(_commands(target)["PreToolUse"], env, str(project))
    assert answer["permissionDecision"] == "deny" and "names no profile" in answer["permissionDecisionReason"]


def test_install_with_config_gives_the_hook_that_policy_and_a_plain_re_install_keeps_it(
        home: Home, project: Path, rules_policy: Path) -> None:
    relative = os.path.relpath(rules_policy, project / "sub")
    result = guard("install", "--config", relative, env=home.env, cwd=project / "sub")
    assert result.returncode == 0, result.stderr
    target = _user(home)
    assert hook_command.arguments(_commands(target)["PreToolUse"]) == ["--config", str(rules_policy)]
    assert f"  runs: {' '.join(THIS)} hook --config {rules_policy}\n" in result.stdout
    first = target.read_text()
    again = guard("install", env=home.env, cwd=project)
    assert "already installed; nothing changed" in again.stdout and target.read_text() == first
    # The hook reads that policy: Prod's account is denied there, not in the policy `guard init` wrote.
    answer = hook_command.dry_run(_commands(target)["PreToolUse"], home.env, str(project), "aws --profile Prod s3 ls")
    assert "reaches account 999999999999, which the policy denies" in answer["permissionDecisionReason"]
    # The hook reads that file, so no second policy is written that nothing would read.
    assert not (home.path / ".claude" / "aws-guard.yaml").exists() and "written from your AWS config" not in result.stdout


def test_install_over_an_older_plain_entry_keeps_its_config(home: Home, project: Path) -> None:
    target = _user(home)
    old = {"type": "command", "command": "/old/venv/bin/guard hook --config /etc/aws-guard.yaml", "timeout": 30}
    target.parent.mkdir()
    target.write_text(json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [old]}]}}))
    result = guard("install", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert _commands(target)["PreToolUse"] == hook_command.pretooluse(THIS, ["--config", "/etc/aws-guard.yaml"])
    assert len(_settings(target)["hooks"]["PreToolUse"]) == 1


def test_install_managed_writes_only_the_fragment(home: Home, project: Path, tmp_path: Path) -> None:
    managed = tmp_path / "etc" / "claude-code"
    result = guard("install", "--managed", str(managed), env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    fragment = managed / "managed-settings.d" / "aws-guard.json"
    assert [p for p in managed.rglob("*") if p.is_file()] == [fragment]
    assert f"{fragment}: created\n" in result.stdout
    assert {event: hook_command.program_of(c) for event, c in _commands(fragment).items()} == {
        "PreToolUse": THIS, "SessionStart": THIS}
    assert not (home.path / ".claude").exists() and not (project / ".claude").exists()


def test_install_keeps_the_users_own_wrapper_and_says_so(home: Home, project: Path) -> None:
    target = _user(home)
    data = json.loads(json.dumps(OTHER))
    data["hooks"]["PreToolUse"].append({"matcher": "Bash", "hooks": [{"type": "command", "command": WRAPPER}]})
    target.parent.mkdir()
    target.write_text(json.dumps(data))
    result = guard("install", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    after = _settings(target)
    assert after["hooks"]["PreToolUse"] == data["hooks"]["PreToolUse"]  # the wrapper, and no second guard beside it
    assert _commands(target) == {"PreToolUse": WRAPPER, "SessionStart": hook_command.session_start(THIS)}
    assert f"  kept your own PreToolUse command: {WRAPPER}\n" in result.stdout


def test_the_first_user_install_writes_a_read_only_policy_and_says_so(home: Home, project: Path) -> None:
    policy = home.path / ".claude" / "aws-guard.yaml"
    result = guard("install", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"{policy}: written from your AWS config: every role profile read-only" in result.stdout
    profiles = yaml.safe_load(policy.read_text())["profiles"]
    assert profiles["CustomerA"] == {"account": "222222222222", "access": "read-only"}
    assert {rule["access"] for rule in profiles.values()} == {"read-only"}
    status = guard("status", env=home.env, cwd=project)
    assert f"policy   {policy}: profiles " in status.stdout  # the written policy is the one in effect


def test_install_never_overwrites_an_existing_policy(home: Home, project: Path) -> None:
    mine = "version: 1\nprofiles:\n  Writer: {account: '111111111111', access: read-write}\n"
    policy = home.write_policy(mine)
    result = guard("install", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert policy.read_text() == mine and "written from your AWS config" not in result.stdout
    assert not list(policy.parent.glob("aws-guard.yaml.bak-*"))


@pytest.mark.parametrize("flag", ["--project", "--local"])
def test_install_in_a_project_writes_no_policy(home: Home, project: Path, flag: str) -> None:
    result = guard("install", flag, env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (home.path / ".claude" / "aws-guard.yaml").exists() and "written from" not in result.stdout


def test_install_writes_through_a_symlinked_settings_file(home: Home, project: Path) -> None:
    real = home.path / "dotfiles" / "claude" / "settings.json"
    real.parent.mkdir(parents=True)
    real.write_text(json.dumps(OTHER))
    link = _user(home)
    link.parent.mkdir()
    link.symlink_to(real)
    result = guard("install", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real
    assert _commands(real) == {"PreToolUse": hook_command.pretooluse(THIS),
                               "SessionStart": hook_command.session_start(THIS)}
    assert _settings(real)["env"]["FOO"] == OTHER["env"]["FOO"]
    [backup] = real.parent.glob("settings.json.bak-*")
    assert json.loads(backup.read_text()) == OTHER


def test_the_user_install_puts_the_agents_commands_in_the_isolated_world(home: Home, project: Path,
                                                                          rules_policy: Path) -> None:
    """Claude Code sets the settings' `env` for every hook, Bash command and MCP server it starts."""
    home.write_policy(rules_policy.read_text())
    result = guard("install", env=home.env, cwd=project)
    assert result.returncode == 0, result.stderr
    env = _settings(_user(home))["env"]
    world = home.path / ".state" / "aws-guard" / "world"
    assert env["AWS_CONFIG_FILE"] == str(world / "config") and env["AWS_SHARED_CREDENTIALS_FILE"] == str(
        world / "credentials")
    assert env["AWS_ACCESS_KEY_ID"] == "" and env["AWS_EC2_METADATA_DISABLED"] == "true"
    assert env["AWS_PROFILE"] == env["AWS_DEFAULT_PROFILE"] == "aws-guard-no-profile-named"
    assert "[profile CustomerA]" in (world / "config").read_text() and "[profile Other]" not in (world / "config"
                                                                                                    ).read_text()
    assert f"the agent's commands get the AWS config {world / 'config'}" in result.stdout
    removed = guard("uninstall", env=home.env, cwd=project)
    assert "removed the isolated world's AWS variables" in removed.stdout and not world.exists()
    assert "AWS_CONFIG_FILE" not in _settings(_user(home)).get("env", {})


def test_isolate_false_in_the_policy_leaves_the_agents_aws_setup_as_it_is(home: Home, project: Path) -> None:
    home.write_policy("version: 1\nisolate: false\nprofiles:\n  CustomerA: {account: '222222222222'}\n")
    result = guard("install", env=home.env, cwd=project)
    assert "isolate: false" in result.stdout
    assert "AWS_CONFIG_FILE" not in _settings(_user(home)).get("env", {})
