"""AG2xx: which account a call reaches, as the policy and the AWS config say."""
from __future__ import annotations

from guard.policy.rules.registry import ACCOUNT, deny, example, rule

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from guard.policy.model import CallInfo, Context
    from guard.policy.rules.registry import Judgement


@rule("AG201", "the profile is not in the policy", ACCOUNT,
      bad=(example("aws s3 ls --profile Other"), example("aws s3 ls --profile CustomerA --profile Other"),
           example("aws s3 ls --profile customera"),
           example("aws as-other s3 ls --profile CustomerA")),
      good=(example("aws s3 ls --prof CustomerA", "pass"),))
def undeclared_profile(info: CallInfo, ctx: Context) -> list[Judgement]:
    if info.profile is not None and info.profile not in ctx.policy.profiles:
        return deny(f"profile {info.profile} is not allowed by the policy ({ctx.policy.describe()}); "
                    f"{_did_you_mean(info.profile, list(ctx.policy.profiles))}allowed: {ctx.policy.allowed()}")
    return []


def _did_you_mean(name: str, declared: list[str]) -> str:
    """`customera` for `CustomerA`: profile names are case-sensitive in the AWS config."""
    from difflib import get_close_matches

    same = [d for d in declared if d.lower() == name.lower()]
    close = same or get_close_matches(name, declared, n=1, cutoff=0.75)
    return f"did you mean --profile {close[0]}? " if close else ""


@rule("AG202", "the profile is not in the AWS config", ACCOUNT,
      bad=(example("aws s3 ls --profile Ghost"),),
      good=(example("aws s3 ls --profile default", "pass"),))
def unconfigured_profile(info: CallInfo, ctx: Context) -> list[Judgement]:
    if info.profile is not None and info.profile in ctx.policy.profiles and info.profile not in ctx.aws.profiles:
        return deny(f"profile {info.profile} is not defined in {ctx.aws.config_file} or "
                    f"{ctx.aws.credentials_file}")
    return []


@rule("AG203", "the account is denied", ACCOUNT,
      bad=(example("aws s3 ls --profile Prod"),),
      good=(example("aws s3 ls --profile CustomerA", "pass"),))
def denied_account(info: CallInfo, ctx: Context) -> list[Judgement]:
    entry = ctx.policy.entry(info.profile)
    resolved = ctx.aws.resolve(info.profile) if info.profile else None
    accounts = {a for a in (entry and entry.account, resolved and resolved.account) if a}
    hit = sorted(accounts & ctx.policy.denied_accounts)
    if hit:
        return deny(f"profile {info.profile} reaches account {hit[0]}, which the policy denies")
    return []


@rule("AG204", "the AWS config points the profile at another account", ACCOUNT,
      bad=(example("aws s3 ls --profile Drifted"), example("aws s3 ls --profile Loop")),
      good=(example("aws s3 ls --profile CustomerA", "pass"),))
def account_mismatch(info: CallInfo, ctx: Context) -> list[Judgement]:
    entry = ctx.policy.entry(info.profile)
    resolved = ctx.aws.resolve(info.profile) if info.profile else None
    if entry is None or resolved is None:
        return []
    if resolved.loop:
        chain = " -> ".join(p.name for p in resolved.chain) + f" -> {resolved.chain[-1].get('source_profile')}"
        return deny(f"profile {info.profile} has a source_profile loop ({chain}) in {ctx.aws.config_file}")
    if entry.account and resolved.account and resolved.account != entry.account:
        return deny(f"profile {info.profile} is declared for account {entry.account}, but its "
                    f"{resolved.account_from} in {ctx.aws.config_file} points at {resolved.account}")
    return []


ASSUME_ROLE = frozenset({"assume-role", "assume-role-with-saml", "assume-role-with-web-identity"})


@rule("AG205", "sts assume-role into a denied or undeclared account", ACCOUNT,
      bad=(example("aws sts assume-role --role-arn arn:aws:iam::999999999999:role/R --role-session-name s --profile Patterned"),
           example("aws sts assume-role --role-arn arn:aws:iam::777777777777:role/R --role-session-name s --profile Patterned"),
           example("aws sts assume-role --role-ar arn:aws:iam::777777777777:role/R --role-session-name s "
                   "--profile Patterned"),
           example("aws sts assume-role --role-arn arn:aws:iam::222222222222:role/R --role-arn "
                   "arn:aws:iam::777777777777:role/R --role-session-name s --profile Patterned")),
      good=(example("aws sts assume-role --role-arn arn:aws:iam::222222222222:role/R --role-session-name s "
           "--profile Patterned", "pass"),))
def assume_role_target(info: CallInfo, ctx: Context) -> list[Judgement]:
    """`sts assume-role --role-arn` into a denied or undeclared account: denied whatever else allows it."""
    op = info.operation
    if op.service != "sts" or op.name not in ASSUME_ROLE:
        return []
    declared = {r.account for r in ctx.policy.profiles.values() if r.account}
    for account in [_account_in(arn) for arn in info.call.values_of("--role-arn")] or [None]:
        if account is None or account in ctx.policy.denied_accounts or account not in declared:
            what = f"account {account}" if account else "an account the guard cannot read"
            return deny(f"`{info.display}` assumes a role in {what}, which no declared profile "
                        "reaches or the policy denies")
    return []


def _account_in(arn: str | None) -> str | None:
    parts = arn.split(":") if arn else []
    return parts[4] if len(parts) > 4 and parts[4] else None

