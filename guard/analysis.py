"""The pure core: `analyze(command, context) -> Decision`.

Everything the decision depends on comes in through `Context`: the policy, the
AWS config, the environment the command will inherit, Claude Code's permission
mode, and (for identity checks) a verifier. The file system and STS stay at
the edges, behind the loaders the context is given.
"""
from __future__ import annotations

from functools import cached_property

import guard.awscli as awscli
from guard.record import field, record
from guard.shell.model import Invocation, Word
from guard.shell.scan import Problem, Scan, scan

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping

PASS, ASK, DENY = "pass", "ask", "deny"
_RANK = {PASS: 0, ASK: 1, DENY: 2}
# Permission modes in which Claude Code shows no prompt, so `ask` would not stop anything.
UNPROMPTED_MODES = frozenset({"bypassPermissions", "dontAsk", "auto"})
PROFILE_VARS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


class Context:
    """What a decision may look at. Loaders run at most once, and only when needed."""

    def __init__(self, env: Mapping[str, str], load_policy: Callable[[], Any], load_aws: Callable[[], Any],
                 permission_mode: str = "default", interactive: bool = True,
                 verifier: Callable[[str], Any] | None = None) -> None:
        self.env = env
        self._load_policy = load_policy
        self._load_aws = load_aws
        self.permission_mode = permission_mode
        self.interactive = interactive
        self.verifier = verifier

    @cached_property
    def policy(self) -> Any:
        return self._load_policy()

    @cached_property
    def aws(self) -> Any:
        return self._load_aws()

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
    """One aws call with everything the rules look at."""

    invocation: Invocation
    call: awscli.AwsCall
    profile: str | None
    profile_source: str
    profile_word: Word | None = None
    findings: list[Finding] = field(default_factory=list)
    account: str | None = None
    identity: Any = None
    aliases: list[str] = field(default_factory=list)  # the ~/.aws/cli/alias entries this call went through
    operation: Any = None  # guard.operations.Operation (describe_call classifies every call)
    basis: str = ""  # for a passing call: the policy entry that lets it through
    alias_error: str = ""

    @property
    def display(self) -> str:
        return " ".join(w.shown for w in self.invocation.argv)

    @property
    def verdict(self) -> str:
        return max((f.verdict for f in self.findings), key=_RANK.__getitem__, default=PASS)

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
    problems: tuple[Problem, ...] = ()
    parser: str = ""

    @property
    def findings(self) -> list[Finding]:
        return [f for c in self.calls for f in c.findings]


def analyze(command: str, ctx: Context) -> Decision:
    """Decide pass, ask or deny for one proposed shell command."""
    from guard import credfiles

    extra = _extra_wrappers(command, ctx)
    found = scan(command, extra, credfiles.configured(ctx.env))
    if not found.calls and not found.problems:
        return Decision(PASS, "", parser=found.parser)
    from guard import (
        rules,  # the rules need the policy; a command with no aws call never gets here
    )

    calls = tuple(describe_call(inv, ctx) for inv in found.calls)
    for info in calls:
        info.findings.extend(rules.check_call(info, ctx))
    return _combine(calls, found, ctx)


def _extra_wrappers(command: str, ctx: Context) -> frozenset[str]:
    """User-declared wrappers; the policy is only read when the text could hold an aws call."""
    from guard.shell.words import mentions_aws

    return ctx.policy.wrappers if mentions_aws(command) else frozenset()


def describe_call(invocation: Invocation, ctx: Context) -> CallInfo:
    """Which profile the call will use, and where that comes from (the CLI's precedence).

    Aliases (~/.aws/cli/alias) are resolved first, since an alias may stand for any command and set --profile.
    """
    from guard import aliases

    try:
        argv, pinned, used = aliases.expand(invocation.argv, ctx.aws.aliases)
        call, note = awscli.parse(argv + pinned), ""
    except aliases.AliasError as error:
        call, used, note = awscli.parse(invocation.argv), [], str(error)
    from guard import operations

    info = CallInfo(invocation, call, None, "none", aliases=used, alias_error=note, operation=operations.classify(call))
    if call.profile is not None:
        info.profile_word = call.profile
        info.profile, info.profile_source = call.profile.value, "--profile"
        return info
    values = {name: info.env(name, ctx.env) for name in PROFILE_VARS}
    for name in PROFILE_VARS:  # CLI v2 prefers AWS_PROFILE; v1 and boto3 the other; rules flag a clash
        word, how = values[name]
        if word is not None and word.value != "":
            info.profile_word = word
            info.profile, info.profile_source = word.value, f"{name} ({how})"
            break
    return info


def _combine(calls: tuple[CallInfo, ...], found: Scan, ctx: Context) -> Decision:
    problems = tuple(found.problems)
    if problems:
        reason = "; ".join(p.message for p in problems)
        return Decision(DENY, reason, calls, problems, found.parser)
    verdict = max((c.verdict for c in calls), key=_RANK.__getitem__, default=PASS)
    if verdict == ASK and not ctx.can_ask:
        return _ask_unenforceable(calls, found, ctx)
    reasons = [f.message for c in calls for f in c.findings if f.verdict == verdict]
    return Decision(verdict, "; ".join(_unique(reasons)), calls, problems, found.parser)


def _ask_unenforceable(calls: tuple[CallInfo, ...], found: Scan, ctx: Context) -> Decision:
    why = (f"permission mode {ctx.permission_mode}" if ctx.permission_mode in UNPROMPTED_MODES
           else "a non-interactive session")
    reasons = [f"{f.message} (denied rather than asked: nobody is asked in {why})"
               for c in calls for f in c.findings if f.verdict == ASK]
    return Decision(DENY, "; ".join(_unique(reasons)), calls, (), found.parser)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
