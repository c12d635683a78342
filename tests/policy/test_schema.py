"""guard.policy.schema: YAML text in, an immutable Policy out, or an error that says what and where; pattern syntax."""
from __future__ import annotations

import pytest

from guard.errors import ConfigError
from guard.policy import schema
from guard.policy.schema import Policy, pattern_matches
from tests.testing import REPO, Home


def _load(home: Home, text: str) -> Policy:
    path = home.write_policy(text)
    return schema.parse(path.read_text(), str(path))


@pytest.mark.parametrize("text, message", [
    ("version: 1\nprofiles:\n  CustomerA: {account: '2222', access: read-only}\n",
     "profiles.CustomerA.account: expected 12 digits, got '2222'"),
    ("version: 1\nprofiles:\n  CustomerA: {account: 222222222222}\n",
     'profiles.CustomerA.account: write the account id in quotes ("222222222222")'),
    ("version: 1\nprofiles:\n  CustomerA: {account: '222222222222', acces: read-write}\n",
     "profiles.CustomerA.acces: unknown key"),
    ("version: 1\nprofile: {}\n", "profile: unknown key"),
    ("version: 1\nprofiles:\n  CustomerA: {account: '222222222222', access: admin}\n",
     "profiles.CustomerA.access: expected one of read-only, ask-write, read-write, got 'admin'"),
    ("version: 2\nprofiles: {}\n", "version: expected 1, got 2"),
    ("profiles: {}\n", "version: expected 1, got None"),
    ("version: 1\ndenied_accounts: 999999999999\n", "denied_accounts: expected a list"),
    ("version: 1\nverify_identity: yes please\n", "verify_identity: expected true or false"),
    ("version: 1\nprofiles: [\n", "line 3, column 1: not valid YAML"),
    ("- just\n- a list\n", "expected a mapping"),
    ("version: 1\nprofiles:\n  A: {account: '222222222222', allow: [ec2]}\n",
     "profiles.A.allow[0]: expected service:operation"),
    ("version: 1\nprofiles:\n  A: {account: '222222222222', deny: ['EC2:Describe*']}\n",
     "profiles.A.deny[0]: expected service:operation in the CLI's spelling"),
    ("version: 1\nprofiles:\n  A: {account: '222222222222', deny: 'iam:*'}\n", "profiles.A.deny: expected a list"),
    ("version: 1\nprofiles:\n  A: {account: '222222222222', regions: []}\n",
     "profiles.A.regions: expected a non-empty list of region names"),
    ("version: 1\nprofiles:\n  A: {account: '222222222222', max_session_seconds: 60}\n",
     "profiles.A.max_session_seconds: expected whole seconds from 900 to 43200"),
    ("version: 1\nverify_timeout_seconds: 120\n", "verify_timeout_seconds: expected a number of seconds"),
])
def test_validation_errors_say_where_and_what(home: Home, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        _load(home, text)
    assert message in str(error.value)
    assert str(home.path / ".claude" / "aws-guard.yaml") in str(error.value)


def test_the_example_policy_is_valid_and_matches_the_issue() -> None:
    path = REPO / "config" / "policy.example.yaml"
    loaded = schema.parse(path.read_text(), str(path))
    assert {n: (r.account, r.access) for n, r in loaded.profiles.items()} == {
        "default": ("111111111111", "read-only"), "CustomerA": ("222222222222", "read-only")}
    assert loaded.denied_accounts == {"999999999999"} and loaded.verify_identity


@pytest.mark.parametrize("pattern, service, operation, hit", [
    ("ec2:describe-*", "ec2", "describe-instances", True), ("ec2:describe-*", "ec2", "run-instances", False),
    ("iam:*", "iam", "create-user", True), ("*:list-*", "s3api", "list-buckets", True),
    ("s3:ls", "s3", "ls", True), ("s3:ls", "s3api", "ls", False),
])
def test_pattern_syntax(pattern: str, service: str, operation: str, hit: bool) -> None:
    assert pattern_matches(pattern, service, operation) is hit
