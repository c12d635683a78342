"""AG4xx: what STS says about the profile's live credentials (guard.aws.identity).

The decision asks STS only when every earlier stage passed, and hands the
answer (or why there is none) to these rules on the call.
"""
from __future__ import annotations

from guard.policy.rules.registry import IDENTITY, deny, rule

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from guard.policy.model import CallInfo, Context
    from guard.policy.rules.registry import Judgement


# Examples need a live STS: tests/aws/identity/ and tests/policy/test_decision.py run these against moto.
@rule("AG401", "the identity of the profile cannot be verified (no valid session, timeout, error)", IDENTITY)
def unverified(info: CallInfo, ctx: Context) -> list[Judgement]:
    if not ctx.policy.verify_identity or info.profile is None:
        return []
    if ctx.verifier is None:
        return deny(f"the policy asks to verify the identity of profile {info.profile} with STS, and verification "
                    "is not available here; set `verify_identity: false` for static checks only")
    if info.identity_error:
        return deny(f"cannot verify who profile {info.profile} is: {info.identity_error}")
    return []


@rule("AG402", "the live credentials are another account than declared, or a denied one", IDENTITY)
def live_account(info: CallInfo, ctx: Context) -> list[Judgement]:
    found = info.identity
    entry = ctx.policy.entry(info.profile)
    if found is None:
        return []
    if found.account in ctx.policy.denied_accounts:
        return deny(f"profile {info.profile} is live in account {found.account} ({found.arn}), which the policy "
                    "denies")
    if entry is not None and entry.account and found.account != entry.account:
        return deny(f"profile {info.profile} is declared for account {entry.account}, but its live credentials are "
                    f"account {found.account} ({found.arn}); fix ~/.aws/config or the policy")
    if entry is not None and entry.role and found.role != entry.role:
        return deny(f"profile {info.profile} should be role {entry.role}, but its live credentials are {found.arn}")
    return []

