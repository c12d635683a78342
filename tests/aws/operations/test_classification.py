"""Every CLI-only command and every secret-bearing call, decided through the real parser and rules."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from guard import wiring
from guard.aws.operations import classification as operations
from guard.aws.operations import cli_commands, secret_outputs
from guard.policy.decision import decide
from tests.testing import Home

# s3 cp/sync/mv are decided by direction (test_s3_transfers_are_decided_by_direction)
CUSTOM = sorted(((k, v) for k, v in cli_commands.COMMANDS.items()
                 if k[0] != cli_commands.ANY_SERVICE and v[0] != "s3-transfer"), key=lambda kv: (kv[0][0], kv[0][1] or ""))
SECRETS = sorted(secret_outputs.SECRET_OPERATIONS)
EXPECTED = {"read": "read", "write": "write", "local": "local", "local-write": "local-write", "secret": "read",
            "wait": "read"}


def _decide(home: Home, policy: Path, command: str):
    return decide(command, wiring.context(str(policy), home.env, str(home.path)))


@pytest.fixture
def secrets_policy(home: Home) -> Path:
    allow = json.dumps([f"{s}:{o}" for s, o in SECRETS])
    return home.write_policy(f"version: 1\nprofiles:\n  Writer: {{account: '111111111111', access: read-write, "
                             f"allow: {allow}}}\nverify_identity: false\n", str(home.path / "secrets.yaml"))


@pytest.mark.parametrize("key, entry", CUSTOM, ids=[f"{k[0]} {k[1]}" for k, _ in CUSTOM])
def test_each_cli_command_gets_its_class(home: Home, rules_policy: Path, key, entry) -> None:
    service, name = key
    kind, _ = entry
    decision = _decide(home, rules_policy, f"aws {service} {name or ''} --profile Writer")
    [call] = decision.calls
    # `configure list-profiles` reaches no account at all (it needs no --profile): "none" is the local kind too
    assert call.operation.kind == EXPECTED[kind] or (kind, call.operation.kind) == ("local", "none"), call.operation
    assert bool(call.operation.secret) == (kind == "secret"), call.operation
    assert (decision.verdict == "deny") == (kind == "secret"), decision.reason


@pytest.mark.parametrize("key", SECRETS, ids=[f"{s} {o}" for s, o in SECRETS])
def test_each_secret_bearing_call_is_denied_unless_allowed_by_name(home: Home, rules_policy: Path,
                                                                  secrets_policy: Path, key) -> None:
    command = f"aws {key[0]} {key[1]} --profile Writer"
    if key[1].startswith("assume-role"):  # AG205 checks the target account first
        command += " --role-arn arn:aws:iam::111111111111:role/R"
    denied = _decide(home, rules_policy, command)
    assert denied.verdict == "deny" and "AG601" in {f.rule for f in denied.findings}, denied.reason
    assert _decide(home, secrets_policy, command).verdict == "pass"


@pytest.mark.parametrize("command, kind", [
    ("aws s3 cp s3://b/k ./k", "read"), ("aws s3 cp ./k s3://b/k", "write"), ("aws s3 cp s3://a/k s3://b/k", "write"),
    ("aws s3 sync s3://b/logs ./logs", "read"), ("aws s3 sync ./site s3://b/", "write"),
    ("aws s3 cp --recursive s3://b/ ./d", "read"), ("aws s3 cp --acl private ./k s3://b/k", "write"),
    ("aws s3 mv s3://b/k ./k", "write"), ("aws s3 cp s3://b/k -", "read"),
])
def test_s3_transfers_are_decided_by_direction(home: Home, rules_policy: Path, command: str, kind: str) -> None:
    [call] = _decide(home, rules_policy, command + " --profile Writer").calls
    assert call.operation.kind == kind


@pytest.mark.parametrize("command, secret", [
    ("aws ssm get-parameter --name p", False), ("aws ssm get-parameter --name p --with-decryption", True),
    ("aws ssm get-parameters --names p --with-decryption --no-with-decryption", False),
    ("aws glue get-connection --name c", True), ("aws glue get-connection --name c --hide-password", False),
    ("aws configure get region", False), ("aws configure get aws_secret_access_key", True),
    ("aws configure get profile.prod.aws_session_token", True),
])
def test_secrets_that_depend_on_arguments(home: Home, rules_policy: Path, command: str, secret: bool) -> None:
    [call] = _decide(home, rules_policy, command + " --profile Writer").calls
    assert bool(call.operation.secret) == secret


def test_operation_names_like_reads_that_iam_calls_writes_are_writes(home: Home, rules_policy: Path) -> None:
    [call] = _decide(home, rules_policy, "aws glue describe-entity --connection-name c --entity-name e "
                                         "--profile CustomerA").calls
    assert call.operation.kind == operations.WRITE and "IAM calls it a write" in call.operation.source
