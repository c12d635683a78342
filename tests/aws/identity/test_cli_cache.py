"""guard.aws.identity.cli_cache: the AWS CLI's cache of assumed-role sessions, read the way botocore writes it."""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from guard.aws import config
from guard.aws.config import RawProfile
from guard.aws.identity import cli_cache
from tests.testing import IDENTITY_CONFIG, IDENTITY_CREDENTIALS, Home, MotoServer, aws_cli, login

ROLE = "source_profile = keys\nrole_arn = arn:aws:iam::222222222222:role/RoleReadOnly\n"
SETTINGS = {
    "plain": "",
    "session-name": "role_session_name = my-session\n",
    "external-id": "external_id = ext-123\n",
    "empty-external-id": "external_id =\n",
    "mfa": "mfa_serial = arn:aws:iam::333333333333:mfa/example.user\n",
    "duration": "duration_seconds = 900\n",
    "duration-not-a-number": "duration_seconds = soon\n",
    "everything": "role_session_name = s\nexternal_id = e\nmfa_serial = arn:aws:iam::333333333333:mfa/u\n"
                  "duration_seconds = 3600\n",
}


def profile(home: Home, name: str) -> RawProfile:
    return config.load(home.env).profiles[name]


class _Looked(Exception):
    """botocore asked its cache for this key; stop before it goes to STS or prompts."""


class _RecordingCache(dict):
    def __contains__(self, key: object) -> bool:
        raise _Looked(key)


def botocore_key(home: Home, name: str) -> str:
    """The key botocore's own assume-role provider (AssumeRoleCredentialFetcher) looks up for this profile."""
    session = botocore.session.Session(profile=name)
    session.set_config_variable("config_file", str(home.aws / "config"))
    session.set_config_variable("credentials_file", str(home.aws / "credentials"))
    provider = session.get_component("credential_provider").get_provider("assume-role")
    provider.cache = _RecordingCache()
    deferred = provider.load()
    with pytest.raises(_Looked) as looked:
        deferred.get_frozen_credentials()
    return str(looked.value.args[0])


@pytest.mark.parametrize("variant", sorted(SETTINGS))
def test_the_key_is_the_one_botocore_looks_up(home: Home, variant: str) -> None:
    (home.aws / "config").write_text(f"[profile r]\n{ROLE}{SETTINGS[variant]}")
    (home.aws / "credentials").write_text(IDENTITY_CREDENTIALS)
    assert cli_cache.key(profile(home, "r")) == botocore_key(home, "r")


def test_each_assume_role_setting_changes_the_key(home: Home) -> None:
    (home.aws / "config").write_text("".join(f"[profile {name}]\n{ROLE}{text}" for name, text in SETTINGS.items()))
    keys = {name: cli_cache.key(profile(home, name)) for name in SETTINGS}
    assert keys["duration-not-a-number"] == keys["plain"]  # botocore drops a duration it cannot read
    assert len({keys[name] for name in SETTINGS if name != "duration-not-a-number"}) == len(SETTINGS) - 1


def test_repointing_the_role_changes_the_key(home: Home) -> None:
    (home.aws / "config").write_text(f"[profile r]\n{ROLE}[profile s]\n{ROLE.replace('RoleReadOnly', 'RoleAdmin')}")
    assert cli_cache.key(profile(home, "r")) != cli_cache.key(profile(home, "s"))


@pytest.fixture
def identity_home(home: Home, sts: MotoServer) -> Home:
    (home.aws / "config").write_text(IDENTITY_CONFIG)
    (home.aws / "credentials").write_text(IDENTITY_CREDENTIALS)
    return home


def test_the_real_cli_caches_an_mfa_session_under_the_key(identity_home: Home) -> None:
    login(identity_home)
    files = sorted(p.name for p in Path(cli_cache.directory(identity_home.env)).iterdir())
    assert files == [cli_cache.key(profile(identity_home, "CustomerA")) + ".json"]
    found = cli_cache.credentials(profile(identity_home, "CustomerA"), identity_home.env, time.time())
    assert found is not None and found.token and found.access_key.startswith("ASIA")
    assert found.expires == pytest.approx(time.time() + 900, abs=60)
    assert found.source.startswith("AWS CLI cache (") and cli_cache.directory(identity_home.env) in found.source


def test_the_real_cli_caches_a_role_without_mfa_under_the_key(identity_home: Home) -> None:
    result = aws_cli("sts", "get-caller-identity", "--profile", "RoleB", env=identity_home.env)
    assert result.returncode == 0, result.stderr
    cached = Path(cli_cache.directory(identity_home.env)) / (cli_cache.key(profile(identity_home, "RoleB")) + ".json")
    assert cached.exists()
    found = cli_cache.credentials(profile(identity_home, "RoleB"), identity_home.env, time.time())
    assert found is not None
    assert found.access_key == json.loads(cached.read_text())["Credentials"]["AccessKeyId"]


def test_the_cache_directory_follows_home() -> None:
    assert cli_cache.directory({"HOME": "/home/me"}) == "/home/me/.aws/cli/cache"
    assert cli_cache.directory({"HOME": "/tmp/other"}) == "/tmp/other/.aws/cli/cache"


# -- reading a session ----------------------------------------------------------------------------

