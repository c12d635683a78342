"""Prove with STS GetCallerIdentity who a profile's live credentials really are, within a deadline.

The credentials come from guard.aws.identity.providers, never by prompting.
Verdicts are cached (bucket "identity" of the cache the caller gives) under a
key made of everything that decides the identity: the profile's resolved
sections and source chain, the cached session's key id and expiry, and the
endpoint settings. A repeat check for an unchanged profile makes no STS call
and does not import boto3. Failures are never cached.
"""
from __future__ import annotations

import json
import time

from guard.aws import variables
from guard.aws.identity import cli_cache
from guard.aws.identity.model import Identity, IdentityError
from guard.aws.identity.providers import credentials_for, region_for, sts_client

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping, TypeVar

    from guard.aws.config import AwsConfig, RawProfile
    from guard.plumbing.cache import Cache

    T = TypeVar("T")

DEFAULT_TIMEOUT = 5.0
STATIC_TTL = 3600.0  # keys that never expire are re-verified hourly (they can be revoked or re-pointed)
# Left out of cache keys (they are stored in the entry); the key id beside them decides the identity.
SECRET_KEYS = frozenset({"aws_secret_access_key", "aws_session_token", "aws_security_token"})


def fingerprint(aws: AwsConfig, name: str, env: Mapping[str, str]) -> str:
    """Everything that decides which identity `--profile name` gets."""
    parts: list[str] = [name]
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen:
        seen.add(current)
        profile = aws.profiles.get(current)
        if profile is None:
            break
        public = {k: v for k, v in profile.settings.items() if k not in SECRET_KEYS}
        parts.append(json.dumps(public, sort_keys=True))
        if profile.has_role():
            parts.append(_cli_cache_stamp(profile, env))
        current = profile.get("source_profile") if profile.has_role() else None
    parts.extend(f"{k}={env.get(k, '')}" for k in variables.ENDPOINT)
    parts.append(aws.config_file)
    return "\0".join(parts)


def _cli_cache_stamp(profile: RawProfile, env: Mapping[str, str]) -> str:
    creds = cli_cache.credentials(profile, env, time.time())
    return f"cli-cache:{creds.access_key}:{creds.expires}" if creds else "cli-cache:none"


def verify(aws: AwsConfig, name: str, env: Mapping[str, str], cache: Cache, timeout: float = DEFAULT_TIMEOUT,
           fresh: bool = False) -> Identity:
    """Who `--profile name` really is; raises IdentityError when that cannot be proven in time.

    `fresh` skips the verdict cache (guard verify asks STS every time) but still refreshes it.
    """
    key = fingerprint(aws, name, env)
    hit = None if fresh else cache.get("identity", key)
    now = time.time()
    if isinstance(hit, dict) and (hit.get("expires") is None or hit["expires"] > now + cli_cache.MARGIN):
        return Identity(name, hit["account"], hit["arn"], hit["source"], hit.get("expires"), cached=True)
    stage: list[str] = []
    found = within(timeout, lambda: _verify_now(aws, name, env, timeout, stage), stage)
    expires = found.expires if found.expires is not None else now + STATIC_TTL
    cache.put("identity", key, {"account": found.account, "arn": found.arn, "source": found.source,
                                "expires": expires})
    return found


def _verify_now(aws: AwsConfig, name: str, env: Mapping[str, str], timeout: float, stage: list[str]) -> Identity:
    creds = credentials_for(aws, name, env, timeout, stage)
    stage.append(f"GetCallerIdentity for profile {name}")
    answer = sts_client(creds, region_for(aws, name, env), timeout, env).get_caller_identity()
    return Identity(name, answer["Account"], answer["Arn"], creds.source, creds.expires)


def within(timeout: float, work: Callable[[], T], stage: list[str]) -> T:
    """Run `work` with a hard deadline: botocore has none for credential_process, SSO or a dead endpoint.

    The worker is a daemon thread, so a hung credential process cannot keep
    the hook alive past its answer.
    """
    import threading

    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as error:  # handed to the caller's thread
            box["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        doing = stage[-1] if stage else "starting"
        raise IdentityError(f"identity check timed out after {timeout:g}s while doing: {doing}")
    if "error" in box:
        raise _explain(box["error"])
    return box["value"]


def _explain(error: BaseException) -> BaseException:
    if isinstance(error, IdentityError):
        return error
    name = type(error).__name__
    text = str(error).splitlines()[0] if str(error) else name
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError"):
        return IdentityError(f"cannot reach STS ({text})")
    if name in ("ClientError", "NoCredentialsError", "PartialCredentialsError", "ProfileNotFound",
                "SSOTokenLoadError", "UnauthorizedSSOTokenError", "CredentialRetrievalError",
                "InvalidConfigError"):
        return IdentityError(f"{name}: {text}")
    return error
