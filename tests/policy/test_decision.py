"""guard.policy.decision.decide end to end: real parsers, the seed ~/.aws and the rules policy.

The seed policy (tests/testing.py RULES_POLICY): CustomerA and default are
read-only, Writer read-write, Asker ask-write, Prod's account is denied,
Drifted's config points at another account than the policy declares.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from guard.policy.model import ASK, DENY, PASS, Decision
from tests.testing import Decide, Home, decider

KEY = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture
def decide(home: Home, rules_policy: Path) -> Decide:
    return decider(home, rules_policy)


def rules_hit(decision: Decision) -> set[str]:
    return {f.rule for f in decision.findings} | {p.rule for p in decision.problems}


def profiles_used(decision: Decision) -> list[str | None]:
    return [c.profile for c in decision.calls]


# -- which profile --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    "aws s3 ls --profile CustomerA",
    "aws --profile CustomerA s3 ls",
    "aws s3 ls --profile=CustomerA",
    "aws s3 ls --prof CustomerA",
    "aws s3 ls --p CustomerA",
    "aws --profile Other s3 ls --profile CustomerA",
    "AWS_PROFILE=Other aws s3 ls --profile CustomerA",
    "aws s3 ls --profile CustomerA -- --profile Other",
])
def test_profile_option(decide: Decide, command: str) -> None:
    decision = decide(command)
    assert decision.verdict == PASS, decision.reason
    assert profiles_used(decision) == ["CustomerA"]


@pytest.mark.parametrize("command", [
    "aws s3 ls --profile CustomerA --profile Other",
    "aws --profile CustomerA s3 ls --p Other",
])
def test_last_profile_option_wins(decide: Decide, command: str) -> None:
    decision = decide(command)
    assert decision.verdict == DENY
    assert profiles_used(decision) == ["Other"]
    assert "AG201" in rules_hit(decision)


@pytest.mark.parametrize("command", ["aws s3 ls --profile ''", "aws s3 ls -- --profile CustomerA"])
def test_no_usable_profile_option(decide: Decide, command: str) -> None:
    decision = decide(command)
    assert decision.verdict == DENY
    assert "AG101" in rules_hit(decision)


def test_empty_profile_option_falls_back_to_aws_profile(decide: Decide) -> None:
    decision = decide("AWS_PROFILE=CustomerA aws s3 ls --profile ''")
    assert decision.verdict == PASS, decision.reason
    assert profiles_used(decision) == ["CustomerA"]


@pytest.mark.parametrize("command", [
    "AWS_PROFILE=CustomerA aws s3 ls",
    "AWS_DEFAULT_PROFILE=CustomerA aws s3 ls",
    "env AWS_PROFILE=CustomerA aws s3 ls",
    "env -i AWS_PROFILE=CustomerA aws s3 ls",
    "export AWS_PROFILE=CustomerA; aws s3 ls",
    "export AWS_PROFILE=CustomerA && aws s3 ls | head",
    "export AWS_PROFILE=CustomerA\naws s3 ls",
    "{ export AWS_PROFILE=CustomerA; }; aws s3 ls",
    "if true; then export AWS_PROFILE=CustomerA; fi; aws s3 ls",
    "declare -x AWS_PROFILE=CustomerA; aws s3 ls",
    "AWS_PROFILE=CustomerA; export AWS_PROFILE; aws s3 ls",
    "export AWS_PROFILE=CustomerA; bash -c 'aws s3 ls'",
    "AWS_PROFILE=CustomerA bash -c 'aws s3 ls'",
    "AWS_PROFILE=CustomerA timeout 30 aws s3 ls",
])
def test_profile_from_the_command_line_environment(decide: Decide, command: str) -> None:
    decision = decide(command)
    assert decision.verdict == PASS, decision.reason
    assert profiles_used(decision) == ["CustomerA"]


@pytest.mark.parametrize("command", [
    "(export AWS_PROFILE=CustomerA); aws s3 ls",
    "(export AWS_PROFILE=CustomerA) && aws s3 ls",
    "echo $(export AWS_PROFILE=CustomerA); aws s3 ls",
    "export AWS_PROFILE=CustomerA | cat; aws s3 ls",
    "bash -c 'export AWS_PROFILE=CustomerA'; aws s3 ls",
    "AWS_PROFILE=CustomerA true; aws s3 ls",
    "AWS_PROFILE=CustomerA; aws s3 ls",  # a shell variable that is not exported never reaches aws
    "export AWS_PROFILE=CustomerA; unset AWS_PROFILE; aws s3 ls",
    "export AWS_PROFILE=CustomerA; env -u AWS_PROFILE aws s3 ls",
    "export AWS_PROFILE=CustomerA; env -i aws s3 ls",
])
def test_profile_settings_that_do_not_reach_the_call(decide: Decide, command: str) -> None:
    decision = decide(command)
    assert decision.verdict == DENY, decision.reason
    assert "AG101" in rules_hit(decision)
    assert profiles_used(decision) == [None]


def test_inherited_aws_profile_must_be_named(decide: Decide) -> None:
    decision = decide("aws s3 ls", AWS_PROFILE="CustomerA")
    assert decision.verdict == DENY
    assert "AG101" in rules_hit(decision)
    assert "--profile CustomerA" in decision.reason


def test_unset_removes_inherited_profile(decide: Decide) -> None:
    decision = decide("unset AWS_PROFILE; aws s3 ls --profile CustomerA", AWS_PROFILE="Writer")
    assert decision.verdict == PASS, decision.reason


def test_reassigning_an_exported_variable_reaches_the_call(decide: Decide) -> None:
    """AWS_PROFILE is already exported by Claude Code's environment, so a bare assignment changes it."""
    decision = decide("AWS_PROFILE=CustomerA; aws s3 ls", AWS_PROFILE="Writer")
    assert profiles_used(decision) == ["CustomerA"]
    assert decision.verdict == PASS, decision.reason


