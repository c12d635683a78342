"""guard.policy.rules.catalog: every rule once, in the order it runs, and the lookups by id and stage."""
from __future__ import annotations

import ast
import inspect
import re
from types import ModuleType

import pytest

from guard.policy.rules import access, account, identity, profile, secrets, shell
from guard.policy.rules.catalog import BY_ID, RULES, STAGES, stage, title
from guard.policy.rules.registry import CALL_STAGES, SHELL

FAMILIES: dict[ModuleType, tuple[str, ...]] = {  # each family module, and the id prefixes it owns
    shell: ("AG0", "AG5"), profile: ("AG1",), account: ("AG2",), access: ("AG3",), identity: ("AG4",),
    secrets: ("AG6",),
}


def decorated_rules(module: ModuleType) -> dict[str, str]:
    """The `@rule("AGnnn", ...)` functions written in the module's source: rule id -> function name."""
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "rule":
                    first = decorator.args[0]
                    assert isinstance(first, ast.Constant), f"{module.__name__}.{node.name}: the id is not literal"
                    found[first.value] = node.name
    return found


def test_every_rule_is_in_exactly_one_known_stage() -> None:
    assert STAGES == (SHELL,) + CALL_STAGES
    assert all(r.stage in STAGES for r in RULES)
    per_stage = [stage(name) for name in STAGES]
    assert sum(len(rules) for rules in per_stage) == len(RULES)
    assert sorted(r.id for rules in per_stage for r in rules) == sorted(r.id for r in RULES)


def test_rules_run_in_stage_order_then_by_id() -> None:
    keys = [(STAGES.index(r.stage), r.id) for r in RULES]
    assert keys == sorted(keys)


def test_stage_order_beats_id_order() -> None:
    ids = [r.id for r in RULES]
    assert ids.index("AG501") < ids.index("AG101")  # a shell rule judges the whole command first
    assert ids.index("AG601") < ids.index("AG401")  # secrets before the STS round trip
    assert ids[-2:] == ["AG401", "AG402"]


@pytest.mark.parametrize("name", STAGES)
def test_stage_returns_only_that_stages_rules_in_catalog_order(name: str) -> None:
    got = stage(name)
    assert got and all(r.stage == name for r in got)
    assert list(got) == [r for r in RULES if r.stage == name]
    assert [r.id for r in got] == sorted(r.id for r in got)


def test_stage_of_an_unknown_name_is_empty() -> None:
    assert stage("network") == ()


def test_by_id_finds_every_rule() -> None:
    assert len(BY_ID) == len(RULES)
    assert all(BY_ID[r.id] is r for r in RULES)


def test_title_looks_up_the_rules_one_line_title() -> None:
    assert title("AG101") == "the call names no profile explicitly"
    assert title("AG203") == "the account is denied"
    assert all(title(r.id) == r.title for r in RULES)


@pytest.mark.parametrize("unknown", ["AG999", "", "ag101", "AG10"])
def test_title_of_an_unknown_id_is_empty(unknown: str) -> None:
    assert title(unknown) == ""


def test_ids_name_their_family_module_and_stage() -> None:
    for r in RULES:
        assert re.fullmatch(r"AG\d{3}", r.id), r.id
        owners = [m for m, prefixes in FAMILIES.items() if r.id.startswith(prefixes)]
        assert owners == [inspect.getmodule(r.check)], r.id
    assert {r.stage for r in RULES if r.id.startswith("AG4")} == {"identity"}
    assert {r.stage for r in RULES if r.id.startswith("AG6")} == {"secrets"}


@pytest.mark.parametrize("family", list(FAMILIES), ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_the_catalog_holds_every_rule_its_family_module_decorates(family: ModuleType) -> None:
    written = decorated_rules(family)
    assert written, f"{family.__name__} defines no rule"
    for rule_id, name in written.items():
        assert rule_id in BY_ID, f"{family.__name__}.{name} ({rule_id}) is missing from the catalog"
        assert BY_ID[rule_id].check is getattr(family, name)


def test_the_catalog_holds_nothing_but_the_families_rules() -> None:
    written = {rule_id for family in FAMILIES for rule_id in decorated_rules(family)}
    assert {r.id for r in RULES} == written


def test_identity_rules_carry_no_examples_since_they_need_a_live_sts() -> None:
    assert [(r.id, r.bad, r.good) for r in stage("identity")] == [("AG401", (), ()), ("AG402", (), ())]
