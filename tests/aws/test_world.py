"""guard.aws.world and the broker behind it, with the real AWS CLI and boto3 as processes, against moto's STS.

The world is generated from the identity setup of tests/testing.py (keys in 123456789012 as moto sees them; RoleB,
a role without MFA in 222222222222; CustomerA, the seed's MFA role with 900-second sessions; `keys`, declared for
222222222222 but live in 123456789012) and the policy that declares them.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guard import wiring
from guard.aws import world as worlds
from tests.testing import (
    IDENTITY_CONFIG,
    IDENTITY_CREDENTIALS,
    IDENTITY_POLICY,
    REPO,
    Home,
    MotoServer,
    aws_cli,
    guard,
    login,
)

BROKER = [sys.executable, "-m", "guard"]


def build(home: Home, policy: str = IDENTITY_POLICY) -> worlds.World:
    (home.aws / "config").write_text(IDENTITY_CONFIG)
    (home.aws / "credentials").write_text(IDENTITY_CREDENTIALS)
    home.write_policy(policy)
    ctx = wiring.context(None, home.env, str(home.path))
    return worlds.build(ctx.policy, ctx.aws, BROKER, home.env, worlds.default_folder(home.env))


@pytest.fixture
def world(home: Home, sts: MotoServer) -> worlds.World:
    return build(home)


def inside(home: Home, world: worlds.World) -> dict[str, str]:
    """The environment of a process the agent starts: the world's variables over the user's."""
    ambient = {"AWS_ACCESS_KEY_ID": "AKIAAMBIENT000000001", "AWS_SECRET_ACCESS_KEY": "ambient",
               "AWS_PROFILE": "CustomerA"}  # what Claude Code may have inherited: the world's emptied values win
    return {**home.env, **ambient, **world.environment(), "PYTHONPATH": str(REPO)}


def caller(home: Home, world: worlds.World, *profile: str) -> subprocess.CompletedProcess[str]:
    return aws_cli("sts", "get-caller-identity", *profile, env=inside(home, world))


def boto3_account(home: Home, world: worlds.World, profile: str | None) -> subprocess.CompletedProcess[str]:
    program = ("import boto3; print(boto3.Session(profile_name=%r).client('sts').get_caller_identity()['Account'])"
               % profile)
    return subprocess.run([sys.executable, "-c", program], env=inside(home, world), capture_output=True, text=True,
                          timeout=60)


# -- what the world holds ------------------------------------------------------------------------------------


def test_the_world_holds_only_declared_profiles_with_the_broker_for_credentials(home: Home) -> None:
    world = build(home, IDENTITY_POLICY.replace("  slow:      {account: \"222222222222\", access: read-only}\n", ""))
    text = Path(world.config_file).read_text()
    assert "[profile RoleB]" in text and "[profile CustomerA]" in text and "[profile keys]" in text
    assert "[profile slow]" not in text and "[default]" not in text  # undeclared, and no default to fall back to
    assert "role_arn" not in text and "aws_access_key_id" not in text and "mfa_serial" not in text
    assert "region = ap-northeast-1" in text  # CustomerA's own region is copied
    assert f"credential_process = {sys.executable} -m guard credentials --world {world.folder} RoleB" in text
    assert Path(world.credentials_file).read_text() == ""
    assert {p.stat().st_mode & 0o777 for p in Path(world.folder).iterdir()} == {0o600}


def test_a_changed_world_is_noticed(home: Home) -> None:
    world = build(home)
    assert worlds.intact(world.folder)
    with open(world.config_file, "a") as handle:
        handle.write("[profile Prod]\nrole_arn = arn:aws:iam::999999999999:role/Admin\nsource_profile = keys\n")
    assert not worlds.intact(world.folder)
    Path(world.credentials_file).write_text("[keys]\naws_access_key_id = AKIA\n")
    build(home)
    assert worlds.intact(world.folder) and Path(world.credentials_file).read_text() == ""


def test_inside_the_world_the_guard_reads_the_users_real_files(home: Home) -> None:
    world = build(home)
    real = worlds.real_environment(inside(home, world), world.folder)
    assert "AWS_CONFIG_FILE" not in real and "AWS_SHARED_CREDENTIALS_FILE" not in real  # the user set neither
    assert not any(k in real for k in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN"))  # emptied: unset
    assert real["HOME"] == str(home.path) and real["PYTHONPATH"] == str(REPO)  # the rest stays
    assert worlds.real_environment(home.env, world.folder) == home.env  # outside the world nothing changes


def test_guard_commands_run_from_inside_the_world_use_the_real_setup(home: Home, world: worlds.World) -> None:
    """`guard test` in the agent's shell judges with the real config; `guard install` there keeps the real files."""
    judged = guard("test", "aws sts get-caller-identity --profile RoleB", env=inside(home, world))
    assert judged.returncode == 0, judged.stdout + judged.stderr
    again = guard("install", env=inside(home, world), cwd=home.path)
    assert again.returncode == 0, again.stderr
    assert worlds.meta(world.folder)["real"] == {"AWS_CONFIG_FILE": None, "AWS_SHARED_CREDENTIALS_FILE": None}
    assert caller(home, world, "--profile", "RoleB").returncode == 0


