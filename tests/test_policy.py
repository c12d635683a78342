"""Policy files: validation messages, lookup order, and project files that can only narrow."""
from __future__ import annotations

from pathlib import Path

import pytest

from guard import policy, workspace
from guard.errors import ConfigError
from tests.testing import REPO, Home


def _load(home: Home, text: str) -> policy.Policy:
    return policy.load_file(str(home.write_policy(text)))


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
    loaded = policy.load_file(str(REPO / "config" / "policy.example.yaml"))
    assert {n: (r.account, r.access) for n, r in loaded.profiles.items()} == {
        "default": ("111111111111", "read-only"), "CustomerA": ("222222222222", "read-only")}
    assert loaded.denied_accounts == {"999999999999"} and loaded.verify_identity


def test_a_missing_explicit_policy_is_an_error(home: Home) -> None:
    with pytest.raises(ConfigError, match="policy file not found"):
        policy.load(policy.Location(explicit=str(home.path / "nope.yaml")), lambda: pytest.fail("no default"))


def test_lookup_order(home: Home, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / ".git").mkdir(parents=True)
    (project / "sub").mkdir()
    (project / ".claude").mkdir()
    (project / ".claude" / "aws-guard.yaml").write_text("version: 1\n")
    env = dict(home.env)
    assert policy.locate("x.yaml", dict(env, AWS_GUARD_CONFIG="y.yaml"), str(project)).explicit == "x.yaml"
    assert policy.locate(None, dict(env, AWS_GUARD_CONFIG="y.yaml"), str(project)).explicit == "y.yaml"
    found = policy.locate(None, env, str(project / "sub"))  # the git top level holds .claude/
    assert found.project == str(project / ".claude" / "aws-guard.yaml") and found.user is None
    home.write_policy("version: 1\n")
    assert policy.locate(None, env, str(project)).user == str(home.path / ".claude" / "aws-guard.yaml")


def test_without_any_policy_the_default_takes_every_configured_profile(home: Home) -> None:
    ctx = workspace.context(None, home.env, str(home.path))
    rules = ctx.policy.profiles
    assert rules["CustomerA"].account == "222222222222" and rules["CustomerA"].access == "ask-write"
    assert rules["default"].account == "111111111111"
    assert ctx.policy.verify_identity
    assert "base" not in rules and "Access CustomerA" not in rules  # key holders: act through the roles


def test_a_project_policy_can_only_narrow(home: Home) -> None:
    user = _load(home, "version: 1\nprofiles:\n  CustomerA: {account: '222222222222', access: ask-write}\n"
                       "  default: {account: '111111111111', access: read-only}\nverify_identity: false\n")
    project = policy.validate({"version": 1, "denied_accounts": ["888888888888"], "profiles": {
        "CustomerA": {"account": "222222222222", "access": "read-write"},   # cannot raise access
        "default": {"account": "333333333333", "access": "read-only"},      # cannot change the account
        "Extra": {"account": "444444444444", "access": "read-only"},        # cannot add a profile
    }}, "project.yaml")
    merged = policy.narrow(user, project)
    assert list(merged.profiles) == ["CustomerA"]
    assert merged.profiles["CustomerA"].access == "ask-write"
    assert "888888888888" in merged.denied_accounts
    assert len(merged.notes) == 2


def test_a_project_policy_cannot_switch_off_verification(home: Home) -> None:
    user = _load(home, "version: 1\nprofiles: {}\nverify_identity: true\n")
    project = policy.validate({"version": 1, "verify_identity": False}, "project.yaml")
    assert policy.narrow(user, project).verify_identity


def test_a_project_cannot_widen_allow_but_adds_deny_and_narrows_regions(home: Home) -> None:
    user = _load(home, "version: 1\nprofiles:\n  A: {account: '222222222222', access: read-only, "
                       "allow: ['ssm:start-session'], deny: ['iam:*'], regions: [eu-west-1, ap-northeast-1]}\n")
    project = policy.validate({"version": 1, "profiles": {"A": {
        "account": "222222222222", "access": "read-only", "allow": ["ssm:start-session", "ec2:run-instances"],
        "deny": ["s3:rb"], "regions": ["eu-west-1", "us-east-1"]}}}, "project.yaml")
    rule = policy.narrow(user, project).profiles["A"]
    assert rule.allow == ("ssm:start-session",)
    assert rule.deny == ("iam:*", "s3:rb")
    assert rule.regions == ("eu-west-1",)


@pytest.mark.parametrize("pattern, service, operation, hit", [
    ("ec2:describe-*", "ec2", "describe-instances", True), ("ec2:describe-*", "ec2", "run-instances", False),
    ("iam:*", "iam", "create-user", True), ("*:list-*", "s3api", "list-buckets", True),
    ("s3:ls", "s3", "ls", True), ("s3:ls", "s3api", "ls", False),
])
def test_pattern_syntax(pattern: str, service: str, operation: str, hit: bool) -> None:
    assert policy.pattern_matches(pattern, service, operation) is hit
