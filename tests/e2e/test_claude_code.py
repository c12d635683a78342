"""The guard in the real Claude Code CLI, end to end, on each supported release (tests/e2e/conftest.py).

A temporary HOME where `guard install` has run; `claude -p` (npm @anthropic-ai/claude-code) talks to a fake
Anthropic API on loopback that proposes one Bash command per session; identities are verified against moto's STS
on loopback; allowed commands run through the real AWS CLI. A shim `aws` first on PATH leaves a marker for every
aws process that really starts, then runs the real one.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from guard.claude import hook_command, settings
from tests.e2e.claude import run_claude
from tests.testing import (
    BIN,
    IDENTITY_CONFIG,
    IDENTITY_CREDENTIALS,
    MotoServer,
    clean_env,
    guard,
    wait_for_audit,
)

POLICY = """\
version: 1
profiles:
  RoleB: {account: "222222222222", access: read-only}
  keys:  {account: "222222222222", access: read-only}
verify_identity: true
"""
CASES = {
    "no_profile": "aws s3 ls",
    "allowed": "aws sts get-caller-identity --profile RoleB",
    "wrong_account": "aws sts get-caller-identity --profile keys",
    "bash_c": "bash -c 'aws s3 ls'",
    "ordinary": "echo hello-from-bash",
}


class World:
    """HOME with an AWS config and policy where `guard install` ran (user scope), a git project, the aws shim."""

    def __init__(self, root: Path, moto: MotoServer) -> None:
        self.home, self.project, self.shims = root / "home", root / "project", root / "shims"
        self.marks = root / "aws-started"
        for folder in (self.home / ".aws", self.home / ".claude", self.project, self.shims):
            folder.mkdir(parents=True)
        (self.home / ".aws" / "config").write_text(IDENTITY_CONFIG)
        (self.home / ".aws" / "credentials").write_text(IDENTITY_CREDENTIALS)
        (self.home / ".claude" / "aws-guard.yaml").write_text(POLICY)
        subprocess.run(["git", "init", "-q", str(self.project)], check=True)
        (self.project / "sub").mkdir()
        shim = self.shims / "aws"
        shim.write_text(f'#!/bin/sh\necho "$*" >> "{self.marks}"\nexec "{BIN / "aws"}" "$@"\n')
        shim.chmod(0o755)
        self.env = {"AWS_ENDPOINT_URL": moto.url, "PATH": f"{self.shims}:{BIN}:/usr/local/bin:/usr/bin:/bin"}
        installed = subprocess.run([str(BIN / "guard"), "install"], cwd=self.project, capture_output=True, text=True,
                                   env=clean_env(self.home, self.env))
        assert installed.returncode == 0, installed.stderr

    def started(self) -> list[str]:
        return self.marks.read_text().splitlines() if self.marks.exists() else []


@pytest.fixture(scope="module")
def sessions(claude: Path, moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory):
    """One Claude Code session per case, in one world, so the audit log and transcripts hold them all."""
    moto_server.reset()
    world = World(tmp_path_factory.mktemp("claude-e2e"), moto_server)
    runs = {}
    for name, command in CASES.items():
        before = len(world.started())
        runs[name] = (run_claude(claude, world.project, world.home, command, world.env), world.started()[before:])
    return world, runs


def test_guard_install_wrote_the_hook_claude_code_runs(sessions) -> None:
    world, _ = sessions
    settings = json.loads((world.home / ".claude" / "settings.json").read_text())
    [handler] = settings["hooks"]["PreToolUse"][0]["hooks"]
    assert hook_command.program_of(handler["command"])[1:] == ["-m", "guard"]
    assert handler["onFailure"] == "block" and not (world.project / ".claude").exists()


def test_aws_without_profile_comes_back_as_an_error_naming_profile(sessions) -> None:
    run, started = sessions[1]["no_profile"]
    assert run.denied, run.explain()
    assert "aws-guard: the aws call names no profile" in run.text and "--profile" in run.text
    assert started == []  # the command never ran


def test_an_allowed_call_runs_through_the_aws_cli_and_its_output_comes_back(sessions) -> None:
    run, started = sessions[1]["allowed"]
    assert not run.denied, run.explain()
    assert started == ["sts get-caller-identity --profile RoleB"]
    assert json.loads(run.text)["Account"] == "222222222222"  # the real CLI's answer from moto


def test_a_profile_live_in_another_account_is_denied_naming_it(sessions) -> None:
    run, started = sessions[1]["wrong_account"]
    assert run.denied and "account 123456789012" in run.text, run.explain()
    assert started == []


def test_bash_c_around_an_aws_call_is_denied(sessions) -> None:
    run, started = sessions[1]["bash_c"]
    assert run.denied and "--profile" in run.text, run.explain()
    assert started == []


def test_a_command_without_aws_is_untouched(sessions) -> None:
    run, started = sessions[1]["ordinary"]
    assert not run.denied and "hello-from-bash" in run.text, run.explain()
    assert run.result["permission_denials"] == []


def test_the_audit_log_holds_the_aws_decisions(sessions) -> None:
    world, _ = sessions
    records = wait_for_audit(world.home / ".state" / "aws-guard" / "audit.jsonl", 4)
    decided = {r["command"]: r["decision"] for r in records}
    assert decided == {CASES["no_profile"]: "deny", CASES["allowed"]: "pass", CASES["wrong_account"]: "deny",
                       CASES["bash_c"]: "deny"}
    allowed = next(r for r in records if r["decision"] == "pass")
    assert allowed["calls"][0]["identity"]["account"] == "222222222222"
    assert all(r["session_id"] for r in records)


def test_replay_of_the_transcripts_claude_code_wrote(sessions, moto_server: MotoServer) -> None:
    world, _ = sessions
    transcripts = sorted((world.home / ".claude" / "projects").glob("*/*.jsonl"))
    assert len(transcripts) == len(CASES)
    env = clean_env(world.home, world.env)
    static = guard("replay", *map(str, transcripts), env=env, cwd=world.project)
    assert static.stdout.splitlines()[-1] == "5 shell command(s): 3 pass, 0 ask, 2 deny; 0 malformed line(s)"
    verified = guard("replay", "--verify", "--json", *map(str, transcripts), env=env, cwd=world.project)
    rows = [json.loads(line) for line in verified.stdout.splitlines()]
    assert {r["command"]: r["decision"] for r in rows[:-1]} == {
        CASES["no_profile"]: "deny", CASES["allowed"]: "pass", CASES["wrong_account"]: "deny",
        CASES["bash_c"]: "deny", CASES["ordinary"]: "pass"}
    assert rows[-1]["summary"]["deny"] == 3


def test_a_session_started_in_a_subdirectory_is_guarded(claude: Path, sessions) -> None:
    """Claude Code reads no project settings from a subdirectory; the user's settings, where install writes, it does."""
    world, _ = sessions
    run = run_claude(claude, world.project / "sub", world.home, "aws s3 ls", world.env)
    assert run.denied and "aws-guard: the aws call names no profile" in run.text, run.explain()


@pytest.fixture(scope="module")
def vanished(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A HOME whose settings name a guard that is gone, as after its venv was deleted: (home, project)."""
    root = tmp_path_factory.mktemp("vanished")
    home, project = root / "home", root / "project"
    project.mkdir(parents=True)
    path = str(home / ".claude" / "settings.json")
    settings.write(path, settings.with_ours({}, path, [str(root / "gone" / "bin" / "python"), "-m", "guard"]))
    return home, project


@pytest.mark.parametrize("command, blocked", [("aws s3 ls", True), ("ls -a", False)])
def test_when_the_guard_cannot_start_aws_commands_are_blocked_and_others_run(
        claude: Path, vanished: tuple[Path, Path], command: str, blocked: bool) -> None:
    home, project = vanished
    run = run_claude(claude, project, home, command, {"PATH": "/usr/local/bin:/usr/bin:/bin"})
    assert run.denied is blocked, run.explain()
    if blocked:
        assert "aws-guard: the guard could not run" in run.text and "guard install" in run.text
    else:
        assert ".." in run.text.split()  # `ls -a` ran and listed the folder