NOW = 1_795_863_847.0


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def session(expiration: Any) -> dict[str, Any]:
    return {"Credentials": {"AccessKeyId": "ASIACACHED0000000001", "SecretAccessKey": "secret",
                            "SessionToken": "token", "Expiration": expiration}}


@pytest.fixture
def role(home: Home) -> RawProfile:
    (home.aws / "config").write_text(f"[profile r]\n{ROLE}mfa_serial = arn:aws:iam::333333333333:mfa/u\n")
    return profile(home, "r")


def write(home: Home, role: RawProfile, text: str) -> Path:
    path = Path(cli_cache.directory(home.env)) / (cli_cache.key(role) + ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_session_with_time_left_is_returned(home: Home, role: RawProfile) -> None:
    path = write(home, role, json.dumps(session(iso(NOW + 3600))))
    found = cli_cache.credentials(role, home.env, NOW)
    assert found is not None
    assert (found.access_key, found.secret_key, found.token) == ("ASIACACHED0000000001", "secret", "token")
    assert found.expires == NOW + 3600 and str(path) in found.source


def test_a_session_just_over_the_margin_is_still_used(home: Home, role: RawProfile) -> None:
    write(home, role, json.dumps(session(iso(NOW + cli_cache.MARGIN + 1))))
    assert cli_cache.credentials(role, home.env, NOW) is not None


@pytest.mark.parametrize("left", [-3600, 0, cli_cache.MARGIN - 1, cli_cache.MARGIN])
def test_an_expired_or_nearly_expired_session_is_not_used(home: Home, role: RawProfile, left: float) -> None:
    write(home, role, json.dumps(session(iso(NOW + left))))
    assert cli_cache.credentials(role, home.env, NOW) is None


@pytest.mark.parametrize("text", [
    "{not json",
    "",
    "[]",
    json.dumps({"Credentials": None}),
    json.dumps({"AccessKeyId": "ASIA", "Expiration": iso(NOW + 3600)}),
    json.dumps({"Credentials": {"SecretAccessKey": "s", "Expiration": iso(NOW + 3600)}}),
    json.dumps({"Credentials": {"AccessKeyId": "ASIA", "Expiration": iso(NOW + 3600)}}),
    json.dumps({"Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "s"}}),
    json.dumps(session("next tuesday")),
])
def test_a_corrupt_or_incomplete_cache_file_is_no_session(home: Home, role: RawProfile, text: str) -> None:
    write(home, role, text)
    assert cli_cache.credentials(role, home.env, NOW) is None


def test_no_cache_file_is_no_session(home: Home, role: RawProfile) -> None:
    assert cli_cache.credentials(role, home.env, NOW) is None


def test_a_session_cached_for_another_role_is_not_used(home: Home, role: RawProfile) -> None:
    (home.aws / "config").write_text(f"[profile other]\n{ROLE.replace('RoleReadOnly', 'RoleAdmin')}")
    write(home, profile(home, "other"), json.dumps(session(iso(NOW + 3600))))
    assert cli_cache.credentials(role, home.env, NOW) is None


# -- Expiration --------------------------------------------------------------------------------------

BASE = datetime(2026, 11, 28, 11, 4, 7, tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize("text", ["2026-11-28T11:04:07Z", "2026-11-28T11:04:07.673970Z",
                                  "2026-11-28T11:04:07+00:00", "2026-11-28 11:04:07+00:00"])
def test_cache_expiration_formats(text: str) -> None:
    assert cli_cache.parse_expiration(text) == pytest.approx(1795863847, abs=1)


@pytest.mark.parametrize("text, expected", [
    ("2026-11-28T11:04:07Z", BASE),
    ("2026-11-28T11:04:07z", BASE),
    ("2026-11-28T11:04:07+00:00", BASE),
    ("2026-11-28T11:04:07+0000", BASE),
    ("2026-11-28T11:04:07", BASE),
    (" 2026-11-28T11:04:07Z\n", BASE),
    ("2026-11-28T06:04:07-05:00", BASE),
    ("2026-11-28T16:34:07+05:30", BASE),
    ("2026-11-28T11:04:07.5Z", BASE + 0.5),
    ("2026-11-28T11:04:07.673970+00:00", BASE + 0.67397),
    ("1970-01-01T00:00:00Z", 0.0),
    ("2024-02-29T23:59:59Z", datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone.utc).timestamp()),
    ("2100-03-01T00:00:00Z", datetime(2100, 3, 1, tzinfo=timezone.utc).timestamp()),
    ("1969-12-31T23:00:00Z", -3600.0),
])
def test_expiration_is_read_as_the_instant_it_names(text: str, expected: float) -> None:
    assert cli_cache.parse_expiration(text) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("value, expected", [(1795863847, 1795863847.0), (1795863847.25, 1795863847.25)])
def test_epoch_numbers_are_seconds(value: float, expected: float) -> None:
    result = cli_cache.parse_expiration(value)
    assert result == expected and isinstance(result, float)


@pytest.mark.parametrize("value", ["tomorrow", "", "2026-11-28", "2026-11-28T11:04Z", "2026-11-28T11:04:07Zjunk",
                                   "28/11/2026 11:04:07", None, True, [], {"at": 1}])
def test_garbage_is_no_expiration(value: Any) -> None:
    assert cli_cache.parse_expiration(value) is None
