"""guard.policy.rules.registry: the @rule decorator, example(), deny()/ask(), findings() and the stage order."""
from __future__ import annotations

from typing import Iterator

import pytest

from guard.policy.model import ASK, DENY, PASS, Finding
from guard.policy.rules.catalog import BY_ID
from guard.policy.rules.registry import (
    ACCESS,
    ACCOUNT,
    CALL_STAGES,
    IDENTITY,
    PROFILE,
    REGISTERED,
    SECRETS,
    SHELL,
    Example,
    Rule,
    ask,
    deny,
    example,
    findings,
    rule,
)


@pytest.fixture
def registered() -> Iterator[list[Rule]]:
    """The registry, with whatever a test registers taken out again afterwards."""
    before = len(REGISTERED)
    yield REGISTERED
    del REGISTERED[before:]


def test_the_decorator_registers_exactly_what_it_is_given_and_returns_the_function(registered: list[Rule]) -> None:
    bad = (example("aws s3 ls"), example("aws s3 rb s3://b --profile Asker", ASK))
    good = (example("aws s3 ls --profile CustomerA", PASS),)

    def check(info: object, ctx: object) -> list[tuple[str, str]]:
        return []

    decorated = rule("AG999", "a rule made up for this test", ACCESS, bad=bad, good=good)(check)
    assert decorated is check
    assert registered[-1] == Rule("AG999", "a rule made up for this test", ACCESS, check, bad, good)
    assert registered[-1].check is check


def test_a_rule_without_examples_has_empty_ones(registered: list[Rule]) -> None:
    @rule("AG998", "no examples", IDENTITY)
    def check(info: object, ctx: object) -> list[tuple[str, str]]:
        return deny("always")

    assert (registered[-1].bad, registered[-1].good) == ((), ())
    assert findings(registered[-1], check(None, None)) == [Finding("AG998", DENY, "always")]


def test_rules_are_registered_in_the_order_they_are_defined(registered: list[Rule]) -> None:
    before = len(registered)
    for rule_id in ("AG997", "AG995", "AG996"):
        rule(rule_id, "ordering", SHELL)(lambda found, ctx: [])
    assert [r.id for r in registered[before:]] == ["AG997", "AG995", "AG996"]


def test_example_defaults_to_deny_without_environment() -> None:
    assert example("aws s3 ls") == Example("aws s3 ls", DENY, ())


def test_example_keeps_its_environment_in_the_order_written() -> None:
    made = example("aws s3 ls", PASS, AWS_PROFILE="CustomerA", AWS_ACCESS_KEY_ID="AKIA1")
    assert made.verdict == PASS
    assert made.env == (("AWS_PROFILE", "CustomerA"), ("AWS_ACCESS_KEY_ID", "AKIA1"))
    assert dict(made.env) == {"AWS_PROFILE": "CustomerA", "AWS_ACCESS_KEY_ID": "AKIA1"}


def test_deny_ask_and_findings_stamp_the_rule_id_on_every_judgement_in_order() -> None:
    assert deny("no profile") == [(DENY, "no profile")]
    assert ask("asks before writes") == [(ASK, "asks before writes")]
    stamped = findings(BY_ID["AG301"], ask("first") + deny("second"))
    assert stamped == [Finding("AG301", ASK, "first"), Finding("AG301", DENY, "second")]
    assert findings(BY_ID["AG301"], []) == []


def test_call_stages_run_profile_account_access_secrets_then_identity() -> None:
    assert CALL_STAGES == (PROFILE, ACCOUNT, ACCESS, SECRETS, IDENTITY)
    assert CALL_STAGES == ("profile", "account", "access", "secrets", "identity")
    assert SHELL == "shell" and SHELL not in CALL_STAGES
    assert CALL_STAGES[-1] == IDENTITY  # STS last: no round trip for a call already denied
