"""Every rule, in the order it runs: importing a family registers its rules (guard.policy.rules.registry)."""
from __future__ import annotations

from guard.policy.rules import access, account, identity, profile, secrets, shell  # noqa: F401 (they register)
from guard.policy.rules.registry import CALL_STAGES, REGISTERED, SHELL

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from guard.policy.rules.registry import Rule

STAGES = (SHELL,) + CALL_STAGES
RULES: tuple[Rule, ...] = tuple(sorted(REGISTERED, key=lambda r: (STAGES.index(r.stage), r.id)))
BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def stage(name: str) -> tuple[Rule, ...]:
    return tuple(r for r in RULES if r.stage == name)


def title(rule_id: str) -> str:
    rule = BY_ID.get(rule_id)
    return rule.title if rule is not None else ""
