"""The AWS CLI's cache of assumed-role sessions, `~/.aws/cli/cache/<sha1>.json`: the provider for MFA roles.

CLI v1, v2 and boto3 with the CLI's cache all write there, keyed by a SHA-1 of
the AssumeRole arguments. The hook is not interactive, and botocore's MFA prompt
reads /dev/tty when there is one, so a role with `mfa_serial` is only ever
served from here. botocore would also treat cached credentials with under 15
minutes left as expired (so with `duration_seconds = 900` it never reuses
them); the guard reads the file and checks `Expiration` itself.
"""
from __future__ import annotations

import json
import os
import re
import time

try:  # the built-in SHA-1, without hashlib's OpenSSL start-up cost
    from _sha1 import sha1  # type: ignore[import-not-found]  # CPython's own module, without stubs
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import sha1

from guard.aws.identity.model import Credentials
from guard.plumbing import paths

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Mapping

    from guard.aws.config import RawProfile

MARGIN = 30.0  # seconds: a session about to expire is not worth using or vouching for


def directory(env: Mapping[str, str]) -> str:
    return os.path.join(paths.home(env), ".aws", "cli", "cache")


def key(profile: RawProfile) -> str:
    """botocore AssumeRoleCredentialFetcher._create_cache_key: SHA-1 of the sorted AssumeRole arguments.

    The session name is left out when botocore generated it; DurationSeconds is
    an int when it parses as one.
    """
    args: dict[str, Any] = {"RoleArn": profile.get("role_arn")}
    for setting, name in (("role_session_name", "RoleSessionName"), ("external_id", "ExternalId"),
                          ("mfa_serial", "SerialNumber")):
        if profile.get(setting) is not None:
            args[name] = profile.get(setting)
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
    seconds = float(_days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second)
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


def credentials(profile: RawProfile, env: Mapping[str, str], now: float) -> Credentials | None:
    """A still-valid session the AWS CLI cached for this role, or None."""
    path = os.path.join(directory(env), key(profile) + ".json")
    try:
        with open(path, encoding="utf-8") as handle:
            creds = json.load(handle)["Credentials"]
        expires = parse_expiration(creds.get("Expiration"))
        if expires is None or expires <= now + MARGIN:
            return None
        return Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds.get("SessionToken"),
                           expires, f"AWS CLI cache ({path})")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(profile: RawProfile, env: Mapping[str, str], creds: Credentials) -> None:
    """Write an assumed session where and as the AWS CLI writes it (botocore JSONFileCache), so both reuse it.

    Any error is ignored: the cache only saves an AssumeRole next time.
    """
    if creds.expires is None or not creds.token:
        return
    entry = {"Credentials": {"AccessKeyId": creds.access_key, "SecretAccessKey": creds.secret_key,
                             "SessionToken": creds.token,
                             "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(creds.expires))}}
    folder = directory(env)
    path = os.path.join(folder, key(profile) + ".json")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        tmp = f"{path}.tmp-{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entry, handle)
        os.replace(tmp, path)
    except OSError:
        return
