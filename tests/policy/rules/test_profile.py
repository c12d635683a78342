"""guard.policy.rules.profile (AG1xx): the messages about which profile a call uses, and AG106's splitting safety.

Against the seed ~/.aws and the rules policy (tests/testing.py): CustomerA is read-only, Writer read-write.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from guard.policy.model import DENY, PASS, Decision
from tests.testing import Decide, Home, decider

ALLOWED = "Asker, CustomerA, Drifted, Ghost, Loop, Patterned, Prod, Writer, default"
INJECTED = " --profile Prod"  # a value that word splitting would turn into `--profile Prod`


@pytest.fixture
def run(home: Home, rules_policy: Path) -> Decide:
    return decider(home, rules_policy)


def hits(decision: Decision) -> set[str]:
    return {f.rule for f in decision.findings}


def messages(decision: Decision, rule_id: str) -> list[str]:
    return [f.message for f in decision.findings if f.rule == rule_id]


# -- AG101-AG105: the messages ------------------------------------------------------------------------------


def test_no_profile_names_the_call_the_fix_and_every_allowed_profile(run: Decide) -> None:
    assert messages(run("aws s3 ls s3://b/"), "AG101") == [
        f"the aws call names no profile: add --profile NAME to `aws s3 ls s3://b/` (allowed: {ALLOWED})"]


def test_inherited_default_profile_names_its_variable_and_the_explicit_fix(run: Decide) -> None:
    decision = run("aws s3 ls", AWS_DEFAULT_PROFILE="Writer")
    assert messages(decision, "AG101") == [
        "`aws s3 ls` would use AWS_DEFAULT_PROFILE=Writer inherited from Claude Code's environment; "
        "name it explicitly: add --profile Writer"]


def test_computed_profile_quotes_it_as_written_and_asks_for_a_literal(run: Decide) -> None:
    decision = run("export AWS_PROFILE=$P; aws s3 ls")
    assert decision.verdict == DENY
    (message,) = messages(decision, "AG102")
    assert message.startswith("the profile `$P` is computed at run time, so the guard cannot check it; write it literally")
    assert f"(allowed: {ALLOWED})" in message


@pytest.mark.parametrize("command, written", [
    ('aws s3 ls --profile "$p"', '"$p"'),
    ("aws s3 ls --profile $p", "$p"),
    ("aws s3 ls --profile ${PROFILE:-CustomerA}", "${PROFILE:-CustomerA}"),
    ('aws s3 ls --profile "$(cat profile)"', '"$(cat profile)"'),
    ('AWS_PROFILE="$p" aws s3 ls', '"$p"'),
    ('aws s3 ls --profile="$p"', '--profile="$p"'),
    ("aws s3 ls --profile=$p", "--profile=$p"),
    ("aws s3 ls --prof=${X:-CustomerA}", "--prof=${X:-CustomerA}"),
])
def test_a_profile_named_but_computed_is_ag102_only(run: Decide, command: str, written: str) -> None:
    decision = run(command, p="CustomerA", PROFILE="CustomerA")
    assert decision.verdict == DENY
    assert hits(decision) == {"AG102"}, [(f.rule, f.message) for f in decision.findings]
    (message,) = messages(decision, "AG102")
    assert message.startswith(f"the profile `{written}` is computed at run time, so the guard cannot check it")


def test_disagreeing_profile_variables_name_both_values_and_the_fix(run: Decide) -> None:
    decision = run("AWS_PROFILE=CustomerA aws s3 ls", AWS_DEFAULT_PROFILE="Writer")
    assert messages(decision, "AG103") == [
        "AWS_PROFILE=CustomerA and AWS_DEFAULT_PROFILE=Writer disagree (CLI v2 uses the first, v1 and boto3 the "
        "second); use --profile instead"]


def test_an_empty_default_profile_does_not_disagree(run: Decide) -> None:
    decision = run("AWS_PROFILE=CustomerA AWS_DEFAULT_PROFILE= aws s3 ls")
    assert decision.verdict == PASS, decision.reason


def test_environment_keys_name_the_profile_and_the_variable_to_replace(run: Decide) -> None:
    decision = run("AWS_DEFAULT_PROFILE=Writer aws s3 ls", AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE")
    assert messages(decision, "AG104") == [
        "AWS_ACCESS_KEY_ID is set, so `aws s3 ls` would run on those keys, not on profile Writer: "
        "use --profile Writer instead of AWS_DEFAULT_PROFILE"]


@pytest.mark.parametrize("command, env", [
    ("AWS_PROFILE=CustomerA aws s3 ls", {"AWS_ACCESS_KEY_ID": ""}),
    ("unset AWS_ACCESS_KEY_ID; AWS_PROFILE=CustomerA aws s3 ls", {"AWS_ACCESS_KEY_ID": "AKIA1"}),
    ("env -u AWS_ACCESS_KEY_ID AWS_PROFILE=CustomerA aws s3 ls", {"AWS_ACCESS_KEY_ID": "AKIA1"}),
])
def test_keys_that_are_empty_or_removed_do_not_beat_aws_profile(run: Decide, command: str, env: dict[str, str]) -> None:
    decision = run(command, **env)
    assert decision.verdict == PASS, decision.reason


def test_identity_variables_are_listed_once_each_in_the_order_written(run: Decide) -> None:
    decision = run("AWS_SESSION_TOKEN=t AWS_DATA_PATH=/tmp/m AWS_SESSION_TOKEN=u aws s3 ls --profile CustomerA")
    assert messages(decision, "AG105") == [
        "`aws s3 ls --profile CustomerA` sets AWS_SESSION_TOKEN, AWS_DATA_PATH on the command line, which re-points "
        "the identity the call runs as; use a declared profile with --profile"]


@pytest.mark.parametrize("name", ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"])
def test_web_identity_and_container_variables_re_point_the_identity_too(run: Decide, name: str) -> None:
    decision = run(f"{name}=x aws s3 ls --profile CustomerA")
    assert "AG105" in hits(decision) and name in decision.reason


def test_an_alias_loop_names_the_alias_file(run: Decide, home: Home) -> None:
    (message,) = messages(run("aws loop-a --profile CustomerA"), "AG109")
    assert f"uses an AWS CLI alias ({home.aws / 'cli' / 'alias'}) that the guard cannot follow" in message


# -- AG106: which computed arguments word splitting cannot turn into --profile ---------------------------------


@pytest.mark.parametrize("command, env", [
    ("aws s3 ls s3://b/$((1+2)) --profile CustomerA", {}),
    ("aws s3 ls s3://b/$? --profile CustomerA", {}),
    ("aws s3 ls s3://b/$# --profile CustomerA", {}),
    ("aws s3 ls s3://b/$(date +%Y%m%d) --profile CustomerA", {}),
    ("aws s3 ls s3://b/$(date -u +%FT%H%M%S) --profile CustomerA", {}),
    ("aws s3 ls s3://b/`date +%s` --profile CustomerA", {}),
    ("aws s3 ls s3://b/$(date +%%Y) --profile CustomerA", {}),
    ("aws ec2 describe-vpcs --region ${R:-eu-west-1} --profile CustomerA", {}),
    ("aws ec2 describe-vpcs --region ${R:-eu-west-1} --profile CustomerA", {"R": "us-east-1"}),
    ("aws s3 ls s3://b/$B --profile CustomerA", {"B": "plain"}),
    ("aws s3 ls s3://b/$B --profile CustomerA", {"B": "two words"}),
    ("B=plain; aws s3 ls s3://b/$B --profile CustomerA", {}),
    ("B=plain; aws s3 ls s3://b/$B --profile CustomerA", {"B": INJECTED}),  # the assignment replaces it
    ("aws s3 ls s3://b/${B:0:3} --profile CustomerA", {"B": "plain"}),
    ("aws s3 ls \"s3://b/$B\" --profile CustomerA", {"B": INJECTED}),
])
def test_computed_arguments_that_cannot_split_into_an_option_pass(run: Decide, command: str,
                                                                  env: dict[str, str]) -> None:
    decision = run(command, **env)
    assert decision.verdict == PASS, decision.reason


@pytest.mark.parametrize("command, env, expansion", [
    ("aws s3 ls s3://b/$(date +%c) --profile CustomerA", {}, "$(date +%c)"),
    ("aws s3 ls s3://b/$(date +%e) --profile CustomerA", {}, "$(date +%e)"),
    ("aws s3 ls s3://b/$(date '+%Y %m') --profile CustomerA", {}, "$(date '+%Y %m')"),
    ("aws s3 ls s3://b/$(date --date=x +%F) --profile CustomerA", {}, "$(date --date=x +%F)"),
    ("aws ec2 describe-vpcs --region ${R:--profile} --profile CustomerA", {}, "${R:--profile}"),
    ("aws ec2 describe-vpcs --region ${R:-$X} --profile CustomerA", {}, "${R:-$X}"),
    ("aws ec2 describe-vpcs --region ${R:-eu-west-1} --profile CustomerA", {"R": INJECTED}, "${R:-eu-west-1}"),
    ("aws s3 ls s3://b/$B --profile CustomerA", {"B": INJECTED}, "$B"),
    ("aws s3 ls s3://b/$B --profile CustomerA", {"B": "-x"}, "$B"),
    ("B='x --profile Prod'; aws s3 ls s3://b/$B --profile CustomerA", {}, "$B"),
    ("B=$(cat f); aws s3 ls s3://b/$B --profile CustomerA", {}, "$B"),
    ("aws s3 ls s3://b/${B#x} --profile CustomerA", {"B": "a-b"}, "${B#x}"),
    ("aws s3 ls s3://b/${B:0:3} --profile CustomerA", {"B": "a b"}, "${B:0:3}"),
    ("aws s3 ls s3://b/${B/a/-} --profile CustomerA", {"B": "plain"}, "${B/a/-}"),
])
def test_unquoted_expansions_that_could_split_into_an_option_are_denied_with_the_quoting_fix(
        run: Decide, command: str, env: dict[str, str], expansion: str) -> None:
    decision = run(command, **env)
    assert decision.verdict == DENY
    (message,) = messages(decision, "AG106")
    assert message == (f"`{expansion}` in `{decision.calls[0].display}` is unquoted, so bash splits its value into "
                       f"words that could include --profile; quote it: \"{expansion}\"")


def test_a_word_that_starts_with_an_expansion_is_told_to_get_a_literal_start(run: Decide) -> None:
    decision = run('aws s3 ls "$B" --profile CustomerA')
    assert messages(decision, "AG106") == [
        '`"$B"` in `aws s3 ls "$B" --profile CustomerA` is computed at run time and could become an option such as '
        '--profile; give it a literal start (e.g. "s3://$B") or write it out']


def test_the_value_of_an_option_may_be_computed_but_not_the_value_of_a_flag(run: Decide) -> None:
    assert run('aws ec2 describe-vpcs --region "$R" --profile CustomerA').verdict == PASS
    decision = run('aws ec2 describe-vpcs --region=eu-west-1 "$R" --profile CustomerA')
    assert "AG106" in hits(decision)


def test_only_the_first_risky_expansion_is_reported(run: Decide) -> None:
    decision = run("aws s3 ls s3://b/$(date +%c)/$(cat k) --profile CustomerA")
    (message,) = messages(decision, "AG106")
    assert message.startswith("`$(date +%c)` in")
