"""The credential broker: credentials for a declared profile, served to processes inside the isolated world.

The generated config (guard.aws.world) gives every declared profile a
`credential_process` that runs `guard credentials --world DIR NAME`. The broker
resolves the real profile the way the AWS CLI does, never prompting (the
providers of guard.aws.identity), and serves it only when the policy declares
it, its account is not denied, the config points where the policy says, and,
with `verify_identity`, STS shows the live credentials are that account (the
cached verdict of guard.aws.identity.verification).

An assumed role without MFA is written to the AWS CLI's own cache, under the
CLI's key, so the next call (from the CLI, or the broker) reuses it.

Expiration: botocore refreshes process credentials when 15 minutes are left
(advisory) and fails when 10 are left (mandatory), so a 900-second session
would be refused from its first minute. The broker reports the session's real
end plus 15 minutes: botocore then asks again exactly when the session really
ends, and the calls in between use the session for its whole real lifetime.
"""
from __future__ import annotations

import json
import os
import time

from guard.aws.identity import cli_cache
from guard.aws.identity.model import Credentials, IdentityError

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any

    from guard.policy.model import Context

BOTOCORE_ADVISORY = 15 * 60  # botocore.credentials: _DEFAULT_ADVISORY_REFRESH_TIMEOUT


def serve(ctx: Context, name: str) -> dict[str, Any]:
    """The credential_process answer for profile `name`; IdentityError saying why not, and how to fix it."""
    _declared(ctx, name)
    creds = _credentials(ctx, name)
    if ctx.policy.verify_identity:
        _proven(ctx, name)
    answer: dict[str, Any] = {"Version": 1, "AccessKeyId": creds.access_key, "SecretAccessKey": creds.secret_key}
    if creds.token:
        answer["SessionToken"] = creds.token
    if creds.expires is not None:
        answer["Expiration"] = _iso(creds.expires + BOTOCORE_ADVISORY)
    return answer


def _declared(ctx: Context, name: str) -> None:
    entry = ctx.policy.entry(name)
    if entry is None:
        raise IdentityError(f"profile {name} is not in the policy ({ctx.policy.describe()}); allowed: "
                            f"{ctx.policy.allowed()}")
    resolved = ctx.aws.resolve(name)
    if resolved is None:
        raise IdentityError(f"profile {name} is not defined in {ctx.aws.config_file}")
    for account in {entry.account, resolved.account} - {None}:
        if account in ctx.policy.denied_accounts:
            raise IdentityError(f"profile {name} reaches account {account}, which the policy denies")
    if entry.account and resolved.account and entry.account != resolved.account:
        raise IdentityError(f"profile {name} is declared for account {entry.account}, but {ctx.aws.config_file} "
                            f"points it at {resolved.account}")


def _credentials(ctx: Context, name: str) -> Credentials:
    from guard.aws.identity import providers

    raw = ctx.aws.profiles[name]
    if raw.has_keys() and not raw.has_role() and not raw.has_sso():  # botocore's order: keys before a process
        return providers.own_keys(raw)
    stage: list[str] = []
    creds = providers.credentials_for(ctx.aws, name, ctx.env, ctx.policy.verify_timeout, stage)
    if raw.has_role() and stage and not creds.source.startswith("AWS CLI cache"):
        cli_cache.store(raw, ctx.env, creds)  # assumed afresh: the next call is served from the cache
    return creds


def _proven(ctx: Context, name: str) -> None:
    if ctx.verifier is None:
        raise IdentityError(f"the policy asks to verify profile {name} with STS, and verification is not available")
    found = ctx.verifier(ctx.aws, name, ctx.policy.verify_timeout)
    entry = ctx.policy.entry(name)
    if found.account in ctx.policy.denied_accounts:
        raise IdentityError(f"profile {name} is live in account {found.account}, which the policy denies")
    if entry is not None and entry.account and found.account != entry.account:
        raise IdentityError(f"profile {name} is declared for account {entry.account}, but its live credentials are "
                            f"account {found.account} ({found.arn})")


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def answer_text(answer: dict[str, Any]) -> str:
    return json.dumps(answer) + os.linesep
