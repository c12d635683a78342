"""guard.aws.identity.providers: where a profile's credentials come from, against a real STS (moto on loopback)."""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from guard.aws import config
from guard.aws.config import AwsConfig
from guard.aws.identity import cli_cache, providers
from guard.aws.identity.model import Credentials, IdentityError
from tests.testing import IDENTITY_CONFIG, IDENTITY_CREDENTIALS, Home, MotoServer, login

CLOSED = "http://127.0.0.1:9"  # nothing listens: a case that must not reach STS fails fast if it tries
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
MORE = """\
[profile Customer A]
source_profile = keys
role_arn = arn:aws:iam::222222222222:role/RoleReadOnly
mfa_serial = arn:aws:iam::333333333333:mfa/example.user
[profile onhost]
role_arn = arn:aws:iam::222222222222:role/RoleReadOnly
credential_source = Ec2InstanceMetadata
[profile Loop]
source_profile = LoopBack
role_arn = arn:aws:iam::111111111111:role/RoleA
[profile LoopBack]
source_profile = Loop
role_arn = arn:aws:iam::111111111111:role/RoleA
[profile orphan]
source_profile = missing
role_arn = arn:aws:iam::222222222222:role/RoleReadOnly
[profile Long]
source_profile = keys
role_arn = arn:aws:iam::222222222222:role/RoleReadOnly
duration_seconds = 1800
external_id = ext-123
[profile inline]
aws_access_key_id = AKIAINLINEKEY0000001
aws_secret_access_key = inline-secret
[profile nothing]
region = eu-west-1
"""


def write_setup(home: Home, extra: str = "") -> AwsConfig:
    (home.aws / "config").write_text(IDENTITY_CONFIG + MORE + extra)
    (home.aws / "credentials").write_text(IDENTITY_CREDENTIALS)
    return config.load(home.env)


@pytest.fixture
def offline(home: Home, monkeypatch: pytest.MonkeyPatch) -> AwsConfig:
    """The identity profiles, with every endpoint closed: these cases must be decided without STS."""
    home.env["AWS_ENDPOINT_URL"] = CLOSED
    monkeypatch.setenv("AWS_ENDPOINT_URL", CLOSED)
    return write_setup(home)


@pytest.fixture
def online(home: Home, sts: MotoServer) -> AwsConfig:
    return write_setup(home)


def resolve(aws: AwsConfig, home: Home, name: str, stage: list[str] | None = None) -> Credentials:
    return providers.credentials_for(aws, name, home.env, 5, stage if stage is not None else [])


def caller(creds: Credentials, home: Home, region: str = "us-east-1") -> dict:
    return providers.sts_client(creds, region, 5, home.env).get_caller_identity()


# -- static keys through botocore ---------------------------------------------------------------------

def test_static_keys_come_from_the_credentials_file(offline: AwsConfig, home: Home) -> None:
    stage: list[str] = []
    creds = resolve(offline, home, "keys", stage)
    assert (creds.access_key, creds.secret_key, creds.token, creds.expires) == (
        KEY_ID, "wJalrXUtnFEMIEXAMPLEKEY", None, None)
    assert creds.source == "shared-credentials-file (profile keys)"
    assert stage == ["resolve credentials of profile keys"]


def test_static_keys_in_the_config_file_say_so(offline: AwsConfig, home: Home) -> None:
    creds = resolve(offline, home, "inline")
    assert creds.access_key == "AKIAINLINEKEY0000001" and creds.source == "config-file (profile inline)"


