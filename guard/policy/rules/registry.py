"""How rules are written: one small function each, registered where it is written.

A rule has a stable id, a one-line title, the stage it runs in, and example
commands beside it (as ShellCheck keeps `prop_` examples over each check, and
bandit registers each test with `@test_id`): `bad` ones it must flag (with the
verdict the whole command gets) and `good` ones it must not.
tests/policy/rules/test_examples.py runs every example against the seed
setting, so a rule and its evidence stay together.

A rule only judges: it reads the call (or, in the shell stage, the scan of the
whole command) and the context, and returns what it finds as (verdict,
message) pairs; the registry stamps them with the rule's id.

Stages, in the order they run (guard.policy.decision): `shell` judges the
whole command line once; then, for each aws call, `profile` (which profile the
call uses), `account`, `access`, `secrets` and `identity` (STS, last: no round
trip for a call already denied). A call stage runs only when the earlier ones
denied nothing.
"""
from __future__ import annotations

from guard.plumbing.record import record
from guard.policy.model import ASK, DENY, Finding

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Callable, TypeVar

    from guard.policy.model import CallInfo, Context
    from guard.shell.scan import Scan

    Judgement = tuple[str, str]  # (verdict, message)
    ShellCheck = Callable[[Scan, Context], list[Judgement]]
    CallCheck = Callable[[CallInfo, Context], list[Judgement]]
    C = TypeVar("C", ShellCheck, CallCheck)

SHELL, PROFILE, ACCOUNT, ACCESS, SECRETS, IDENTITY = "shell", "profile", "account", "access", "secrets", "identity"
CALL_STAGES = (PROFILE, ACCOUNT, ACCESS, SECRETS, IDENTITY)


@record(frozen=True)
class Example:
    command: str
    verdict: str  # what the whole command gets: "pass", "ask" or "deny"
    env: tuple[tuple[str, str], ...] = ()


@record(frozen=True)
class Rule:
    id: str
    title: str
    stage: str
    check: Callable[..., list[Judgement]]  # a ShellCheck in the shell stage, else a CallCheck
    bad: tuple[Example, ...] = ()
    good: tuple[Example, ...] = ()


REGISTERED: list[Rule] = []  # in the order the family modules define them (guard.policy.rules.catalog)


def rule(id: str, title: str, stage: str, bad: tuple[Example, ...] = (),
         good: tuple[Example, ...] = ()) -> Callable[[C], C]:
    """Register the decorated check as rule `id`."""
    def register(check: C) -> C:
        REGISTERED.append(Rule(id, title, stage, check, bad, good))
        return check

    return register


def example(command: str, verdict: str = DENY, **env: str) -> Example:
    return Example(command, verdict, tuple(env.items()))


def deny(message: str) -> list[Judgement]:
    return [(DENY, message)]


def ask(message: str) -> list[Judgement]:
    return [(ASK, message)]


def findings(rule: Rule, judgements: list[Judgement]) -> list[Finding]:
    return [Finding(rule.id, verdict, message) for verdict, message in judgements]
