"""Where a profile's credentials come from, one provider per credential source (as aws-vault models it).

* an assumed role whose session the AWS CLI already cached (guard.aws.identity.cli_cache);
* an assumed role without MFA, assumed afresh from its source profile's credentials;
* anything else botocore resolves for a named profile without asking anyone:
  static keys, `credential_process`, SSO with a cached token.

No provider ever prompts: a role with `mfa_serial` and no valid cached session
is an IdentityError that tells the user which command to run in their own
terminal.
"""
from __future__ import annotations

import time

from guard.aws import variables
from guard.aws.identity import cli_cache
from guard.aws.identity.model import Credentials, IdentityError

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Mapping

    from guard.aws.config import AwsConfig, RawProfile

MAX_CHAIN = 10  # source_profile hops; botocore has no limit, a loop would never end


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
    if depth > MAX_CHAIN:
        raise IdentityError(f"profile {name}: source_profile chain is too long or loops")
    if not profile.has_role():
        return from_botocore(aws, name, stage)
    cached = cli_cache.credentials(profile, env, time.time())
    if cached is not None:
        return cached
    if profile.get("mfa_serial"):
        raise IdentityError(f"profile {name} needs MFA and the AWS CLI has no valid cached session for it",
                            login_fix(name))
    return assume_role(aws, profile, env, timeout, stage, depth)


def assume_role(aws: AwsConfig, profile: RawProfile, env: Mapping[str, str], timeout: float,
                stage: list[str], depth: int) -> Credentials:
    """AssumeRole on the source profile's credentials, with the profile's own session settings."""
    source_name = profile.get("source_profile")
    if source_name is None:
        raise IdentityError(f"profile {profile.name} uses credential_source "
                            f"{profile.get('credential_source')!r}, which the guard does not verify")
    source = own_keys(profile) if source_name == profile.name else \
        credentials_for(aws, source_name, env, timeout, stage, depth + 1)
    stage.append(f"AssumeRole {profile.get('role_arn')}")
    kwargs: dict[str, Any] = {"RoleArn": profile.get("role_arn"), "RoleSessionName": f"aws-guard-{int(time.time())}"}
    if profile.get("external_id"):
        kwargs["ExternalId"] = profile.get("external_id")
    duration = profile.get("duration_seconds") or ""
    if duration.isdigit():
        kwargs["DurationSeconds"] = int(duration)
    response = sts_client(source, region_for(aws, profile.name, env), timeout, env).assume_role(**kwargs)
    creds = response["Credentials"]
    expires = creds["Expiration"].timestamp() if hasattr(creds["Expiration"], "timestamp") else None
    return Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"], expires,
                       f"AssumeRole from profile {source_name}")


def own_keys(profile: RawProfile) -> Credentials:
    """The static keys in a profile's own sections (a role that is its own source_profile assumes it with them)."""
    key, secret = profile.get("aws_access_key_id"), profile.get("aws_secret_access_key")
    if not key or not secret:
        raise IdentityError(f"profile {profile.name} is its own source_profile but holds no keys")
    return Credentials(key, secret, profile.get("aws_session_token"), None, f"static keys of profile {profile.name}")


def from_botocore(aws: AwsConfig, name: str, stage: list[str]) -> Credentials:
    """Static keys, credential_process, SSO: botocore's own resolution for an explicit profile.

    An explicit profile drops the environment provider (botocore
    create_credential_resolver). The instance metadata provider ("iam-role") is
    taken out of this session's resolver, so a laptop never probes
    169.254.169.254 and the process environment is left alone. The files are
    the ones the guard read for this environment.
    """
    import botocore.session

    stage.append(f"resolve credentials of profile {name}")
    session = botocore.session.Session(profile=name)
    session.set_config_variable("config_file", aws.config_file)
    session.set_config_variable("credentials_file", aws.credentials_file)
    session.get_component("credential_provider").remove("iam-role")
    creds = session.get_credentials()
    if creds is None:
        raise IdentityError(f"profile {name} has no credentials botocore can find",
                            f"check `aws configure list --profile {_quote(name)}`")
    frozen = creds.get_frozen_credentials()
    expiry = getattr(creds, "_expiry_time", None)
    expires = expiry.timestamp() if expiry is not None else None
    method = getattr(creds, "method", "botocore")
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token, expires, f"{method} (profile {name})")


def region_for(aws: AwsConfig, name: str, env: Mapping[str, str]) -> str:
    profile = aws.profiles.get(name)
    region = profile.get("region") if profile is not None else None
    return region or next((env[v] for v in variables.REGION if env.get(v)), None) or "us-east-1"


def sts_client(creds: Credentials, region: str, timeout: float, env: Mapping[str, str]) -> Any:
    """An STS client on exactly these credentials, reaching the endpoint `env` names.

    botocore reads AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL and AWS_CA_BUNDLE from
    the process environment; the guard verifies for the environment it was
    given (the one its verdict cache is keyed by), so those are passed in.
    """
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                                    aws_session_token=creds.token, region_name=region)
    config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"total_max_attempts": 1})
    endpoint = next((env[v] for v in variables.STS_ENDPOINT if env.get(v)), None)
    return session.client("sts", config=config, endpoint_url=endpoint, verify=env.get(variables.CA_BUNDLE) or None)
