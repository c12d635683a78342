"""Identity checks against a real STS (moto's server on loopback) and the real AWS CLI."""
from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

import pytest

from tests.testing import IDENTITY_CONFIG as CONFIG
from tests.testing import IDENTITY_CREDENTIALS as CREDENTIALS
from tests.testing import IDENTITY_POLICY as POLICY
from tests.testing import Home, MotoServer, guard, hook_event, login


@pytest.fixture
def setup(home: Home, sts: MotoServer) -> Home:
    (home.aws / "config").write_text(CONFIG)
    (home.aws / "credentials").write_text(CREDENTIALS)
    home.write_policy(POLICY)
    return home


def decide(home: Home, command: str, *flags: str) -> dict:
    result = guard("test", "--json", *flags, command, env=home.env)
    assert result.returncode in (0, 2, 3), result.stderr
    return json.loads(result.stdout)


def test_a_role_in_the_declared_account_verifies_and_passes(setup: Home) -> None:
    out = decide(setup, "aws s3 ls --profile RoleB")
    assert out["decision"] == "pass", out["reason"]
    found = out["calls"][0]["identity"]
    assert found["account"] == "222222222222" and ":assumed-role/RoleReadOnly/" in found["arn"]


def test_a_profile_live_in_another_account_is_denied_naming_it(setup: Home) -> None:
    out = decide(setup, "aws s3 ls --profile keys")
    assert out["decision"] == "deny"
    assert "declared for account 222222222222" in out["reason"] and "account 123456789012" in out["reason"]


def test_mfa_profile_without_a_cached_session_is_denied_at_once_even_with_a_terminal(setup: Home) -> None:
    master, slave = pty.openpty()
    started = time.monotonic()

    def take_terminal() -> None:  # a session leader opening a tty gets it as its controlling terminal
        os.setsid()
        os.close(os.open(os.ttyname(slave), os.O_RDWR))

    process = subprocess.Popen([sys.executable, "-m", "guard", "hook"], env=setup.env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=take_terminal)
    stdout, _ = process.communicate(hook_event("aws s3 ls --profile CustomerA"), timeout=30)
    elapsed = time.monotonic() - started
    shown = os.read(master, 4096).decode() if select.select([master], [], [], 0)[0] else ""
    os.close(master)
    os.close(slave)
    reason = json.loads(stdout)["hookSpecificOutput"]["permissionDecisionReason"]
    assert "aws sts get-caller-identity --profile CustomerA" in reason
    assert "MFA" not in shown  # nothing was asked on the terminal
    assert elapsed < 10


def test_after_the_user_logs_in_with_the_cli_the_mfa_profile_passes(setup: Home) -> None:
    login(setup)
    out = decide(setup, "aws s3 ls --profile CustomerA")
    assert out["decision"] == "pass", out["reason"]
    assert "AWS CLI cache" in out["calls"][0]["identity"]["source"]


def test_a_repeat_check_needs_neither_sts_nor_boto3(home: Home) -> None:
    server = MotoServer().start()
    try:
        (home.aws / "config").write_text(CONFIG)
        (home.aws / "credentials").write_text(CREDENTIALS)
        home.write_policy(POLICY)
        home.env["AWS_ENDPOINT_URL"] = server.url
        login(home)
        assert decide(home, "aws s3 ls --profile CustomerA")["decision"] == "pass"
    finally:
        server.stop()  # from here on no STS answers
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "guard", "test", "--json",
                             "aws s3 ls --profile CustomerA"], env=home.env, capture_output=True, text=True)
    assert json.loads(result.stdout)["decision"] == "pass"
    assert json.loads(result.stdout)["calls"][0]["identity"]["cached"] is True
    assert " boto3" not in result.stderr and " botocore" not in result.stderr


def test_repointing_the_role_after_a_verified_check_is_denied(setup: Home) -> None:
    login(setup)
    assert decide(setup, "aws s3 ls --profile CustomerA")["decision"] == "pass"
    config = setup.aws / "config"
    config.write_text(CONFIG.replace("role/RoleReadOnly\nmfa_serial", "role/RoleAdmin\nmfa_serial"))
    out = decide(setup, "aws s3 ls --profile CustomerA")
    assert out["decision"] == "deny" and "no valid cached session" in out["reason"]
    config.write_text(CONFIG.replace("222222222222:role/RoleReadOnly\nmfa_serial", "444444444444:role/R\nmfa_serial"))
    out = decide(setup, "aws s3 ls --profile CustomerA")
    assert out["decision"] == "deny" and "444444444444" in out["reason"]


def test_a_hanging_credential_process_is_denied_at_the_deadline(setup: Home) -> None:
    started = time.monotonic()
    out = decide(setup, "aws s3 ls --profile slow")
    assert out["decision"] == "deny" and "timed out after 2s" in out["reason"]
    assert time.monotonic() - started < 15


def test_verdict_cache_is_private(setup: Home) -> None:
    assert decide(setup, "aws s3 ls --profile RoleB")["decision"] == "pass"
    files = list((setup.path / ".cache" / "aws-guard" / "identity").glob("*.json"))
    assert files and all(f.stat().st_mode & 0o777 == 0o600 for f in files)
