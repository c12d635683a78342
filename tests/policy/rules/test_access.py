"""guard.policy.rules.access (AG3xx): access levels, allow and deny patterns, and the regions a call reaches.

A policy of the test's own over the seed ~/.aws (tests/testing.py SEED_CONFIG): `default` (account
111111111111, region ap-northeast-1) is read-only with patterns; CustomerA (region ap-northeast-1 in the
config) may only reach eu-west-1; Writer has no region in the config.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from guard.policy.model import ASK, DENY, PASS, Decision
from tests.testing import Decide, Home, decider

POLICY = """\
version: 1
profiles:
  default:
    account: "111111111111"
    access: read-only
    allow: ["s3:cp", "ec2:start-*", "configure:set"]
    deny: ["iam:*", "ec2:start-instances"]
  CustomerA: {account: "222222222222", access: read-only, regions: [eu-west-1]}
  Writer: {account: "111111111111", access: read-write, regions: [eu-west-1]}
  Asker: {account: "111111111111", access: ask-write, allow: ["s3:rb"]}
verify_identity: false
"""
VPCS = "aws ec2 describe-vpcs --profile CustomerA"


@pytest.fixture
def policy(home: Home) -> Path:
    return home.write_policy(POLICY, str(home.path / "access-policy.yaml"))


@pytest.fixture
def run(home: Home, policy: Path) -> Decide:
    return decider(home, policy)


def messages(decision: Decision, rule_id: str) -> list[str]:
    return [f.message for f in decision.findings if f.rule == rule_id]


# -- AG301: access levels and allow patterns -------------------------------------------------------------------


def test_a_write_on_read_only_names_the_operation_profile_and_policy_entry(run: Decide, policy: Path) -> None:
    assert messages(run("aws s3 rm s3://b/k --profile default"), "AG301") == [
        f"`s3 rm` may change something, and profile default is read-only ({policy}: profiles.default)"]


@pytest.mark.parametrize("command", [
    "aws s3 cp ./f s3://b/f --profile default",
    "aws ec2 start-network-insights-analysis --network-insights-path-id p --profile default",
    "aws configure set region x --profile default",
])
def test_allow_patterns_let_writes_through_a_read_only_profile(run: Decide, command: str) -> None:
    decision = run(command)
    assert decision.verdict == PASS, decision.reason


def test_a_write_the_allow_patterns_do_not_name_is_still_denied(run: Decide) -> None:
    decision = run("aws s3 mv s3://b/f s3://b/g --profile default")
    assert decision.verdict == DENY
    assert {f.rule for f in decision.findings} == {"AG301"}


def test_an_allow_pattern_spares_an_ask_write_profile_the_question(run: Decide, policy: Path) -> None:
    decision = run("aws s3 rb s3://b --profile Asker")
    assert decision.verdict == PASS, decision.reason
    assert decision.calls[0].basis == f"allow pattern 's3:rb' ({policy}: profiles.Asker.allow[0])"
    assert run("aws s3 rm s3://b/k --profile Asker").verdict == ASK


# -- AG302: deny patterns -------------------------------------------------------------------------------------


def test_deny_wins_over_allow(run: Decide, policy: Path) -> None:
    decision = run("aws ec2 start-instances --instance-ids i-1 --profile default")
    assert decision.verdict == DENY
    assert {f.rule for f in decision.findings} == {"AG302"}  # the allow pattern keeps AG301 quiet; the deny wins
    assert decision.reason == (f"`ec2 start-instances` matches deny pattern 'ec2:start-instances' of profile default "
                               f"({policy}: profiles.default.deny[1])")


def test_deny_patterns_apply_to_reads(run: Decide, policy: Path) -> None:
    assert messages(run("aws iam get-user --profile default"), "AG302") == [
        f"`iam get-user` matches deny pattern 'iam:*' of profile default ({policy}: profiles.default.deny[0])"]


# -- AG303: regions -------------------------------------------------------------------------------------------


def test_the_profiles_own_region_counts_when_nothing_else_says(run: Decide, policy: Path) -> None:
    assert messages(run(VPCS), "AG303") == [
        f"`{VPCS}` would reach region ap-northeast-1 (from the region of profile CustomerA); profile CustomerA may "
        f"only reach eu-west-1 ({policy}: profiles.CustomerA.regions)"]


@pytest.mark.parametrize("command, env", [
    (VPCS + " --region eu-west-1", {}),
    (VPCS + " --region=eu-west-1", {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-west-2"}),
    ("AWS_REGION=us-east-1 " + VPCS + " --region eu-west-1", {}),
    ("AWS_REGION=eu-west-1 " + VPCS, {}),
    ("export AWS_DEFAULT_REGION=eu-west-1; " + VPCS, {}),
    (VPCS, {"AWS_REGION": "eu-west-1"}),
    (VPCS, {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"}),
])
def test_allowed_regions_pass(run: Decide, command: str, env: dict[str, str]) -> None:
    decision = run(command, **env)
    assert decision.verdict == PASS, decision.reason


@pytest.mark.parametrize("command, env, where", [
    (VPCS + " --region us-east-1", {"AWS_REGION": "eu-west-1"}, "us-east-1 (from --region)"),
    (VPCS + " --reg us-east-1", {}, "us-east-1 (from --region)"),
    (VPCS, {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-west-2"},
     "us-west-2 (from AWS_DEFAULT_REGION (environment))"),
    ("AWS_DEFAULT_REGION=eu-west-1 " + VPCS, {"AWS_REGION": "ap-south-1"}, "ap-south-1 (from AWS_REGION (environment))"),
    ("export AWS_REGION=us-east-1; " + VPCS, {}, "us-east-1 (from AWS_REGION (export))"),
    ("env AWS_DEFAULT_REGION=us-east-1 " + VPCS, {}, "us-east-1 (from AWS_DEFAULT_REGION (env))"),
    ("AWS_REGION=eu-west-1; " + VPCS, {}, "ap-northeast-1 (from the region of profile CustomerA)"),  # not exported
    ("env -i " + VPCS, {"AWS_REGION": "eu-west-1"}, "ap-northeast-1 (from the region of profile CustomerA)"),
])
def test_every_region_the_call_could_use_is_checked(run: Decide, command: str, env: dict[str, str],
                                                    where: str) -> None:
    decision = run(command, **env)
    assert decision.verdict == DENY
    (message,) = messages(decision, "AG303")
    assert f"would reach region {where}; profile CustomerA may only reach eu-west-1" in message


@pytest.mark.parametrize("command", ["aws ec2 describe-vpcs --profile Writer",
                                     "AWS_REGION= aws ec2 describe-vpcs --profile Writer"])  # empty does not count
def test_a_call_with_no_region_anywhere_is_told_to_add_one(run: Decide, command: str) -> None:
    assert messages(run(command), "AG303") == [
        "`aws ec2 describe-vpcs --profile Writer` names no region and profile Writer has none; "
        "add --region (allowed: eu-west-1)"]
    assert run(command, AWS_DEFAULT_REGION="eu-west-1").verdict == PASS
