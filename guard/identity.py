"""Prove with STS GetCallerIdentity who a profile's live credentials really are.

One provider per credential source (as aws-vault does it):

* an assumed role whose session the AWS CLI already cached in
  `~/.aws/cli/cache/<sha1>.json` (CLI v1, v2 and boto3 with the CLI's cache all
  write there, keyed by a SHA-1 of the AssumeRole arguments);
* an assumed role without MFA, assumed afresh from its source profile;
* anything else botocore resolves for a named profile without asking anyone:
  static keys, `credential_process`, SSO with a cached token.

The hook is not interactive, and botocore's MFA prompt reads /dev/tty when
there is one, so a role with `mfa_serial` is only ever served from the CLI's
cache: with none valid, the user is told to run one command in their own
terminal. botocore would also treat cached credentials with under 15 minutes
left as expired (so with `duration_seconds = 900` it never reuses them); the
guard reads the cache file and checks `Expiration` itself.

Verdicts are cached (guard.cache, bucket "identity") under a key made of
everything that decides the identity: the profile's resolved sections and
source chain, the cached session's key id and expiry, and the endpoint
settings. A repeat check for an unchanged profile makes no STS call and does
not import boto3. Failures are never cached.
"""
from __future__ import annotations

import json
import os
import re
import time

try:  # the built-in SHA-1, without hashlib's OpenSSL start-up cost
    from _sha1 import sha1
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import sha1

from guard import cache, paths
from guard.profiles import AwsConfig, RawProfile
from guard.record import record

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping, TypeVar

    T = TypeVar("T")

DEFAULT_TIMEOUT = 5.0
CACHE_MARGIN = 30.0  # seconds: a session about to expire is not worth a verdict
STATIC_TTL = 3600.0  # keys that never expire are re-verified hourly (they can be revoked or re-pointed)
# Left out of cache keys (they are stored in the entry); the key id beside them decides the identity.
SECRET_KEYS = frozenset({"aws_secret_access_key", "aws_session_token", "aws_security_token"})
ENDPOINT_VARS = ("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE", "AWS_USE_FIPS_ENDPOINT")


class IdentityError(Exception):
    """Verification could not be done; `fix` is what the user can run."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


@record(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    token: str | None
    expires: float | None  # epoch seconds; None: does not expire
    source: str  # where they came from, for people


@record(frozen=True)
class Identity:
    profile: str
    account: str
    arn: str
    source: str
    expires: float | None
    cached: bool = False

    def seconds_left(self, now: float | None = None) -> float | None:
        return None if self.expires is None else self.expires - (now or time.time())


# -- the CLI's assumed-role cache ---------------------------------------------------


def cli_cache_dir(env: Mapping[str, str]) -> str:
    home = paths.home(env)
    return os.path.join(home, ".aws", "cli", "cache")


def cli_cache_key(profile: RawProfile) -> str:
    """botocore AssumeRoleCredentialFetcher._create_cache_key: SHA-1 of the sorted AssumeRole arguments.

    The session name is left out when botocore generated it; DurationSeconds is
    an int when it parses as one.
    """
    args: dict[str, Any] = {"RoleArn": profile.get("role_arn")}
    for key, name in (("role_session_name", "RoleSessionName"), ("external_id", "ExternalId"),
                      ("mfa_serial", "SerialNumber")):
        if profile.get(key) is not None:
            args[name] = profile.get(key)
    duration = profile.get("duration_seconds")
    if duration is not None:
        try:
            args["DurationSeconds"] = int(duration)
        except ValueError:
            pass
    digest = sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()
    return digest.replace(":", "_").replace(os.sep, "_").replace("/", "_")


_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(\.\d+)?(Z|z|[+-]\d\d:?\d\d)?$")


def parse_expiration(value: Any) -> float | None:
    """`Expiration` is ISO 8601 with `Z` or `+00:00`, with or without fractions, or epoch seconds.

    Parsed by hand: the datetime module costs start-up time on every cache hit.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = _ISO.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    seconds += float(match.group(7) or 0)
    zone = match.group(8) or "Z"
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        seconds -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return float(seconds)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def from_cli_cache(profile: RawProfile, env: Mapping[str, str], now: float) -> Credentials | None:
    """A still-valid session the AWS CLI cached for this role, or None."""
    path = os.path.join(cli_cache_dir(env), cli_cache_key(profile) + ".json")
    try:
        with open(path, encoding="utf-8") as handle:
            creds = json.load(handle)["Credentials"]
        expires = parse_expiration(creds.get("Expiration"))
        if expires is None or expires <= now + CACHE_MARGIN:
            return None
        return Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds.get("SessionToken"),
                           expires, f"AWS CLI cache ({path})")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


# -- resolving credentials -------------------------------------------------------------


def login_fix(name: str) -> str:
    return f"run `aws sts get-caller-identity --profile {_quote(name)}` in your own terminal (it asks for the MFA " \
           "code and fills the CLI's cache), then retry"


