"""guard.policy.rules.identity (AG4xx): judging what STS says about a profile, or why it could not say.

The rule functions run on calls described against the seed ~/.aws (tests/testing.py) with the identity or
the verification error set on the record, as guard.policy.decision does after asking the verifier.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from guard import wiring
from guard.aws import config as aws_config
from guard.aws.identity.model import Identity
from guard.plumbing import paths
from guard.plumbing.cache import Cache
from guard.policy import sources
from guard.policy.decision import decide, describe_call
from guard.policy.model import DENY, PASS, CallInfo, Context
from guard.policy.rules import identity
from guard.shell.scan import scan
from tests.testing import Home

POLICY = """\
version: 1
profiles:
  CustomerA: {account: "222222222222", access: read-only, role: RoleReadOnly}
  Writer: {account: "111111111111", access: read-write}
denied_accounts: ["999999999999"]
verify_identity: true
verify_timeout_seconds: 3
"""
Verifier = Callable[..., Identity]
ASSUMED = "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/aws-guard-1"


@pytest.fixture
def policy(home: Home) -> Path:
    return home.write_policy(POLICY, str(home.path / "identity-policy.yaml"))


@pytest.fixture
def ctx(home: Home, policy: Path) -> Context:
    return wiring.context(str(policy), home.env, str(home.path))


def described(command: str, ctx: Context) -> CallInfo:
    return describe_call(scan(command).calls[0], ctx)


def live(account: str, arn: str, profile: str = "CustomerA") -> Identity:
    return Identity(profile, account, arn, "AssumeRole from profile Access CustomerA", None)


def direct_context(home: Home, policy: Path, verifier: Verifier | None = None) -> Context:
    """A context on the same real files with the verifier given: None is a place without STS access."""
    env = home.env
    return Context(env, lambda: aws_config.load(env),
                   lambda aws: sources.load_file(str(policy), Cache(paths.cache_dir(env))), verifier)


def refuse(*args: object) -> Identity:
    raise AssertionError("the verifier must not be asked here")


# -- AG401 --------------------------------------------------------------------------------------------------


def test_no_verifier_denies_and_names_the_setting_that_turns_verification_off(home: Home, policy: Path) -> None:
    ctx = direct_context(home, policy)
    info = described("aws s3 ls --profile CustomerA", ctx)
    assert identity.unverified(info, ctx) == [
        (DENY, "the policy asks to verify the identity of profile CustomerA with STS, and verification is not "
               "available here; set `verify_identity: false` for static checks only")]
    assert [f.rule for f in decide("aws s3 ls --profile CustomerA", ctx).findings] == ["AG401"]


def test_a_verification_error_is_passed_on_to_the_agent(ctx: Context) -> None:
    info = described("aws s3 ls --profile Writer", ctx)
    info.identity_error = "identity check timed out after 3s while doing: AssumeRole arn:aws:iam::111111111111:role/X"
    assert identity.unverified(info, ctx) == [
        (DENY, "cannot verify who profile Writer is: identity check timed out after 3s while doing: AssumeRole "
               "arn:aws:iam::111111111111:role/X")]


def test_a_missing_mfa_session_tells_the_agent_how_the_user_logs_in(ctx: Context) -> None:
    """The seed CustomerA assumes its role with MFA and the CLI cache is empty: the real verifier says so."""
    decision = decide("aws s3 ls --profile CustomerA", ctx)
    assert decision.verdict == DENY
    assert [f.rule for f in decision.findings] == ["AG401"]
    assert decision.reason == (
        "cannot verify who profile CustomerA is: profile CustomerA needs MFA and the AWS CLI has no valid cached "
        "session for it; run `aws sts get-caller-identity --profile CustomerA` in your own terminal (it asks for "
        "the MFA code and fills the CLI's cache), then retry")
    assert decision.calls[0].identity is None


def test_verify_identity_false_needs_no_verifier_ignores_errors_and_never_asks(home: Home, rules_policy: Path) -> None:
    ctx = direct_context(home, rules_policy)
    info = described("aws s3 ls --profile CustomerA", ctx)
    info.identity_error = "cannot reach STS"
    assert identity.unverified(info, ctx) == []
    assert decide("aws s3 ls --profile CustomerA", ctx).verdict == PASS
    assert decide("aws s3 ls --profile CustomerA", direct_context(home, rules_policy, refuse)).verdict == PASS


def test_a_call_denied_earlier_never_asks_the_verifier(home: Home, policy: Path) -> None:
    decision = decide("aws s3 rm s3://b/k --profile CustomerA", direct_context(home, policy, refuse))
    assert [f.rule for f in decision.findings] == ["AG301"]


# -- AG402 --------------------------------------------------------------------------------------------------


def test_no_identity_means_nothing_to_judge(ctx: Context) -> None:
    assert identity.live_account(described("aws s3 ls --profile CustomerA", ctx), ctx) == []


def test_live_credentials_in_a_denied_account(ctx: Context) -> None:
    info = described("aws s3 ls --profile Writer", ctx)
    info.identity = live("999999999999", "arn:aws:sts::999999999999:assumed-role/RoleAdmin/s", "Writer")
    assert identity.live_account(info, ctx) == [
        (DENY, "profile Writer is live in account 999999999999 (arn:aws:sts::999999999999:assumed-role/RoleAdmin/s), "
               "which the policy denies")]


def test_live_credentials_in_another_account_than_declared(ctx: Context) -> None:
    info = described("aws s3 ls --profile CustomerA", ctx)
    info.identity = live("123456789012", "arn:aws:iam::123456789012:user/bob")
    assert identity.live_account(info, ctx) == [
        (DENY, "profile CustomerA is declared for account 222222222222, but its live credentials are account "
               "123456789012 (arn:aws:iam::123456789012:user/bob); fix ~/.aws/config or the policy")]


@pytest.mark.parametrize("arn", [
    "arn:aws:sts::222222222222:assumed-role/RoleAdmin/aws-guard-1",
    "arn:aws:sts::222222222222:assumed-role/RoleReadOnlyPlus/aws-guard-1",
    "arn:aws:iam::222222222222:role/RoleReadOnly-old",
    "arn:aws:iam::222222222222:user/RoleReadOnly-user",
    "arn:aws:sts::222222222222:assumed-role/RoleAdmin/RoleReadOnly",  # the session name is the caller's choice
    "arn:aws:iam::222222222222:user/RoleReadOnly",
    "arn:aws:sts::222222222222:federated-user/RoleReadOnly",
])
def test_live_credentials_of_another_role_than_declared(ctx: Context, arn: str) -> None:
    info = described("aws s3 ls --profile CustomerA", ctx)
    info.identity = live("222222222222", arn)
    assert identity.live_account(info, ctx) == [
        (DENY, f"profile CustomerA should be role RoleReadOnly, but its live credentials are {arn}")]


@pytest.mark.parametrize("arn", [
    ASSUMED,
    "arn:aws:iam::222222222222:role/RoleReadOnly",
    "arn:aws:iam::222222222222:role/team/RoleReadOnly",
])
def test_the_declared_role_in_either_arn_form_passes(ctx: Context, arn: str) -> None:
    info = described("aws s3 ls --profile CustomerA", ctx)
    info.identity = live("222222222222", arn)
    assert identity.live_account(info, ctx) == []


def test_a_profile_without_a_declared_role_may_be_any_role_in_its_account(ctx: Context) -> None:
    info = described("aws s3 ls --profile Writer", ctx)
    info.identity = live("111111111111", "arn:aws:sts::111111111111:assumed-role/Anything/s", "Writer")
    assert identity.live_account(info, ctx) == []


def test_the_denied_account_is_reported_before_the_mismatch(ctx: Context) -> None:
    info = described("aws s3 ls --profile CustomerA", ctx)
    info.identity = live("999999999999", "arn:aws:sts::999999999999:assumed-role/RoleReadOnly/s")
    ((verdict, message),) = identity.live_account(info, ctx)
    assert verdict == DENY and message.endswith("which the policy denies")