# -- the real AWS CLI and boto3 inside the world -------------------------------------------------------------


def test_a_declared_role_works_through_the_cli_and_boto3(home: Home, world: worlds.World) -> None:
    done = caller(home, world, "--profile", "RoleB")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Account"] == "222222222222"
    assert boto3_account(home, world, "RoleB").stdout.strip() == "222222222222"


def test_without_a_profile_nothing_is_reached_not_even_with_ambient_keys(home: Home, world: worlds.World) -> None:
    """The inherited keys are emptied, AWS_PROFILE names the world's refusing profile, and there is no [default]."""
    done = caller(home, world)
    assert done.returncode != 0 and "Account" not in done.stdout
    assert "this call names no AWS profile" in done.stderr and "allowed: CustomerA, RoleB, keys" in done.stderr
    boto = boto3_account(home, world, None)
    assert boto.returncode != 0 and boto.stdout == "" and "--profile NAME for the AWS CLI" in boto.stderr


@pytest.mark.parametrize("profile", ["slowly", "base", "default"])
def test_a_profile_the_policy_does_not_declare_does_not_exist(home: Home, world: worlds.World, profile: str) -> None:
    done = caller(home, world, "--profile", profile)
    assert done.returncode != 0 and f"The config profile ({profile}) could not be found" in done.stderr


def test_a_profile_live_in_another_account_gets_no_credentials(home: Home, world: worlds.World) -> None:
    done = caller(home, world, "--profile", "keys")
    assert done.returncode != 0
    assert "declared for account 222222222222, but its live credentials are account 123456789012" in done.stderr


def test_an_mfa_role_is_served_once_the_user_logged_in_in_their_own_terminal(home: Home, world: worlds.World) -> None:
    started = time.monotonic()
    before = caller(home, world, "--profile", "CustomerA")
    assert before.returncode != 0 and time.monotonic() - started < 30  # at once, no prompt
    assert "run `aws sts get-caller-identity --profile CustomerA` in your own terminal" in before.stderr
    login(home)  # the real CLI, outside the world, asks for the code and caches a 900-second session
    after = caller(home, world, "--profile", "CustomerA")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["Account"] == "222222222222"


def test_a_role_assumed_by_the_broker_is_cached_the_cli_way(home: Home, world: worlds.World) -> None:
    assert caller(home, world, "--profile", "RoleB").returncode == 0
    cached = list((home.aws / "cli" / "cache").glob("*.json"))
    assert len(cached) == 1 and cached[0].stat().st_mode & 0o777 == 0o600
    # The real CLI outside the world reuses it: same session, no new AssumeRole.
    outside = aws_cli("sts", "get-caller-identity", "--profile", "RoleB", env=home.env)
    inside_arn = json.loads(caller(home, world, "--profile", "RoleB").stdout)["Arn"]
    assert json.loads(outside.stdout)["Arn"] == inside_arn


# -- the broker itself ---------------------------------------------------------------------------------------


def test_the_broker_reports_the_sessions_end_plus_botocores_refresh_window(home: Home, world: worlds.World) -> None:
    """A 900-second session through the broker is not refreshed (and refused) by botocore before it really ends."""
    login(home)
    cached = json.loads(next((home.aws / "cli" / "cache").glob("*.json")).read_text())["Credentials"]
    done = guard("credentials", "--world", world.folder, "CustomerA", env=inside(home, world))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    assert answer["Version"] == 1 and answer["AccessKeyId"] == cached["AccessKeyId"]
    from guard.aws.identity.cli_cache import parse_expiration

    assert parse_expiration(answer["Expiration"]) == pytest.approx(parse_expiration(cached["Expiration"]) + 900, abs=1)
    from botocore.credentials import ProcessProvider

    command = f"{sys.executable} -m guard credentials --world {world.folder} CustomerA"
    provider = ProcessProvider(profile_name="CustomerA", load_config=lambda: {"profiles": {"CustomerA": {
        "credential_process": command}}})
    assert not provider.load().refresh_needed()  # 15 minutes of session left: botocore would refuse them raw


def test_the_broker_refuses_an_undeclared_profile_saying_which_are_allowed(home: Home, world: worlds.World) -> None:
    done = guard("credentials", "--world", world.folder, "Prod", env=inside(home, world))
    assert done.returncode == 1 and done.stdout == ""
    assert "profile Prod is not in the policy" in done.stderr and "allowed: CustomerA, RoleB, keys, slow" in done.stderr
