"""The edge where the guard meets the machine: files, environment, policy lookup.

`context()` wires the pure core (guard.analysis) to real loaders. Nothing is
read until a decision needs it: a command with no aws call never opens the
policy or the AWS config.
"""
from __future__ import annotations

import os

from guard import policy as policies
from guard import profiles
from guard.analysis import Context

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Mapping

# Claude Code tells hooks how it was started; the SDK and `claude -p` entry points have nobody to ask.
NON_INTERACTIVE_ENTRYPOINTS = ("sdk-cli", "sdk-ts", "sdk-py", "sdk")


def context(config: str | None, env: Mapping[str, str], cwd: str, permission_mode: str = "default",
            interactive: bool | None = None) -> Context:
    env = dict(env)
    location = policies.locate(config, env, cwd)

    def load_aws() -> profiles.AwsConfig:
        return profiles.load(env)

    def load_policy() -> policies.Policy:
        return policies.load(location, lambda: _default(ctx))

    if interactive is None:
        interactive = env.get("CLAUDE_CODE_ENTRYPOINT", "cli") not in NON_INTERACTIVE_ENTRYPOINTS
    def verify(profile: str) -> object:
        from guard import (
            identity,  # boto3 is imported inside, and only on a verdict-cache miss
        )

        return identity.verify(ctx.aws, profile, env, ctx.policy.verify_timeout)

    ctx = Context(env, load_policy, load_aws, permission_mode, interactive, verifier=verify)
    return ctx


def _default(ctx: Context) -> policies.Policy:
    aws = ctx.aws

    def account_of(name: str) -> str | None:
        resolved = aws.resolve(name)
        return resolved.account if resolved else None

    return policies.default_policy([n for n in aws.names() if n not in _key_holders(aws)], account_of)


def _key_holders(aws: profiles.AwsConfig) -> set[str]:
    """Profiles that only hold the keys other profiles assume roles from (the seed's `base`).

    Left out of the built-in default: an agent should act through the roles,
    not as the IAM user behind them.
    """
    sources = {p.get("source_profile") for p in aws.profiles.values() if p.has_role()}
    return {n for n in sources if n is not None and n in aws.profiles and not aws.profiles[n].has_role()}


def cwd_or(path: str | None) -> str:
    return path if path and os.path.isdir(path) else os.getcwd()
