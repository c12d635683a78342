"""What a decision is made of: the context it may look at, each call's description, findings, the decision.

Verdicts rank pass < ask < deny; a command gets the worst verdict of its calls.
"""
from __future__ import annotations

from functools import cached_property

from guard.plumbing.record import field, record
from guard.shell.model import Word

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Callable, Iterable, Mapping

    from guard.aws.cli import AwsCall
    from guard.aws.config import AwsConfig
    from guard.aws.identity.model import Identity
    from guard.aws.operations.classification import Operation
    from guard.policy.schema import Policy
    from guard.shell.model import Invocation

    Verifier = Callable[[AwsConfig, str, float], Identity]

PASS, ASK, DENY = "pass", "ask", "deny"
RANK = {PASS: 0, ASK: 1, DENY: 2}
# Permission modes in which Claude Code shows no prompt, so `ask` would not stop anything.
UNPROMPTED_MODES = frozenset({"bypassPermissions", "dontAsk", "auto"})


def worst(verdicts: Iterable[str]) -> str:
    return max(verdicts, key=RANK.__getitem__, default=PASS)


class Context:
    """What a decision may look at. The loaders run at most once each, and only when a decision needs them.

    `load_policy` is handed a way to get the AWS config, which only the
    built-in default policy needs; `verifier` proves a profile's identity
    with STS (None: verification is not available here).
    """

    def __init__(self, env: Mapping[str, str], load_aws: Callable[[], AwsConfig],
                 load_policy: Callable[[Callable[[], AwsConfig]], Policy], verifier: Verifier | None = None,
                 permission_mode: str = "default", interactive: bool = True) -> None:
        self.env = env
        self._load_aws = load_aws
        self._load_policy = load_policy
        self.verifier = verifier
        self.permission_mode = permission_mode
        self.interactive = interactive

    @cached_property
    def aws(self) -> AwsConfig:
        return self._load_aws()

    @cached_property
    def policy(self) -> Policy:
        return self._load_policy(lambda: self.aws)

    @property
    def can_ask(self) -> bool:
        return self.interactive and self.permission_mode not in UNPROMPTED_MODES


@record(frozen=True)
class Finding:
    rule: str
    verdict: str
    message: str


@record
class CallInfo:
    """One aws call with everything the rules look at (guard.policy.decision.describe_call fills it in)."""

    invocation: Invocation
    call: AwsCall
    operation: Operation
    profile: str | None = None
    profile_source: str = "none"
    profile_word: Word | None = None
    account: str | None = None  # the declared or configured account; the live one once verified
    aliases: list[str] = field(default_factory=list)  # the ~/.aws/cli/alias entries this call went through
    alias_error: str = ""
    identity: Identity | None = None  # what STS says, once verified
    identity_error: str = ""  # why the identity could not be verified
    findings: list[Finding] = field(default_factory=list)
    basis: str = ""  # for a passing call: the policy entry that lets it through

    @property
    def display(self) -> str:
        return " ".join(w.shown for w in self.invocation.argv)

    @property
    def verdict(self) -> str:
        return worst(f.verdict for f in self.findings)

    def env(self, name: str, inherited: Mapping[str, str], exported_only: bool = True) -> tuple[Word | None, str]:
        """The value `name` has for this call, and where it comes from.

        A bare `NAME=value` (no export) reaches the program only when NAME is
        already exported; `env -i` drops everything inherited. With
        `exported_only=False` it is the value the shell itself expands.
        """
        change = self.invocation.env_value(name)
        if change is not None and (change.how != "shell" or name in inherited or not exported_only):
            return change.value, change.how
        if self.invocation.env_cleared or name not in inherited:
            return None, "unset"
        value = inherited[name]
        return Word(value, value, value), "environment"


@record(frozen=True)
class Decision:
    verdict: str
    reason: str
    calls: tuple[CallInfo, ...] = ()
    problems: tuple[Finding, ...] = ()  # findings about the whole command (the shell stage), not one call
    parser: str = ""

    @property
    def findings(self) -> list[Finding]:
        return [f for c in self.calls for f in c.findings]
