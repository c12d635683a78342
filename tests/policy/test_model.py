"""guard.policy.model: the Context's lazy loaders and can_ask, CallInfo.env and verdict, worst(), Decision.findings."""
from __future__ import annotations

from typing import Callable

import pytest

from guard.aws import cli
from guard.aws.operations.classification import classify
from guard.policy import schema
from guard.policy.decision import decide
from guard.policy.model import ASK, DENY, PASS, UNPROMPTED_MODES, CallInfo, Context, Decision, Finding, worst
from guard.shell.scan import scan
from tests.testing import RULES_POLICY


def counting(result: object) -> tuple[Callable[..., object], list[tuple[object, ...]]]:
    """A loader of the test's own: returns `result` and records the arguments of every call."""
    calls: list[tuple[object, ...]] = []

    def load(*args: object) -> object:
        calls.append(args)
        return result

    return load, calls


def call_info(command: str) -> CallInfo:
    """The first aws call of `command`, read by the real shell scan, CLI parser and classifier."""
    invocation = scan(command).calls[0]
    call = cli.parse(invocation.argv)
    return CallInfo(invocation, call, classify(call))


# -- Context: loaders -----------------------------------------------------------------------------------------


def test_aws_config_is_loaded_once_however_often_it_is_read() -> None:
    config = object()
    load_aws, aws_calls = counting(config)
    load_policy, policy_calls = counting(object())
    ctx = Context({}, load_aws, load_policy)
    assert aws_calls == []  # nothing is read while the context is built
    assert ctx.aws is config and ctx.aws is config
    assert (aws_calls, policy_calls) == ([()], [])


def test_policy_is_loaded_once_and_leaves_the_aws_config_unread_when_it_does_not_ask() -> None:
    policy = object()
    load_aws, aws_calls = counting(object())
    load_policy, policy_calls = counting(policy)
    ctx = Context({}, load_aws, load_policy)
    assert ctx.policy is policy and ctx.policy is policy
    assert (len(policy_calls), aws_calls) == (1, [])


def test_policy_loader_gets_the_aws_config_through_the_context_and_only_on_demand() -> None:
    config = object()
    load_aws, aws_calls = counting(config)
    seen: list[object] = []

    def load_policy(get_aws: Callable[[], object]) -> object:
        assert aws_calls == []  # handed a way to get it, not the config itself
        seen.extend([get_aws(), get_aws()])
        return "policy"

    ctx = Context({}, load_aws, load_policy)
    assert ctx.policy == "policy"
    assert seen == [config, config]
    assert ctx.aws is config
    assert aws_calls == [()]  # the policy's two requests and the later read share one load


def test_a_command_without_aws_opens_neither_the_policy_nor_the_aws_config() -> None:
    def refuse(*args: object) -> object:
        raise AssertionError("a command that cannot mention aws needs no policy and no AWS config")

    decision = decide("ls -la && echo done | wc -l", Context({}, refuse, refuse))
    assert decision.verdict == PASS
    assert decision.calls == ()


def test_text_that_only_mentions_aws_reads_the_policy_for_wrappers_but_not_the_aws_config() -> None:
    load_aws, aws_calls = counting(object())
    load_policy, policy_calls = counting(schema.parse(RULES_POLICY, "rules-policy.yaml"))
    decision = decide("echo 'aws s3 rm s3://b --profile Prod'", Context({}, load_aws, load_policy))
    assert decision.verdict == PASS
    assert (len(policy_calls), aws_calls) == (1, [])


# -- Context: can_ask -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["default", "acceptEdits", "plan", *sorted(UNPROMPTED_MODES)])
@pytest.mark.parametrize("interactive", [True, False])
def test_only_an_interactive_session_in_a_prompting_mode_can_ask(mode: str, interactive: bool) -> None:
    expected = interactive and mode in ("default", "acceptEdits", "plan")
    assert Context({}, object, object, permission_mode=mode, interactive=interactive).can_ask is expected


# -- CallInfo.env ------------------------------------------------------------------------------------------------


def value_and_source(command: str, inherited: dict[str, str], exported_only: bool = True) -> tuple[str | None, str]:
    word, how = call_info(command).env("AWS_REGION", inherited, exported_only)
    return (word.value if word is not None else None), how


