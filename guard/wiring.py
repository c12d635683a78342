"""The edge where the guard meets the machine: it builds the Context the pure core decides with.

The loaders it hands over read the real files (the policy, the AWS config),
the real cache under $XDG_CACHE_HOME and the real STS, for the environment
and directory given. Nothing is read until a decision needs it: a command with
no aws call never opens the policy or the AWS config.
"""
from __future__ import annotations

import os

from guard.aws import config as aws_config
from guard.claude import protocol
from guard.plumbing import paths
from guard.plumbing.cache import Cache
from guard.policy import sources
from guard.policy.model import Context

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Callable, Mapping

    from guard.aws.config import AwsConfig
    from guard.aws.identity.model import Identity
    from guard.policy.schema import Policy


def context(config: str | None, env: Mapping[str, str], cwd: str, permission_mode: str = "default",
            interactive: bool | None = None) -> Context:
    """The context for deciding commands run in `cwd` with `env`; `config` is an explicit policy file."""
    env = dict(env)
    location = sources.locate(config, env, cwd)
    cache = Cache(paths.cache_dir(env))

    def load_policy(aws: Callable[[], AwsConfig]) -> Policy:
        return sources.load(location, cache, aws)

    def verify(aws: AwsConfig, profile: str, timeout: float) -> Identity:
        from guard.aws.identity import verification  # boto3 is imported inside, and only on a verdict-cache miss

        return verification.verify(aws, profile, env, cache, timeout)

    return Context(env, lambda: aws_config.load(env), load_policy, verify, permission_mode,
                   protocol.interactive(env) if interactive is None else interactive)


def cwd_or(path: str | None) -> str:
    """The hook's `cwd` when it is a directory here, else this process's."""
    return path if path and os.path.isdir(path) else os.getcwd()


def policy_location(env: Mapping[str, str], cwd: str) -> sources.Location:
    """Which policy files apply in `cwd` with `env`, without an explicit --config."""
    return sources.locate(None, env, cwd)
