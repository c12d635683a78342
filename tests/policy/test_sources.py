"""guard.policy.sources: where the policy comes from, the built-in default, and project files that only narrow."""
from __future__ import annotations

from pathlib import Path

import pytest

from guard import wiring
from guard.errors import ConfigError
from guard.plumbing.cache import Cache
from guard.policy import schema, sources
from guard.policy.schema import Policy
from tests.testing import Home


def _load(home: Home, text: str) -> Policy:
    return sources.load_file(str(home.write_policy(text)), Cache(str(home.path / "cache")))


def test_a_missing_explicit_policy_is_an_error(home: Home) -> None:
    with pytest.raises(ConfigError, match="policy file not found"):
        sources.load(sources.Location(explicit=str(home.path / "nope.yaml")), Cache(str(home.path / "cache")),
                     lambda: pytest.fail("no default"))


def test_lookup_order(home: Home, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / ".git").mkdir(parents=True)
    (project / "sub").mkdir()
    (project / ".claude").mkdir()
    (project / ".claude" / "aws-guard.yaml").write_text("version: 1\n")
    env = dict(home.env)
    assert sources.locate("x.yaml", dict(env, AWS_GUARD_CONFIG="y.yaml"), str(project)).explicit == "x.yaml"
    assert sources.locate(None, dict(env, AWS_GUARD_CONFIG="y.yaml"), str(project)).explicit == "y.yaml"
    found = sources.locate(None, env, str(project / "sub"))  # the git top level holds .claude/
    assert found.project == str(project / ".claude" / "aws-guard.yaml") and found.user is None
    home.write_policy("version: 1\n")
    assert sources.locate(None, env, str(project)).user == str(home.path / ".claude" / "aws-guard.yaml")


def test_without_any_policy_the_default_takes_every_configured_profile(home: Home) -> None:
    ctx = wiring.context(None, home.env, str(home.path))
    rules = ctx.policy.profiles
    assert rules["CustomerA"].account == "222222222222" and rules["CustomerA"].access == "ask-write"
    assert rules["default"].account == "111111111111"
    assert ctx.policy.verify_identity
    assert "base" not in rules and "Access CustomerA" not in rules  # key holders: act through the roles


def test_a_project_policy_can_only_narrow(home: Home) -> None:
    user = _load(home, "version: 1\nprofiles:\n  CustomerA: {account: '222222222222', access: ask-write}\n"
                       "  default: {account: '111111111111', access: read-only}\nverify_identity: false\n")
    project = schema.validate({"version": 1, "denied_accounts": ["888888888888"], "profiles": {
        "CustomerA": {"account": "222222222222", "access": "read-write"},   # cannot raise access
        "default": {"account": "333333333333", "access": "read-only"},      # cannot change the account
        "Extra": {"account": "444444444444", "access": "read-only"},        # cannot add a profile
    }}, "project.yaml")
    merged = sources.narrow(user, project)
    assert list(merged.profiles) == ["CustomerA"]
    assert merged.profiles["CustomerA"].access == "ask-write"
    assert "888888888888" in merged.denied_accounts
    assert len(merged.notes) == 2


def test_a_project_policy_cannot_switch_off_verification(home: Home) -> None:
    user = _load(home, "version: 1\nprofiles: {}\nverify_identity: true\n")
    project = schema.validate({"version": 1, "verify_identity": False}, "project.yaml")
    assert sources.narrow(user, project).verify_identity


def test_a_project_cannot_widen_allow_but_adds_deny_and_narrows_regions(home: Home) -> None:
    user = _load(home, "version: 1\nprofiles:\n  A: {account: '222222222222', access: read-only, "
                       "allow: ['ssm:start-session'], deny: ['iam:*'], regions: [eu-west-1, ap-northeast-1]}\n")
    project = schema.validate({"version": 1, "profiles": {"A": {
        "account": "222222222222", "access": "read-only", "allow": ["ssm:start-session", "ec2:run-instances"],
        "deny": ["s3:rb"], "regions": ["eu-west-1", "us-east-1"]}}}, "project.yaml")
    rule = sources.narrow(user, project).profiles["A"]
    assert rule.allow == ("ssm:start-session",)
    assert rule.deny == ("iam:*", "s3:rb")
    assert rule.regions == ("eu-west-1",)


def test_a_policy_file_that_is_not_utf8_is_a_clear_error(home: Home) -> None:
    path = home.path / ".claude" / "aws-guard.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"version: 1\n# \xff\xfe\n")
    with pytest.raises(ConfigError, match=r"aws-guard.yaml: the policy file is not UTF-8 text \(byte 13\)"):
        sources.load_file(str(path), Cache(str(home.path / "cache")))
