"""guard.policy.rules.account (AG2xx): undeclared, unconfigured, denied and drifted accounts, and sts assume-role.

Against the seed ~/.aws and the rules policy (tests/testing.py) unless a test writes its own files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from guard import wiring
from guard.policy.decision import decide, describe_call
from guard.policy.model import DENY, PASS, Decision
from guard.policy.rules import account
from guard.shell.scan import scan
from tests.testing import Home

Decide = Callable[..., Decision]
ALLOWED = "Asker, CustomerA, Drifted, Ghost, Loop, Patterned, Prod, Writer, default"
ASSUME = "aws sts assume-role --role-arn {arn} --role-session-name s --profile Patterned"


@pytest.fixture
def run(home: Home, rules_policy: Path) -> Decide:
    def go(command: str, policy: Path = rules_policy, **env: str) -> Decision:
        return decide(command, wiring.context(str(policy), dict(home.env, **env), str(home.path)))

    return go


def messages(decision: Decision, rule_id: str) -> list[str]:
    return [f.message for f in decision.findings if f.rule == rule_id]


# -- AG201-AG204 ----------------------------------------------------------------------------------------------


def test_undeclared_profile_names_the_policy_file_and_the_allowed_profiles(run: Decide, rules_policy: Path) -> None:
    assert messages(run("AWS_PROFILE=Other aws s3 ls"), "AG201") == [
        f"profile Other is not allowed by the policy ({rules_policy}); allowed: {ALLOWED}"]


@pytest.mark.parametrize("written, meant", [
    ("customera", "CustomerA"), ("CUSTOMERA", "CustomerA"), ("writer", "Writer"), ("DEFAULT", "default"),
    ("CustmerA", "CustomerA"), ("Wrtier", "Writer"), ("Patternd", "Patterned"), ("Customer", "CustomerA"),
])
def test_an_undeclared_profile_close_to_a_declared_one_suggests_it(run: Decide, rules_policy: Path, written: str,
                                                                   meant: str) -> None:
    for command in (f"aws s3 ls --profile {written}", f"AWS_PROFILE={written} aws s3 ls"):
        assert messages(run(command), "AG201") == [
            f"profile {written} is not allowed by the policy ({rules_policy}); did you mean --profile {meant}? "
            f"allowed: {ALLOWED}"]


@pytest.mark.parametrize("written", ["Banana", "Other", "staging", "x", "CustomerB-prod"])
def test_an_unrelated_undeclared_profile_suggests_nothing(run: Decide, rules_policy: Path, written: str) -> None:
    (message,) = messages(run(f"aws s3 ls --profile {written}"), "AG201")
    assert "did you mean" not in message
    assert message == f"profile {written} is not allowed by the policy ({rules_policy}); allowed: {ALLOWED}"


def test_a_policy_without_profiles_allows_none(run: Decide, home: Home) -> None:
    empty = home.write_policy("version: 1\nprofiles: {}\nverify_identity: false\n", str(home.path / "empty.yaml"))
    assert messages(run("aws s3 ls --profile CustomerA", policy=empty), "AG201") == [
        f"profile CustomerA is not allowed by the policy ({empty}); allowed: none"]


def test_unconfigured_profile_names_the_files_the_cli_would_read(run: Decide, home: Home, tmp_path: Path) -> None:
    assert messages(run("aws s3 ls --profile Ghost"), "AG202") == [
        f"profile Ghost is not defined in {home.aws / 'config'} or {home.aws / 'credentials'}"]
    elsewhere = tmp_path / "other-config"
    elsewhere.write_text("[profile CustomerA]\nregion = eu-west-1\n")
    decision = run("aws s3 ls --profile Writer", AWS_CONFIG_FILE=str(elsewhere))
    assert messages(decision, "AG202") == [
        f"profile Writer is not defined in {elsewhere} or {home.aws / 'credentials'}"]


def test_a_profile_only_in_the_credentials_file_is_configured(run: Decide, home: Home) -> None:
    policy = home.write_policy('version: 1\nprofiles:\n  base: {account: "111111111111"}\nverify_identity: false\n',
                               str(home.path / "base.yaml"))
    decision = run("aws s3 ls --profile base", policy=policy)
    assert decision.verdict == PASS, decision.reason


@pytest.mark.parametrize("name, declared, denied", [
    ("Drifted", "444444444444", "444444444444"),  # the config's account, also declared
    ("Drifted", "555555555555", "444444444444"),  # the config's account, whatever the policy declares
    ("Writer", "999999999999", "999999999999"),  # the policy's declaration, whatever the config says
])
def test_an_account_denied_through_the_config_or_the_declaration(run: Decide, home: Home, name: str, declared: str,
                                                                 denied: str) -> None:
    policy = home.write_policy(f'version: 1\nprofiles:\n  {name}: {{account: "{declared}"}}\n'
                               f'denied_accounts: ["{denied}"]\nverify_identity: false\n', str(home.path / "d.yaml"))
    assert messages(run(f"aws s3 ls --profile {name}", policy=policy), "AG203") == [
        f"profile {name} reaches account {denied}, which the policy denies"]


def test_drift_names_the_declared_account_the_config_key_and_file(run: Decide, home: Home) -> None:
    assert messages(run("aws s3 ls --profile Drifted"), "AG204") == [
        f"profile Drifted is declared for account 555555555555, but its role_arn in {home.aws / 'config'} "
        "points at 444444444444"]


def test_drift_through_sso_account_id(run: Decide, home: Home, tmp_path: Path) -> None:
    config = tmp_path / "sso-config"
    config.write_text("[profile Writer]\nsso_session = corp\nsso_account_id = 666666666666\nsso_role_name = Admin\n")
    decision = run("aws s3 ls --profile Writer", AWS_CONFIG_FILE=str(config))
    assert messages(decision, "AG204") == [
        f"profile Writer is declared for account 111111111111, but its sso_account_id in {config} points at "
        "666666666666"]


def test_a_source_profile_loop_shows_the_whole_chain(run: Decide, home: Home) -> None:
    assert messages(run("aws s3 ls --profile Loop"), "AG204") == [
        f"profile Loop has a source_profile loop (Loop -> LoopBack -> Loop) in {home.aws / 'config'}"]


# -- AG205: sts assume-role ---------------------------------------------------------------------------------


@pytest.mark.parametrize("arn", [
    "arn:aws:iam::222222222222:role/R",
    "arn:aws:iam::111111111111:role/Other",  # another declared profile's account
    "arn:aws:iam::222222222222:role/path/to/R",
    "arn:aws:iam::555555555555:role/R",  # declared (for Drifted): what the policy declares counts, not the config
])
def test_assuming_a_role_in_a_declared_account_passes(run: Decide, arn: str) -> None:
    decision = run(ASSUME.format(arn=arn))
    assert decision.verdict == PASS, decision.reason


@pytest.mark.parametrize("arn, what", [
    ("arn:aws:iam::999999999999:role/R", "account 999999999999"),
    ("arn:aws:iam::777777777777:role/R", "account 777777777777"),
])
def test_assuming_into_denied_or_undeclared_accounts_names_the_account(run: Decide, arn: str, what: str) -> None:
    decision = run(ASSUME.format(arn=arn))
    assert messages(decision, "AG205") == [
        f"`{ASSUME.format(arn=arn)}` assumes a role in {what}, which no declared profile reaches or the policy denies"]


@pytest.mark.parametrize("command", [
    ASSUME.format(arn="not-an-arn"),
    ASSUME.format(arn="arn:aws:iam"),
    ASSUME.format(arn='"$ARN"'),
    ASSUME.format(arn='"$(cat arn)"'),
    "aws sts assume-role --role-session-name s --profile Patterned",
    "aws sts assume-role --cli-input-json file://in.json --profile Patterned",
])
def test_an_arn_the_guard_cannot_read_is_denied(run: Decide, command: str) -> None:
    decision = run(command)
    assert messages(decision, "AG205") == [
        f"`{decision.calls[0].display}` assumes a role in an account the guard cannot read, which no declared "
        "profile reaches or the policy denies"]


def test_a_malformed_arn_and_the_equals_form(run: Decide) -> None:
    assert messages(run(ASSUME.format(arn="arn:aws:iam::role/R")), "AG205")
    assert run("aws sts assume-role --role-arn=arn:aws:iam::222222222222:role/R --role-session-name s "
               "--profile Patterned").verdict == PASS
    assert run("aws sts assume-role --role-arn=arn:aws:iam::777777777777:role/R --role-session-name s "
               "--profile Patterned").verdict == DENY


@pytest.mark.parametrize("operation", ["assume-role-with-saml", "assume-role-with-web-identity"])
def test_the_saml_and_web_identity_forms_are_checked_too(run: Decide, operation: str) -> None:
    decision = run(f"aws sts {operation} --role-arn arn:aws:iam::777777777777:role/R --profile Writer")
    assert "AG205" in {f.rule for f in decision.findings} and "account 777777777777" in decision.reason


def test_assume_role_target_ignores_other_sts_operations(home: Home, rules_policy: Path) -> None:
    ctx = wiring.context(str(rules_policy), home.env, str(home.path))
    info = describe_call(scan("aws sts get-caller-identity --profile Patterned").calls[0], ctx)
    assert account.assume_role_target(info, ctx) == []
