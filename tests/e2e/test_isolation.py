"""The floor beneath the static checks, in the real Claude Code: what the hook lets run still lives in the world.

`guard install` (user scope) points Claude Code's settings `env` at the generated world (guard.aws.world), so
every command the agent starts gets a config that holds only the policy's profiles, with credentials from the
broker and no ambient keys. Each command below passes the static checks (they cannot see into a script, a
decoded payload or Python code), yet reaches no undeclared account; a declared profile still works through the
AWS CLI and boto3. moto's STS on loopback; the identity setup of tests/testing.py.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.claude import run_claude
from tests.e2e.test_claude_code import World
from tests.testing import MotoServer

BOTO3 = "python3 -c \"import boto3; print('account=' + boto3.Session({}).client('sts').get_caller_identity()['Account'])\""
CASES = {
    "script": "bash deploy.sh",
    "payload": "echo YXdzIHN0cyBnZXQtY2FsbGVyLWlkZW50aXR5Cg== | base64 -d | sh",  # aws sts get-caller-identity
    "boto3_no_profile": BOTO3.format(""),
    "boto3_undeclared": BOTO3.format("profile_name='base'"),
    "boto3_live_elsewhere": BOTO3.format("profile_name='keys'"),
    "boto3_declared": BOTO3.format("profile_name='RoleB'"),
    "cli_declared": "aws sts get-caller-identity --profile RoleB",
}


@pytest.fixture(scope="module")
def isolated(claude: Path, moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory):
    moto_server.reset()
    world = World(tmp_path_factory.mktemp("isolation"), moto_server)
    (world.project / "deploy.sh").write_text("aws sts get-caller-identity\n")
    return {name: run_claude(claude, world.project, world.home, command, world.env)
            for name, command in CASES.items()}


@pytest.mark.parametrize("case", ["script", "payload", "boto3_no_profile", "boto3_undeclared", "boto3_live_elsewhere"])
def test_what_the_static_checks_let_through_reaches_no_account(isolated, case: str) -> None:
    run = isolated[case]
    # The hook let it run (no denial of its own): the command failed, or printed nothing, inside the world.
    assert "aws-guard: " not in run.text, run.explain()
    assert "Account" not in run.text and "account=" not in run.text, run.explain()


def test_a_profile_live_in_another_account_is_refused_by_the_broker(isolated) -> None:
    assert "declared for account 222222222222, but its live credentials are account 123456789012" in \
        isolated["boto3_live_elsewhere"].text


@pytest.mark.parametrize("case", ["boto3_declared", "cli_declared"])
def test_a_declared_profile_still_works_through_boto3_and_the_cli(isolated, case: str) -> None:
    run = isolated[case]
    assert not run.denied, run.explain()
    text = run.text
    account = text.split("account=", 1)[1].strip() if "account=" in text else json.loads(text)["Account"]
    assert account == "222222222222", run.explain()