def test_keys_in_the_environment_do_not_replace_an_explicit_profile(offline: AwsConfig, home: Home,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFROMENVIRONMENT1")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    assert resolve(offline, home, "keys").access_key == KEY_ID


def test_a_profile_without_any_credentials_is_refused_with_a_fix(offline: AwsConfig, home: Home) -> None:
    with pytest.raises(IdentityError, match="profile nothing has no credentials") as raised:
        resolve(offline, home, "nothing")
    assert raised.value.fix == "check `aws configure list --profile nothing`"


# -- MFA roles: only from the AWS CLI's cache ---------------------------------------------------------

def test_an_mfa_role_is_served_from_the_cli_cache_without_sts(online: AwsConfig, home: Home) -> None:
    login(home)
    stage: list[str] = []
    creds = resolve(online, home, "CustomerA", stage)
    assert stage == []  # neither botocore nor AssumeRole
    assert creds.source.startswith("AWS CLI cache (" + cli_cache.directory(home.env))
    assert creds.expires is not None and creds.expires > time.time() + 600
    found = caller(creds, home, "ap-northeast-1")
    assert found["Account"] == "222222222222" and ":assumed-role/RoleReadOnly/" in found["Arn"]


def test_an_mfa_role_without_a_cached_session_tells_the_user_what_to_run(offline: AwsConfig, home: Home) -> None:
    stage: list[str] = []
    started = time.monotonic()
    with pytest.raises(IdentityError, match="needs MFA and the AWS CLI has no valid cached session") as raised:
        resolve(offline, home, "CustomerA", stage)
    assert time.monotonic() - started < 5 and stage == []
    assert raised.value.fix.startswith("run `aws sts get-caller-identity --profile CustomerA` in your own terminal")


def test_the_fix_quotes_a_profile_name_with_a_space(offline: AwsConfig, home: Home) -> None:
    with pytest.raises(IdentityError) as raised:
        resolve(offline, home, "Customer A")
    assert "`aws sts get-caller-identity --profile 'Customer A'`" in raised.value.fix


def test_an_expired_cached_session_is_not_used_for_an_mfa_role(offline: AwsConfig, home: Home) -> None:
    path = Path(cli_cache.directory(home.env)) / (cli_cache.key(offline.profiles["CustomerA"]) + ".json")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"Credentials": {"AccessKeyId": "ASIAOLD", "SecretAccessKey": "s", "SessionToken": "t",
                                                "Expiration": "2020-01-01T00:00:00Z"}}))
    with pytest.raises(IdentityError, match="needs MFA"):
        resolve(offline, home, "CustomerA")


# -- roles without MFA: assumed afresh -------------------------------------------------------------------

def test_a_role_without_mfa_is_assumed_from_its_source_profile(online: AwsConfig, home: Home) -> None:
    stage: list[str] = []
    creds = resolve(online, home, "RoleB", stage)
    assert stage == ["resolve credentials of profile keys", "AssumeRole arn:aws:iam::222222222222:role/RoleReadOnly"]
    assert creds.source == "AssumeRole from profile keys"
    assert creds.token and creds.access_key != KEY_ID
    assert creds.expires is not None and creds.expires > time.time()
    found = caller(creds, home)
    assert found["Account"] == "222222222222" and "/RoleReadOnly/aws-guard-" in found["Arn"]


def test_assuming_a_role_uses_its_duration(online: AwsConfig, home: Home) -> None:
    creds = resolve(online, home, "Long")
    assert creds.expires == pytest.approx(time.time() + 1800, abs=120)


def test_a_session_the_cli_cached_for_a_role_without_mfa_is_reused(offline: AwsConfig, home: Home) -> None:
    path = Path(cli_cache.directory(home.env)) / (cli_cache.key(offline.profiles["RoleB"]) + ".json")
    path.parent.mkdir(parents=True)
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    path.write_text(json.dumps({"Credentials": {"AccessKeyId": "ASIACACHED", "SecretAccessKey": "s",
                                                "SessionToken": "t", "Expiration": expires}}))
    stage: list[str] = []
    assert resolve(offline, home, "RoleB", stage).access_key == "ASIACACHED" and stage == []


def test_a_chain_of_max_chain_roles_is_followed(home: Home, sts: MotoServer) -> None:
    chain = "".join(f"[profile hop{i}]\nsource_profile = {f'hop{i + 1}' if i + 1 < providers.MAX_CHAIN else 'keys'}\n"
                    f"role_arn = arn:aws:iam::222222222222:role/Hop{i}\n" for i in range(providers.MAX_CHAIN))
    stage: list[str] = []
    creds = resolve(write_setup(home, chain), home, "hop0", stage)
    assert len([s for s in stage if s.startswith("AssumeRole")]) == providers.MAX_CHAIN
    assert "/Hop0/" in caller(creds, home)["Arn"]


# -- what is refused ---------------------------------------------------------------------------------------

def test_a_credential_source_role_is_refused(offline: AwsConfig, home: Home) -> None:
    with pytest.raises(IdentityError, match="profile onhost uses credential_source 'Ec2InstanceMetadata'"):
        resolve(offline, home, "onhost")


def test_a_source_profile_loop_is_refused_without_calling_sts(offline: AwsConfig, home: Home) -> None:
    stage: list[str] = []
    with pytest.raises(IdentityError, match="source_profile chain is too long or loops"):
        resolve(offline, home, "Loop", stage)
    assert stage == []


def test_a_chain_longer_than_max_chain_is_refused(offline: AwsConfig, home: Home) -> None:
    hops = providers.MAX_CHAIN + 1
    chain = "".join(f"[profile hop{i}]\nsource_profile = {f'hop{i + 1}' if i + 1 < hops else 'keys'}\n"
                    f"role_arn = arn:aws:iam::222222222222:role/Hop{i}\n" for i in range(hops))
    with pytest.raises(IdentityError, match="too long or loops"):
        resolve(write_setup(home, chain), home, "hop0")