def _quote(name: str) -> str:
    return name if name.replace("-", "").replace("_", "").isalnum() else f"'{name}'"


def credentials_for(aws: AwsConfig, name: str, env: Mapping[str, str], timeout: float,
                    stage: list[str], depth: int = 0) -> Credentials:
    """The credentials a call with `--profile name` runs on, found without prompting."""
    profile = aws.profiles.get(name)
    if profile is None:
        raise IdentityError(f"profile {name} is not defined in {aws.config_file}")
    if depth > 10:
        raise IdentityError(f"profile {name}: source_profile chain is too long or loops")
    if not profile.has_role():
        return _from_botocore(name, env, timeout, stage)
    cached = from_cli_cache(profile, env, time.time())
    if cached is not None:
        return cached
    if profile.get("mfa_serial"):
        raise IdentityError(f"profile {name} needs MFA and the AWS CLI has no valid cached session for it",
                            login_fix(name))
    return _assume(aws, profile, env, timeout, stage, depth)


def _assume(aws: AwsConfig, profile: RawProfile, env: Mapping[str, str], timeout: float,
            stage: list[str], depth: int) -> Credentials:
    source_name = profile.get("source_profile")
    if source_name is None:
        raise IdentityError(f"profile {profile.name} uses credential_source "
                            f"{profile.get('credential_source')!r}, which the guard does not verify")
    source = credentials_for(aws, source_name, env, timeout, stage, depth + 1)
    stage.append(f"AssumeRole {profile.get('role_arn')}")
    kwargs: dict[str, Any] = {"RoleArn": profile.get("role_arn"), "RoleSessionName": f"aws-guard-{int(time.time())}"}
    if profile.get("external_id"):
        kwargs["ExternalId"] = profile.get("external_id")
    duration = profile.get("duration_seconds") or ""
    if duration.isdigit():
        kwargs["DurationSeconds"] = int(duration)
    response = _sts(source, _region(aws, profile.name, env), timeout).assume_role(**kwargs)
    creds = response["Credentials"]
    expires = creds["Expiration"].timestamp() if hasattr(creds["Expiration"], "timestamp") else None
    return Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"], expires,
                       f"AssumeRole from profile {source_name}")


def _from_botocore(name: str, env: Mapping[str, str], timeout: float, stage: list[str]) -> Credentials:
    """Static keys, credential_process, SSO: botocore's own resolution for an explicit profile.

    An explicit profile drops the environment provider (botocore
    create_credential_resolver); the instance metadata provider is switched
    off so a laptop never probes 169.254.169.254.
    """
    import botocore.session

    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    stage.append(f"resolve credentials of profile {name}")
    session = botocore.session.Session(profile=name)
    creds = session.get_credentials()
    if creds is None:
        raise IdentityError(f"profile {name} has no credentials botocore can find",
                            f"check `aws configure list --profile {_quote(name)}`")
    frozen = creds.get_frozen_credentials()
    expiry = getattr(creds, "_expiry_time", None)
    expires = expiry.timestamp() if expiry is not None else None
    method = getattr(creds, "method", "botocore")
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token, expires, f"{method} (profile {name})")


def _region(aws: AwsConfig, name: str, env: Mapping[str, str]) -> str:
    profile = aws.profiles.get(name)
    region = profile.get("region") if profile is not None else None
    return region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"


def _sts(creds: Credentials, region: str, timeout: float) -> Any:
    """An STS client on exactly these credentials; endpoints come from AWS_ENDPOINT_URL(_STS)."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                                    aws_session_token=creds.token, region_name=region)
    config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"total_max_attempts": 1})
    return session.client("sts", config=config)


# -- verification with a deadline and a verdict cache ------------------------------------


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
    parts.extend(f"{k}={env.get(k, '')}" for k in ENDPOINT_VARS)
    parts.append(aws.config_file)
    return "\0".join(parts)


def _cli_cache_stamp(profile: RawProfile, env: Mapping[str, str]) -> str:
    creds = from_cli_cache(profile, env, time.time())
    return f"cli-cache:{creds.access_key}:{creds.expires}" if creds else "cli-cache:none"


def verify(aws: AwsConfig, name: str, env: Mapping[str, str], timeout: float = DEFAULT_TIMEOUT,
           fresh: bool = False) -> Identity:
    """Who `--profile name` really is; raises IdentityError when that cannot be proven in time.

    `fresh` skips the verdict cache (guard verify asks STS every time) but still refreshes it.
    """
    key = fingerprint(aws, name, env)
    hit = None if fresh else cache.get("identity", key)
    now = time.time()
    if isinstance(hit, dict) and (hit.get("expires") is None or hit["expires"] > now + CACHE_MARGIN):
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
    answer = _sts(creds, _region(aws, name, env), timeout).get_caller_identity()
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
