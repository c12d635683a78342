"""`guard doctor`: check the whole setup and say what to fix.

Each check is a small function over the policy and the AWS config that yields
findings; one table shows them all. Any finding at level `error` makes the exit
code non-zero.
"""
from __future__ import annotations

import json
import os
import sys

from guard import wiring
from guard.aws import variables
from guard.errors import GuardError
from guard.plumbing.record import asdict, record

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import IO, Callable, Iterator

    from guard.aws.config import ResolvedProfile
    from guard.policy.model import Context
    from guard.policy.schema import ProfileRule

    Check = Callable[[Context], Iterator["Finding"]]

ERROR, WARN, OK = "error", "warn", "ok"
# botocore AssumeRoleCredentialFetcher: cached sessions with less than this left count as expired.
BOTOCORE_REFRESH_WINDOW = 15 * 60


@record(frozen=True)
class Finding:
    level: str
    subject: str
    message: str
    fix: str = ""


def check_policy(ctx: Context) -> Iterator[Finding]:
    policy = ctx.policy
    if not os.path.exists(ctx.aws.config_file) and not os.path.exists(ctx.aws.credentials_file):
        yield Finding(WARN, "aws-config", f"neither {ctx.aws.config_file} nor {ctx.aws.credentials_file} exists",
                      "set up the AWS CLI's profiles first (aws configure --profile NAME)")
    if not policy.profiles:
        yield Finding(WARN, "policy", f"{policy.describe()}: no profile is allowed, so every aws call is denied",
                      "write one from your AWS config with `guard init` (or see `guard init --example`)")
        return
    yield Finding(OK, "policy", f"{policy.describe()}: {len(policy.profiles)} profile(s): {policy.allowed()}")
    for note in policy.notes:
        yield Finding(WARN, "policy", note, "edit the project's .claude/aws-guard.yaml")


def check_profiles(ctx: Context) -> Iterator[Finding]:
    for name, rule in sorted(ctx.policy.profiles.items()):
        resolved = ctx.aws.resolve(name)
        if resolved is None:
            yield Finding(ERROR, name, f"not defined in {ctx.aws.config_file}",
                          f"add [profile {name}] to {ctx.aws.config_file} or remove it from the policy")
            continue
        yield from _account(name, rule, resolved, ctx)
        yield from _chain(name, resolved, ctx)
        yield from _session(name, rule, resolved)


def _account(name: str, rule: ProfileRule, resolved: ResolvedProfile, ctx: Context) -> Iterator[Finding]:
    if resolved.account is None:
        yield Finding(WARN, name, f"the config does not name an account ({resolved.account_from})",
                      "keep verify_identity: true so STS proves the account")
    elif rule.account and resolved.account != rule.account:
        yield Finding(ERROR, name, f"declared {rule.account}, but {resolved.account_from} points at {resolved.account}",
                      f"fix role_arn in {ctx.aws.config_file} or the policy")
    elif resolved.account in ctx.policy.denied_accounts:
        yield Finding(ERROR, name, f"account {resolved.account} is in denied_accounts", "remove the profile")
    else:
        yield Finding(OK, name, f"account {resolved.account} ({resolved.account_from})")


def _chain(name: str, resolved: ResolvedProfile, ctx: Context) -> Iterator[Finding]:
    if resolved.loop:
        names = " -> ".join(p.name for p in resolved.chain)
        yield Finding(ERROR, name, f"source_profile loop: {names} -> {resolved.chain[-1].get('source_profile')}",
                      "point the last source_profile at a profile with keys")
        return
    last = resolved.chain[-1]
    wanted = resolved.chain[-2].get("source_profile") if len(resolved.chain) > 1 else None
    if last.has_role() and last.get("source_profile") and last.get("source_profile") not in ctx.aws.profiles:
        yield Finding(ERROR, name, f"source_profile {last.get('source_profile')!r} does not exist",
                      f"add [{last.get('source_profile')}] with keys to {ctx.aws.credentials_file}")
    elif wanted is not None and not (last.has_keys() or last.has_sso() or last.get("credential_process")):
        yield Finding(ERROR, name, f"source_profile {last.name!r} has no credentials",
                      f"add aws_access_key_id/aws_secret_access_key for [{last.name}] to {ctx.aws.credentials_file}")