@pytest.mark.parametrize("command, env", [
    ("AWS_PROFILE=CustomerA AWS_DEFAULT_PROFILE=Writer aws s3 ls", {}),
    ("export AWS_DEFAULT_PROFILE=Writer; AWS_PROFILE=CustomerA aws s3 ls", {}),
    ("env AWS_PROFILE=CustomerA AWS_DEFAULT_PROFILE=Writer aws s3 ls", {}),
    ("AWS_PROFILE=CustomerA aws s3 ls", {"AWS_DEFAULT_PROFILE": "Writer"}),
    ("AWS_DEFAULT_PROFILE=CustomerA aws s3 ls", {"AWS_PROFILE": "Writer"}),
])
def test_disagreeing_profile_variables_are_denied(decide: Decide, command: str, env: dict[str, str]) -> None:
    decision = decide(command, **env)
    assert decision.verdict == DENY
    assert "AG103" in rules_hit(decision), decision.reason


@pytest.mark.parametrize("command, env", [
    ("AWS_PROFILE=CustomerA AWS_DEFAULT_PROFILE=CustomerA aws s3 ls", {}),
    ("AWS_DEFAULT_PROFILE=Writer aws s3 ls --profile CustomerA", {}),
    ("aws s3 ls --profile CustomerA", {"AWS_PROFILE": "Writer", "AWS_DEFAULT_PROFILE": "Asker"}),
])
def test_agreeing_or_overridden_profile_variables_pass(decide: Decide, command: str, env: dict[str, str]) -> None:
    decision = decide(command, **env)
    assert decision.verdict == PASS, decision.reason


@pytest.mark.parametrize("command", [
    "AWS_PROFILE=CustomerA aws s3 ls",
    "env AWS_PROFILE=CustomerA aws s3 ls",
    "export AWS_PROFILE=CustomerA; aws s3 ls",
    "AWS_DEFAULT_PROFILE=CustomerA aws s3 ls",
])
def test_environment_keys_beat_aws_profile(decide: Decide, command: str) -> None:
    decision = decide(command, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY="secret")
    assert decision.verdict == DENY
    assert "AG104" in rules_hit(decision)
    assert "--profile" in decision.reason


