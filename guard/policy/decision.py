"""The pure core: `decide(command, context) -> Decision`.

Everything the decision depends on comes in through `Context`: the policy, the
AWS config, the environment the command will inherit, Claude Code's permission
mode, and (for identity checks) a verifier. The file system and STS stay at
the edges, behind the loaders the context is given (guard.wiring).

The pipeline: the shell scan finds every aws call (guard.shell.scan); the
shell-stage rules judge the whole command; each call is described (which
profile, where that comes from, which account, what the operation does) and
then judged stage by stage (guard.policy.rules); the worst verdict wins.
"""
from __future__ import annotations

from guard.aws import aliases, cli, protected_files, variables
from guard.aws.operations.classification import CHANGES, classify
from guard.policy.model import ASK, DENY, UNPROMPTED_MODES, CallInfo, Decision, worst
from guard.policy.rules import catalog
from guard.policy.rules.registry import CALL_STAGES, IDENTITY, SHELL, findings
from guard.shell.scan import scan
from guard.shell.words import mentions_aws

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from guard.policy.model import Context, Finding
    from guard.shell.model import Invocation


def decide(command: str, ctx: Context) -> Decision:
    """Decide pass, ask or deny for one proposed shell command."""
    found = scan(command, _extra_wrappers(command, ctx), protected_files.configured(ctx.env))
    problems = tuple(f for rule in catalog.stage(SHELL) for f in findings(rule, rule.check(found, ctx)))
    calls = tuple(describe_call(invocation, ctx) for invocation in found.calls)
    for info in calls:
        judge_call(info, ctx)
    return _combine(calls, problems, found.parser, ctx)


def _extra_wrappers(command: str, ctx: Context) -> frozenset[str]:
    """User-declared wrappers; the policy is only read when the text could hold an aws call."""
    return ctx.policy.wrappers if mentions_aws(command) else frozenset()


def describe_call(invocation: Invocation, ctx: Context) -> CallInfo:
    """What the call is: its argv as the CLI reads it (aliases resolved), its operation, profile and account.

    Aliases (~/.aws/cli/alias) are resolved first, since an alias may stand for any command and set --profile.
    """
    try:
        argv, pinned, used = aliases.expand(invocation.argv, ctx.aws.aliases)
        call, note = cli.parse(argv + pinned), ""
    except aliases.AliasError as error:
        call, used, note = cli.parse(invocation.argv), [], str(error)
    info = CallInfo(invocation, call, classify(call), aliases=used, alias_error=note)
    _find_profile(info, ctx)
    info.account = _configured_account(info, ctx)
    return info


def _find_profile(info: CallInfo, ctx: Context) -> None:
    """Which profile the call uses, and where that comes from: the CLI's precedence."""
    if info.call.profile is not None:
        info.profile_word = info.call.profile
        info.profile, info.profile_source = info.call.profile.value, "--profile"
        return
    for name in variables.PROFILE:  # CLI v2 prefers AWS_PROFILE; v1 and boto3 the other; AG103 flags a clash
        word, how = info.env(name, ctx.env)
        if word is not None and word.value != "":
            info.profile_word = word
            info.profile, info.profile_source = word.value, f"{name} ({how})"
            return


def _configured_account(info: CallInfo, ctx: Context) -> str | None:
    """The account the policy declares for the profile, else the one its AWS config points at."""
    if info.profile is None:
        return None
    entry = ctx.policy.entry(info.profile)
    resolved = ctx.aws.resolve(info.profile)
    return (entry.account if entry else None) or (resolved.account if resolved else None)


def judge_call(info: CallInfo, ctx: Context) -> None:
    """Run the call rules stage by stage: a later stage only runs when the earlier ones denied nothing.

    Without a checkable profile the account rules have nothing to say, and a
    call already denied needs no STS round trip, so the identity stage is last.
    """
    if info.call.reaches_no_account and not info.call.error:
        return
    for stage in CALL_STAGES:
        if stage == IDENTITY:
            _verify(info, ctx)
        for rule in catalog.stage(stage):
            info.findings.extend(findings(rule, rule.check(info, ctx)))
        if any(f.verdict == DENY for f in info.findings):
            return
    if info.identity is not None:
        info.account = info.identity.account  # proven live, and it matched
    if not info.findings:
        info.basis = basis(info, ctx)


def _verify(info: CallInfo, ctx: Context) -> None:
    """Ask the verifier who the profile really is; the identity rules judge the answer or the error."""
    if not ctx.policy.verify_identity or info.profile is None or ctx.verifier is None:
        return
    try:
        info.identity = ctx.verifier(ctx.aws, info.profile, ctx.policy.verify_timeout)
    except Exception as error:  # guard.aws.identity.IdentityError, and anything botocore raises
        fix = getattr(error, "fix", "")
        info.identity_error = f"{error}" + (f"; {fix}" if fix else "")


def basis(info: CallInfo, ctx: Context) -> str:
    """The policy entry that lets a passing call through, for `guard test` and the audit log."""
    entry = ctx.policy.entry(info.profile)
    op = info.operation
    if entry is None:
        return ""
    if op.secret or op.kind in CHANGES:
        hit = entry.matching("allow", op.service or "", op.name or "")
        if hit is not None:
            return f"allow pattern {hit[1]!r} ({entry.origin}.allow[{hit[0]}])"
    if op.kind in CHANGES:
        return f"access {entry.access} allows changes ({entry.origin})"
    return f"access {entry.access} allows {op.kind} operations ({entry.origin})"


def _combine(calls: tuple[CallInfo, ...], problems: tuple[Finding, ...], parser: str, ctx: Context) -> Decision:
    if problems:
        return Decision(DENY, "; ".join(p.message for p in problems), calls, problems, parser)
    verdict = worst(c.verdict for c in calls)
    if verdict == ASK and not ctx.can_ask:
        return _ask_unenforceable(calls, parser, ctx)
    reasons = [f.message for c in calls for f in c.findings if f.verdict == verdict]
    return Decision(verdict, "; ".join(_unique(reasons)), calls, problems, parser)


def _ask_unenforceable(calls: tuple[CallInfo, ...], parser: str, ctx: Context) -> Decision:
    why = (f"permission mode {ctx.permission_mode}" if ctx.permission_mode in UNPROMPTED_MODES
           else "a non-interactive session")
    reasons = [f"{f.message} (denied rather than asked: nobody is asked in {why})"
               for c in calls for f in c.findings if f.verdict == ASK]
    return Decision(DENY, "; ".join(_unique(reasons)), calls, (), parser)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