def _session(name: str, rule: ProfileRule, resolved: ResolvedProfile) -> Iterator[Finding]:
    raw = resolved.raw
    if rule.require_mfa and raw.has_role() and not raw.get("mfa_serial"):
        yield Finding(ERROR, name, "the policy requires MFA, but the profile has no mfa_serial",
                      "add mfa_serial = arn:aws:iam::ACCOUNT:mfa/USER to the profile")
    duration = raw.get("duration_seconds")
    if not raw.has_role() or duration is None:
        return
    if not duration.isdigit() or not 900 <= int(duration) <= 43200:
        yield Finding(ERROR, name, f"duration_seconds = {duration} is outside AssumeRole's 900..43200",
                      "use a whole number of seconds, at most the role's MaxSessionDuration")
        return
    if rule.max_session_seconds and int(duration) > rule.max_session_seconds:
        yield Finding(ERROR, name, f"duration_seconds = {duration} exceeds the policy's max_session_seconds "
                      f"({rule.max_session_seconds})", f"lower duration_seconds to {rule.max_session_seconds}")
    if int(duration) > 3600:
        yield Finding(WARN, name, f"duration_seconds = {duration} exceeds a role's default MaxSessionDuration (3600)",
                      "raise the role's MaxSessionDuration or lower duration_seconds")
    if raw.get("mfa_serial") and int(duration) <= BOTOCORE_REFRESH_WINDOW:
        yield Finding(WARN, name, f"duration_seconds = {duration}: botocore treats cached sessions with under 15 "
                      "minutes left as expired, so the AWS CLI asks for the MFA code on every call (the guard "
                      "itself still reuses the cache until Expiration)",
                      "use at least 1800 if the role allows it, or expect a prompt per call")


def check_default_keys(ctx: Context) -> Iterator[Finding]:
    default = ctx.aws.profiles.get("default")
    if default is not None and default.has_keys():
        yield Finding(WARN, "default", "[default] holds static keys: any SDK or tool that forgets the profile "
                      "runs on them", "move the keys to a named profile and use source_profile")


def check_environment(ctx: Context) -> Iterator[Finding]:
    for name in variables.AMBIENT:
        if ctx.env.get(name):
            yield Finding(WARN, "environment", f"{name} is set; aws calls without --profile may use it",
                          f"unset {name} before starting Claude Code")


def check_installed(ctx: Context) -> Iterator[Finding]:
    """The PreToolUse hook in Claude Code's settings, run as Claude Code runs it on an aws call: it must deny."""
    from guard.claude import settings

    hooks = [(scope, path, h) for scope, path, handlers in settings.installed(ctx.env, os.getcwd())
             for event, h in handlers if event == "PreToolUse"]
    if not hooks:
        yield Finding(WARN, "claude-code", "the PreToolUse hook is in none of the user, project or local settings",
                      "run `guard install`")
    for scope, path, handler in hooks:
        yield _trial(scope, path, str(handler.get("command", "")), ctx)
    if hooks and all(scope != "user" for scope, _, _ in hooks):
        from guard.commands.status import SUBDIRECTORY_NOTE

        yield Finding(WARN, "claude-code", SUBDIRECTORY_NOTE, "run `guard install`")


def _trial(scope: str, path: str, command: str, ctx: Context) -> Finding:
    from guard.claude import hook_command
    from guard.policy.sources import project_root

    problem = hook_command.program_problem(command, ctx.env)
    if problem is not None:
        return Finding(ERROR, "claude-code", f"{path}: {problem}", "run `guard install` again from the "
                       "environment where guard is installed")
    answer = hook_command.dry_run(command, ctx.env, project_root(ctx.env, os.getcwd()))
    if answer.get("permissionDecision") != "deny":
        got = answer.get("error") or f"it answered {answer or 'nothing'}"
        return Finding(ERROR, "claude-code", f"{path}: the installed hook did not deny `aws s3 ls` ({got})",
                       "run `guard install` again, or run its command by hand to see why")
    return Finding(OK, "claude-code", f"{scope} settings {path}: {hook_command.describe(command)}; denies "
                   "`aws s3 ls` as it should")


CHECKS: tuple[Check, ...] = (check_policy, check_profiles, check_default_keys, check_environment, check_installed)


def run(config: str | None, as_json: bool, out: IO[str] = sys.stdout) -> int:
    ctx = wiring.context(config, os.environ, os.getcwd())
    findings: list[Finding] = []
    for check in CHECKS:
        try:
            findings.extend(check(ctx))
        except GuardError as error:
            findings.append(Finding(ERROR, check.__name__.removeprefix("check_"), str(error)))
    out.write(json.dumps([asdict(f) for f in findings]) + "\n" if as_json else render(findings))
    return 2 if any(f.level == ERROR for f in findings) else 0


def render(findings: list[Finding]) -> str:
    width = max([len(f.subject) for f in findings] + [7])
    lines = [f"{'LEVEL':5}  {'SUBJECT'.ljust(width)}  FINDING"]
    for f in findings:
        lines.append(f"{f.level:5}  {f.subject.ljust(width)}  {f.message}")
        if f.fix and f.level != OK:
            lines.append(f"{'':5}  {''.ljust(width)}  fix: {f.fix}")
    errors = sum(f.level == ERROR for f in findings)
    warnings = sum(f.level == WARN for f in findings)
    lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"