def test_profile_option_beats_environment_keys(decide: Decide) -> None:
    decision = decide("aws s3 ls --profile CustomerA", AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY="secret")
    assert decision.verdict == PASS, decision.reason


def test_env_dash_i_drops_environment_keys(decide: Decide) -> None:
    decision = decide("env -i AWS_PROFILE=CustomerA aws s3 ls", AWS_ACCESS_KEY_ID=KEY)
    assert decision.verdict == PASS, decision.reason


IDENTITY_VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE",
                      "AWS_SHARED_CREDENTIALS_FILE", "AWS_DATA_PATH"]


@pytest.mark.parametrize("name", IDENTITY_VARIABLES)
@pytest.mark.parametrize("form", ["{name}=x aws s3 ls --profile CustomerA",
                                  "env {name}=x aws s3 ls --profile CustomerA",
                                  "export {name}=x; aws s3 ls --profile CustomerA",
                                  "sudo {name}=x aws s3 ls --profile CustomerA"])
def test_identity_variables_on_the_command_line_are_denied(decide: Decide, name: str, form: str) -> None:
    decision = decide(form.format(name=name))
    assert decision.verdict == DENY
    assert "AG105" in rules_hit(decision), decision.reason
    assert name in decision.reason


def test_harmless_variables_on_the_command_line_pass(decide: Decide) -> None:
    decision = decide("AWS_REGION=eu-west-1 AWS_PAGER= aws s3 ls --profile CustomerA")
    assert decision.verdict == PASS, decision.reason


# -- calls that reach no account ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    "aws --version",
    "aws help",
    "aws s3 help",
    "aws ec2 describe-instances help",
    "aws configure list-profiles",
    "command -v aws",
    "which aws && aws --version",
])
def test_calls_that_reach_no_account_pass_without_a_profile(decide: Decide, command: str) -> None:
    decision = decide(command)
    assert decision.verdict == PASS, decision.reason


@pytest.mark.parametrize("command", [
    "aws s3 cp help s3://b/help --profile Other",
    "aws s3 sync help s3://b/docs --profile Prod",
])
def test_a_file_named_help_is_not_a_help_request(decide: Decide, command: str) -> None:
    """`aws s3 cp help s3://b/help` uploads the file ./help; the profile must still be checked."""
    decision = decide(command)
    assert decision.verdict == DENY, decision.reason


# -- decisions -----------------------------------------------------------------------------------------------


def test_profile_not_in_policy_is_denied_naming_the_allowed_ones(decide: Decide) -> None:
    decision = decide("aws s3 ls --profile Other")
    assert decision.verdict == DENY
    assert "AG201" in rules_hit(decision)
    for allowed in ("CustomerA", "Writer", "Asker", "default"):
        assert allowed in decision.reason


def test_denied_account(decide: Decide) -> None:
    decision = decide("aws s3 ls --profile Prod")
    assert decision.verdict == DENY
    assert "AG203" in rules_hit(decision)
    assert "999999999999" in decision.reason


def test_config_points_at_another_account(decide: Decide) -> None:
    decision = decide("aws s3 ls --profile Drifted")
    assert decision.verdict == DENY
    assert "AG204" in rules_hit(decision)
    assert "444444444444" in decision.reason and "555555555555" in decision.reason


