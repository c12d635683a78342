"""guard.aws.identity.model: what identity verification reports to people."""
from __future__ import annotations

import time

import pytest

from guard.aws.identity.model import Identity, IdentityError


def identity(expires: float | None) -> Identity:
    return Identity("CustomerA", "222222222222", "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/s",
                    "AWS CLI cache", expires)


def test_seconds_left_counts_down_to_the_expiry() -> None:
    assert identity(10_000.0).seconds_left(now=9_400.0) == 600.0
    assert identity(10_000.0).seconds_left(now=10_060.0) == -60.0


def test_seconds_left_defaults_to_the_current_time() -> None:
    assert identity(time.time() + 900).seconds_left() == pytest.approx(900, abs=5)


def test_credentials_that_do_not_expire_have_no_seconds_left() -> None:
    assert identity(None).seconds_left() is None
    assert identity(None).seconds_left(now=1.0) is None


def test_an_identity_error_carries_the_command_that_fixes_it() -> None:
    error = IdentityError("profile CustomerA needs MFA", "run `aws sts get-caller-identity --profile CustomerA`")
    assert str(error) == "profile CustomerA needs MFA"
    assert error.fix == "run `aws sts get-caller-identity --profile CustomerA`"


def test_an_identity_error_without_a_fix_has_an_empty_one() -> None:
    error = IdentityError("STS did not answer")
    assert error.fix == "" and str(error) == "STS did not answer"


@pytest.mark.parametrize("arn, role", [
    ("arn:aws:sts::222222222222:assumed-role/RoleReadOnly/aws-guard-1", "RoleReadOnly"),
    ("arn:aws:sts::222222222222:assumed-role/RoleAdmin/RoleReadOnly", "RoleAdmin"),  # the session name never counts
    ("arn:aws:iam::222222222222:role/RoleReadOnly", "RoleReadOnly"),
    ("arn:aws:iam::222222222222:role/team/ops/RoleReadOnly", "RoleReadOnly"),
    ("arn:aws-us-gov:sts::222222222222:assumed-role/R/s", "R"),
    ("arn:aws:iam::222222222222:user/RoleReadOnly", None),
    ("arn:aws:sts::222222222222:federated-user/RoleReadOnly", None),
    ("arn:aws:iam::222222222222:root", None),
    ("not an arn", None),
])
def test_the_role_is_read_from_the_arn_sts_returns(arn: str, role: str | None) -> None:
    assert Identity("p", "222222222222", arn, "test", None).role == role
