"""guard.policy.rules.secrets (AG6xx): secret-bearing output needs an explicit allow; --debug is always denied.

A policy of the test's own over the seed ~/.aws (tests/testing.py SEED_CONFIG).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from guard.policy.model import DENY, PASS, Decision
from tests.testing import Decide, Home, decider

POLICY = """\
version: 1
profiles:
  Writer:
    account: "111111111111"
    access: read-write
    allow: ["secretsmanager:get-secret-value", "ssm:get-*", "kms:*", "ecr:get-login-*"]
  default:
    account: "111111111111"
    access: read-only
    allow: ["ssm:get-*", "ssm:get-parameter"]
  CustomerA:
    account: "222222222222"
    access: read-only
    allow: ["sts:get-session-token", "iam:create-access-key"]
  Asker:
    account: "111111111111"
    access: ask-write
    allow: ["secretsmanager:get-secret-value"]
    deny: ["secretsmanager:*"]
verify_identity: false
"""


@pytest.fixture
def policy(home: Home) -> Path:
    return home.write_policy(POLICY, str(home.path / "secrets-policy.yaml"))


@pytest.fixture
def run(home: Home, policy: Path) -> Decide:
    return decider(home, policy)


def messages(decision: Decision, rule_id: str) -> list[str]:
    return [f.message for f in decision.findings if f.rule == rule_id]


# -- AG601 ------------------------------------------------------------------------------------------------------


def test_an_explicit_allow_lets_a_secret_through(run: Decide, policy: Path) -> None:
    decision = run("aws secretsmanager get-secret-value --secret-id s --profile Writer")
    assert decision.verdict == PASS, decision.reason
    assert decision.calls[0].basis == (f"allow pattern 'secretsmanager:get-secret-value' "
                                       f"({policy}: profiles.Writer.allow[0])")


@pytest.mark.parametrize("command, label, reason", [
    ("aws ssm get-parameter --name p --with-decryption --profile Writer", "ssm:get-parameter",
     "with --with-decryption its output holds the secret value"),
    ("aws kms decrypt --ciphertext-blob x --profile Writer", "kms:decrypt", "plaintext"),
    ("aws ecr get-login-password --profile Writer", "ecr:get-login-password", None),
])
def test_an_allow_pattern_with_a_star_in_the_operation_is_not_enough(run: Decide, command: str, label: str,
                                                                     reason: str | None) -> None:
    decision = run(command)
    assert decision.verdict == DENY
    (message,) = messages(decision, "AG601")
    service, name = label.split(":")
    assert message.startswith(f"`{service} {name}` would print credentials or secrets into the agent's context (")
    assert message.endswith(f"); allow it explicitly with `{label}` under profile Writer's allow list if it is "
                            "really needed")
    if reason is not None:
        assert f"({reason})" in message


def test_an_explicit_allow_works_on_a_read_only_profile(run: Decide) -> None:
    decision = run("aws sts get-session-token --profile CustomerA")
    assert decision.verdict == PASS, decision.reason


def test_one_explicit_allow_covers_both_the_write_and_the_secret(run: Decide) -> None:
    decision = run("aws iam create-access-key --user-name bob --profile CustomerA")
    assert decision.verdict == PASS, decision.reason


def test_a_deny_pattern_wins_over_an_explicit_allow_of_a_secret(run: Decide, policy: Path) -> None:
    decision = run("aws secretsmanager get-secret-value --secret-id s --profile Asker")
    assert decision.verdict == DENY
    assert {f.rule for f in decision.findings} == {"AG302"}  # denied at the access stage, before AG601 runs
    assert f"({policy}: profiles.Asker.deny[0])" in decision.reason


# -- AG602 ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    "aws --debug sts get-caller-identity --profile Writer",
    "aws sts get-caller-identity --profile Writer --debug",
    "aws sts get-caller-identity --profile Writer --de",
])
def test_debug_is_denied_wherever_and_however_it_is_written(run: Decide, command: str) -> None:
    assert messages(run(command), "AG602") == [
        f"`{command}` uses --debug, which writes request details, and on STS calls the secret access key, to "
        "stderr; drop --debug"]


def test_debug_after_the_end_of_options_is_not_a_flag(run: Decide) -> None:
    decision = run("aws s3 ls s3://b/ --profile Writer -- --debug")
    assert decision.verdict == PASS, decision.reason


def test_an_exact_allow_pattern_counts_wherever_it_stands_in_the_list(run: Decide) -> None:
    """default allows `ssm:get-*` first and `ssm:get-parameter` later: the exact one lets the secret through."""
    assert run("aws ssm get-parameter --name p --with-decryption --profile default").verdict == PASS
    assert run("aws ssm get-parameters --names p --with-decryption --profile default").verdict == DENY