@pytest.mark.parametrize("command", [
    "aws s3 rm s3://b/k --profile CustomerA",
    "aws s3 cp ./f s3://b/f --profile CustomerA",
    "aws ec2 terminate-instances --instance-ids i-1 --profile CustomerA",
    "AWS_PROFILE=CustomerA aws s3 rb s3://b",
    "bash -c 'aws s3 rm s3://b/k --profile CustomerA'",
    "aws s3 ls --profile CustomerA && aws s3 rm s3://b/k --profile CustomerA",
    "echo $(aws s3 rm s3://b/k --profile CustomerA)",
])
def test_write_with_read_only_profile_is_denied(decide: Decide, command: str) -> None:
    decision = decide(command)
    assert decision.verdict == DENY
    assert "AG301" in rules_hit(decision), decision.reason
    assert "read-only" in decision.reason


@pytest.mark.parametrize("command", [
    "aws ec2 describe-instances --profile CustomerA",
    "aws s3 ls s3://b/ --profile CustomerA",
    "aws s3 cp s3://b/f ./f --profile CustomerA",
    "aws sts get-caller-identity --profile CustomerA",
    "aws s3 rb s3://b --profile Writer",
])
def test_allowed_access_passes(decide: Decide, command: str) -> None:
    decision = decide(command)
    assert decision.verdict == PASS, decision.reason


@pytest.mark.parametrize("mode", ["default", "acceptEdits", "plan"])
def test_ask_write_profile_asks_before_writes(decide: Decide, mode: str) -> None:
    decision = decide("aws s3 rb s3://b --profile Asker", permission_mode=mode)
    assert decision.verdict == ASK, decision.reason
    assert "AG301" in rules_hit(decision)


@pytest.mark.parametrize("mode", ["bypassPermissions", "dontAsk", "auto"])
def test_ask_becomes_deny_when_nobody_is_asked(decide: Decide, mode: str) -> None:
    decision = decide("aws s3 rb s3://b --profile Asker", permission_mode=mode)
    assert decision.verdict == DENY
    assert mode in decision.reason


def test_ask_becomes_deny_when_not_interactive(decide: Decide) -> None:
    decision = decide("aws s3 rb s3://b --profile Asker", interactive=False)
    assert decision.verdict == DENY
    assert "non-interactive" in decision.reason


def test_sdk_entrypoint_is_not_interactive(decide: Decide) -> None:
    decision = decide("aws s3 rb s3://b --profile Asker", interactive=None, CLAUDE_CODE_ENTRYPOINT="sdk-py")
    assert decision.verdict == DENY


def test_ask_write_profile_reads_pass_in_any_mode(decide: Decide) -> None:
    for mode in ("default", "bypassPermissions", "dontAsk", "auto"):
        assert decide("aws s3 ls --profile Asker", permission_mode=mode).verdict == PASS


def test_worst_call_decides(decide: Decide) -> None:
    assert decide("aws s3 ls --profile Writer; aws s3 rb s3://b --profile Asker").verdict == ASK
    assert decide("aws s3 rb s3://b --profile Asker; aws s3 ls --profile Prod").verdict == DENY


# -- what is not a call, end to end ------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    'echo "aws s3 rm s3://b --profile Prod"',
    'git commit -m "aws s3 rm s3://b --profile Prod"',
    "grep -rn 'aws s3' .",
    "ls  # aws s3 rm s3://b --profile Prod",
    "cat <<'EOF'\n$(aws s3 rm s3://b --profile Prod)\nEOF",
    "git commit -m \"$(cat <<'EOF'\nRemove aws s3 rm s3://b --profile Prod from docs\nEOF\n)\"",
])
def test_text_that_only_mentions_aws_passes(decide: Decide, command: str) -> None:
    decision = decide(command)
    assert decision.verdict == PASS, decision.reason
    assert decision.calls == ()


@pytest.mark.parametrize("command", [
    "env -- aws s3 rm s3://b --profile Prod",
    "printf '%s\\n' 'aws s3 rm s3://b --profile Prod' | bash",
    "cat <<EOF\n  $(aws s3 rm s3://b --profile Prod)\nEOF",
    "coproc aws s3 rm s3://b --profile Prod",
])
def test_hidden_calls_are_still_denied(decide: Decide, command: str) -> None:
    decision = decide(command)
    assert decision.verdict == DENY, decision.reason