def test_an_unknown_profile_is_refused_naming_the_config_file(offline: AwsConfig, home: Home) -> None:
    with pytest.raises(IdentityError, match=re.escape(f"profile Ghost is not defined in {home.aws / 'config'}") + "$"):
        resolve(offline, home, "Ghost")


def test_a_role_whose_source_profile_is_missing_is_refused_naming_it(offline: AwsConfig, home: Home) -> None:
    with pytest.raises(IdentityError, match="profile missing is not defined in"):
        resolve(offline, home, "orphan")


# -- region -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, env, region", [
    ("CustomerA", {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"}, "ap-northeast-1"),
    ("onhost", {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"}, "eu-west-1"),
    ("onhost", {"AWS_REGION": "", "AWS_DEFAULT_REGION": "eu-west-2"}, "eu-west-2"),
    ("onhost", {"AWS_DEFAULT_REGION": "eu-west-2"}, "eu-west-2"),
    ("onhost", {}, "us-east-1"),
    ("Ghost", {"AWS_REGION": "sa-east-1"}, "sa-east-1"),
])
def test_region_precedence(offline: AwsConfig, name: str, env: dict[str, str], region: str) -> None:
    assert providers.region_for(offline, name, env) == region


# -- botocore on the guard's files, without touching the process ----------------------------------------------

def test_from_botocore_leaves_the_process_environment_alone(offline: AwsConfig) -> None:
    before = dict(os.environ)
    providers.from_botocore(offline, "keys", [])
    assert dict(os.environ) == before


def test_from_botocore_reads_the_files_of_the_config_it_is_given(offline: AwsConfig, home: Home,
                                                               tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "config").write_text("[profile keys]\nregion = eu-west-1\n[profile only-here]\n"
                                      "aws_access_key_id = AKIAONLYHERE00000001\naws_secret_access_key = o\n")
    (elsewhere / "credentials").write_text("[keys]\naws_access_key_id = AKIAELSEWHERE0000001\n"
                                           "aws_secret_access_key = e\n")
    env = dict(home.env, AWS_CONFIG_FILE=str(elsewhere / "config"),
               AWS_SHARED_CREDENTIALS_FILE=str(elsewhere / "credentials"))
    before = dict(os.environ)
    moved = config.load(env)
    assert providers.from_botocore(moved, "keys", []).access_key == "AKIAELSEWHERE0000001"
    assert providers.from_botocore(moved, "only-here", []).access_key == "AKIAONLYHERE00000001"
    assert providers.from_botocore(offline, "keys", []).access_key == KEY_ID  # ~/.aws, as its own config says
    assert dict(os.environ) == before


def test_from_botocore_ignores_file_variables_of_the_process(offline: AwsConfig, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other-credentials"
    other.write_text("[keys]\naws_access_key_id = AKIAPROCESSENV000001\naws_secret_access_key = p\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(other))
    assert providers.from_botocore(offline, "keys", []).access_key == KEY_ID


def test_sts_is_reached_where_the_given_environment_says(online: AwsConfig, home: Home,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The verdict cache is keyed by the given env's endpoint, so that is the endpoint asked, not this process's."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # a closed port: the wrong choice fails fast
    creds = resolve(online, home, "RoleB")
    assert caller(creds, home)["Account"] == "222222222222"


def test_a_role_that_is_its_own_source_profile_is_assumed_with_its_own_keys(home: Home, sts: MotoServer) -> None:
    """botocore allows `source_profile` to name the profile itself when it holds keys: one AssumeRole on them."""
    own = ("[profile self]\nrole_arn = arn:aws:iam::222222222222:role/RoleReadOnly\nsource_profile = self\n"
           "aws_access_key_id = AKIAOWNKEY0000000001\naws_secret_access_key = own-secret\n")
    stage: list[str] = []
    creds = resolve(write_setup(home, own), home, "self", stage)
    assert stage == ["AssumeRole arn:aws:iam::222222222222:role/RoleReadOnly"]
    assert creds.source == "AssumeRole from profile self"
    assert ":assumed-role/RoleReadOnly/" in caller(creds, home)["Arn"]


def test_a_role_that_is_its_own_source_without_keys_is_refused(offline: AwsConfig, home: Home) -> None:
    own = "[profile bare]\nrole_arn = arn:aws:iam::222222222222:role/R\nsource_profile = bare\n"
    with pytest.raises(IdentityError, match="profile bare is its own source_profile but holds no keys"):
        resolve(write_setup(home, own), home, "bare")
