"""`guard verify` against moto's STS, with sessions made by the real AWS CLI."""
from __future__ import annotations

import json

from tests.testing import IDENTITY_CONFIG as CONFIG
from tests.testing import IDENTITY_CREDENTIALS as CREDENTIALS
from tests.testing import IDENTITY_POLICY as POLICY
from tests.testing import Home, MotoServer, guard, login


def _setup(home: Home) -> None:
    (home.aws / "config").write_text(CONFIG)
    (home.aws / "credentials").write_text(CREDENTIALS)
    home.write_policy(POLICY)


def test_verify_prints_declared_and_live_account_per_profile(home: Home, sts: MotoServer) -> None:
    _setup(home)
    login(home)
    result = guard("verify", "--profile", "CustomerA", "--profile", "RoleB", env=home.env)
    assert result.returncode == 0, result.stdout + result.stderr
    header, customer, role_b = result.stdout.splitlines()[:3]
    assert header.split() == ["PROFILE", "DECLARED", "LIVE", "STATUS", "LEFT"]
    assert customer.split()[:4] == ["CustomerA", "222222222222", "222222222222", "ok"]
    assert "m" in customer.split()[4]  # minutes left on the cached 900-second session
    assert "credentials: AWS CLI cache" in result.stdout


def test_verify_exits_non_zero_on_a_mismatch_and_names_the_live_account(home: Home, sts: MotoServer) -> None:
    _setup(home)
    result = guard("verify", "--profile", "keys", "--json", env=home.env)
    assert result.returncode == 2
    [row] = json.loads(result.stdout)
    assert (row["status"], row["declared"], row["account"]) == ("mismatch", "222222222222", "123456789012")


def test_verify_reports_profiles_it_cannot_check(home: Home, sts: MotoServer) -> None:
    _setup(home)
    result = guard("verify", "--profile", "CustomerA", env=home.env)
    assert result.returncode == 2
    assert "error" in result.stdout.splitlines()[1]
    assert "aws sts get-caller-identity --profile CustomerA" in result.stdout


def test_verify_rejects_profiles_outside_the_policy(home: Home) -> None:
    _setup(home)
    result = guard("verify", "--profile", "Nope", env=home.env)
    assert result.returncode == 1 and "Nope not in the policy" in result.stderr
