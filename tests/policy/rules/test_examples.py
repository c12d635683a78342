"""Every rule's own examples, run through the real parsers against the seed setting."""
from __future__ import annotations

from pathlib import Path

import pytest

from guard import wiring
from guard.policy.decision import decide
from guard.policy.model import PASS
from guard.policy.rules.catalog import RULES
from guard.policy.rules.registry import Example, Rule
from tests.testing import REPO, Home

CASES = [(rule, ex, True) for rule in RULES for ex in rule.bad] + [(rule, ex, False) for rule in RULES for ex in rule.good]


def _id(case: tuple[Rule, Example, bool]) -> str:
    rule, example, bad = case
    return f"{rule.id}-{'bad' if bad else 'good'}-{example.command}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_rule_examples(case: tuple[Rule, Example, bool], home: Home, rules_policy: Path) -> None:
    rule, example, bad = case
    env = dict(home.env, **dict(example.env))
    decision = decide(example.command, wiring.context(str(rules_policy), env, str(home.path)))
    rules_hit = {f.rule for f in decision.findings} | {p.rule for p in decision.problems}
    assert decision.verdict == example.verdict, decision.reason
    if bad:
        assert rule.id in rules_hit, decision
    else:
        assert rule.id not in rules_hit and decision.verdict == PASS, decision.reason


def test_rule_ids_are_unique_and_documented() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    readme = (REPO / "README.md").read_text()
    missing = [i for i in ids if i not in readme]
    assert not missing, f"rules not documented in README.md: {missing}"


def test_every_rule_with_a_check_has_examples() -> None:
    # AG4xx need a live STS: tests/policy/test_decision.py and tests/aws/identity/ cover them against moto.
    assert all(r.bad and r.good for r in RULES if not r.id.startswith("AG4"))