@pytest.mark.parametrize("command, how", [
    ("AWS_REGION=eu-west-1 aws s3 ls", "inline"),
    ("export AWS_REGION=eu-west-1; aws s3 ls", "export"),
    ("env AWS_REGION=eu-west-1 aws s3 ls", "env"),
    ("env -i AWS_REGION=eu-west-1 aws s3 ls", "env"),
    ("AWS_REGION=us-east-1; export AWS_REGION=eu-west-1; aws s3 ls", "export"),
    ("export AWS_REGION=us-east-1; AWS_REGION=eu-west-1 aws s3 ls", "inline"),  # the nearest setting wins
    ("export AWS_REGION=us-east-1; env AWS_REGION=eu-west-1 aws s3 ls", "env"),
    ("AWS_REGION=us-east-1 env AWS_REGION=eu-west-1 aws s3 ls", "env"),
])
def test_command_line_settings_beat_the_inherited_value(command: str, how: str) -> None:
    assert value_and_source(command, {"AWS_REGION": "ap-south-1"}) == ("eu-west-1", how)
    assert value_and_source(command, {}) == ("eu-west-1", how)


def test_inherited_value_reaches_the_call_when_the_command_line_says_nothing() -> None:
    word, how = call_info("aws s3 ls").env("AWS_REGION", {"AWS_REGION": "ap-south-1"})
    assert how == "environment"
    assert word is not None and word.literal and word.shown == "ap-south-1"
    assert value_and_source("aws s3 ls", {}) == (None, "unset")
    assert value_and_source("aws s3 ls", {"AWS_DEFAULT_REGION": "eu-west-1"}) == (None, "unset")


def test_a_bare_assignment_does_not_reach_the_program_unless_the_name_is_already_exported() -> None:
    command = "AWS_REGION=eu-west-1; aws s3 ls"
    assert value_and_source(command, {}) == (None, "unset")
    assert value_and_source(command, {"AWS_REGION": "ap-south-1"}) == ("eu-west-1", "shell")


def test_exported_only_false_gives_the_value_the_shell_itself_expands() -> None:
    command = "AWS_REGION=eu-west-1; aws s3 ls"
    assert value_and_source(command, {}, exported_only=False) == ("eu-west-1", "shell")
    assert value_and_source("aws s3 ls", {"AWS_REGION": "ap-south-1"}, exported_only=False) == (
        "ap-south-1", "environment")


@pytest.mark.parametrize("exported_only", [True, False])
@pytest.mark.parametrize("command", ["env -i aws s3 ls", "unset AWS_REGION; aws s3 ls", "env -u AWS_REGION aws s3 ls"])
def test_env_dash_i_and_unset_hide_the_inherited_value(command: str, exported_only: bool) -> None:
    word, _ = call_info(command).env("AWS_REGION", {"AWS_REGION": "ap-south-1"}, exported_only)
    assert word is None


def test_a_value_computed_at_run_time_is_reported_as_such() -> None:
    word, how = call_info("AWS_REGION=$(cat region) aws s3 ls").env("AWS_REGION", {})
    assert how == "inline"
    assert word is not None and not word.literal and word.text == "$(cat region)"


# -- verdicts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("verdicts, expected", [
    ([], PASS),
    ([PASS], PASS),
    ([PASS, ASK, PASS], ASK),
    ([ASK, DENY, ASK], DENY),
    ([DENY, PASS], DENY),
])
def test_worst_ranks_pass_below_ask_below_deny(verdicts: list[str], expected: str) -> None:
    assert worst(verdicts) == expected
    assert worst(iter(verdicts)) == expected


def test_a_call_gets_its_worst_finding() -> None:
    info = call_info("aws s3 ls")
    assert info.verdict == PASS
    info.findings.append(Finding("AG301", ASK, "asks"))
    assert info.verdict == ASK
    info.findings.append(Finding("AG203", DENY, "denies"))
    info.findings.append(Finding("AG302", ASK, "asks again"))
    assert info.verdict == DENY


def test_decision_findings_flatten_the_calls_findings_in_order_without_the_problems() -> None:
    first, second, third = call_info("aws s3 ls"), call_info("aws ec2 describe-vpcs"), call_info("aws sts help")
    first.findings.extend([Finding("AG101", DENY, "a"), Finding("AG102", DENY, "b")])
    third.findings.append(Finding("AG301", ASK, "c"))
    problem = Finding("AG501", DENY, "names ~/.aws")
    decision = Decision(DENY, "why", (first, second, third), (problem,))
    assert decision.findings == [Finding("AG101", DENY, "a"), Finding("AG102", DENY, "b"), Finding("AG301", ASK, "c")]
    assert Decision(DENY, "why", (), (problem,)).findings == []
