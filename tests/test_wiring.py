"""guard.wiring: the Context built from real files, the given environment and a real STS (moto on loopback).

The `home` fixture points this process's own environment at one HOME; the contexts here are built for
another, so anything read from os.environ instead of the given env shows.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from guard import wiring
from guard.errors import ConfigError
from tests.testing import IDENTITY_CONFIG, IDENTITY_CREDENTIALS, RULES_POLICY, Home, MotoServer, make_home

OTHER_CONFIG = """\
[profile Only]
source_profile = keys
role_arn = arn:aws:iam::777777777777:role/RoleReadOnly
[profile Static]
region = eu-west-1
"""
OTHER_CREDENTIALS = """\
[keys]
aws_access_key_id = AKIAOTHER
aws_secret_access_key = x
[Static]
aws_access_key_id = A
"""


@pytest.fixture
def other(tmp_path: Path, home: Home) -> Home:
    """A second HOME, not the one this process's environment names; `home` holds a policy of its own."""
    home.write_policy("version: 1\nprofiles:\n  CustomerA: {account: '222222222222'}\n")
    return make_home(tmp_path / "other", config=OTHER_CONFIG, credentials=OTHER_CREDENTIALS)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_building_a_context_reads_nothing_until_asked(other: Home, tmp_path: Path) -> None:
    missing = tmp_path / "not-yet.yaml"
    (other.aws / "config").write_text("[profile broken\n")
    ctx = wiring.context(str(missing), other.env, str(other.path))  # neither file is looked at yet
    assert not (other.path / ".cache").exists()
    with pytest.raises(ConfigError, match=f"^{missing}: policy file not found$"):
        ctx.policy
    with pytest.raises(ConfigError, match="cannot read the AWS config file"):
        ctx.aws


def test_the_policy_is_read_when_first_asked_and_then_kept(other: Home, tmp_path: Path) -> None:
    policy = tmp_path / "later.yaml"
    ctx = wiring.context(str(policy), other.env, str(other.path))
    policy.write_text(RULES_POLICY)  # written after the context was built
    assert ctx.policy.allowed().startswith("Asker, CustomerA")
    policy.write_text("version: 7\n")
    assert ctx.policy.allowed().startswith("Asker, CustomerA")  # loaded once per context
    with pytest.raises(ConfigError, match="version: expected 1, got 7"):
        wiring.context(str(policy), other.env, str(other.path)).policy


def test_the_given_env_decides_home_not_this_process(home: Home, other: Home) -> None:
    assert os.environ["HOME"] == str(home.path) != other.env["HOME"]
    ctx = wiring.context(None, other.env, str(other.path))
    assert ctx.aws.config_file == str(other.aws / "config")
    assert ctx.aws.names() == ["Only", "Static", "keys"]
    assert ctx.policy.describe() == "built-in default"  # `home` has a policy file; `other` has none
    assert sorted(ctx.policy.profiles) == ["Only", "Static"]
    assert ctx.env["HOME"] == other.env["HOME"]


def test_the_given_env_decides_the_aws_config_file(home: Home, other: Home, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = tmp_path / "chosen-config"
    chosen.write_text("[profile Chosen]\nrole_arn = arn:aws:iam::888888888888:role/R\nsource_profile = Chosen\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home.aws / "config"))  # this process's: must be ignored
    ctx = wiring.context(None, dict(other.env, AWS_CONFIG_FILE=str(chosen)), str(other.path))
    assert ctx.aws.config_file == str(chosen)
    assert "Chosen" in ctx.aws.names() and "CustomerA" not in ctx.aws.names()
    assert ctx.policy.profiles["Chosen"].account == "888888888888"


def test_the_given_env_decides_aws_guard_config(other: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = other.write_policy(RULES_POLICY, str(tmp_path / "chosen.yaml"))
    monkeypatch.setenv("AWS_GUARD_CONFIG", str(tmp_path / "this-process-only.yaml"))
    assert wiring.context(None, dict(other.env, AWS_GUARD_CONFIG=str(chosen)), "/").policy.sources == (str(chosen),)
    assert wiring.context(None, other.env, "/").policy.describe() == "built-in default"
    explicit = other.write_policy("version: 1\nprofiles: {}\n", str(tmp_path / "explicit.yaml"))
    assert wiring.context(str(explicit), dict(other.env, AWS_GUARD_CONFIG=str(chosen)), "/").policy.sources == (
        str(explicit),)  # --config beats the variable


@pytest.mark.parametrize("entrypoint, given, expected", [
    (None, None, True),
    ("cli", None, True),
    ("sdk-py", None, False),
    ("sdk-ts", None, False),
    ("sdk-cli", None, False),
    ("sdk-py", True, True),
    ("cli", False, False),
])
def test_interactive_follows_claude_code_entrypoint_unless_given(other: Home, monkeypatch: pytest.MonkeyPatch,
                                                                 entrypoint: str | None, given: bool | None,
                                                                 expected: bool) -> None:
    monkeypatch.setenv("CLAUDE_CODE_ENTRYPOINT", "cli" if entrypoint and entrypoint.startswith("sdk") else "sdk-py")
    env = dict(other.env, **({"CLAUDE_CODE_ENTRYPOINT": entrypoint} if entrypoint else {}))
    ctx = wiring.context(None, env, str(other.path), interactive=given)
    assert ctx.interactive is expected
    assert ctx.can_ask is expected


@pytest.mark.parametrize("mode, can_ask", [("default", True), ("acceptEdits", True), ("plan", True),
                                           ("bypassPermissions", False), ("dontAsk", False), ("auto", False)])
def test_nobody_can_be_asked_in_unprompted_permission_modes(other: Home, mode: str, can_ask: bool) -> None:
    ctx = wiring.context(None, other.env, str(other.path), permission_mode=mode)
    assert ctx.permission_mode == mode and ctx.interactive and ctx.can_ask is can_ask


def test_the_built_in_default_is_every_configured_profile_ask_write(home: Home) -> None:
    policy = wiring.context(None, home.env, str(home.path)).policy
    assert policy.describe() == "built-in default" and policy.verify_identity
    assert "base" not in policy.profiles and "Access CustomerA" not in policy.profiles  # they only hold keys
    assert sorted(policy.profiles) == ["Asker", "CustomerA", "Drifted", "Loop", "LoopBack", "Patterned", "Prod",
                                       "Writer", "default"]
    assert {rule.access for rule in policy.profiles.values()} == {"ask-write"}
    assert {name: rule.account for name, rule in policy.profiles.items() if name in ("default", "CustomerA", "Drifted")
            } == {"default": "111111111111", "CustomerA": "222222222222", "Drifted": "444444444444"}
    assert policy.denied_accounts == frozenset()


def test_the_policy_cache_lands_under_the_given_xdg_cache_home(home: Home, other: Home, rules_policy: Path) -> None:
    ctx = wiring.context(str(rules_policy), other.env, str(other.path))
    assert ctx.policy.allowed().startswith("Asker")
    cached = _files(Path(other.env["XDG_CACHE_HOME"]) / "aws-guard" / "policies")
    assert len(cached) == 1 and cached[0].stat().st_mode & 0o777 == 0o600
    assert str(rules_policy) in cached[0].read_text()
    assert _files(home.path / ".cache") == []  # this process's XDG_CACHE_HOME is untouched


def test_without_xdg_cache_home_the_cache_is_under_the_given_home(other: Home, rules_policy: Path) -> None:
    env = {k: v for k, v in other.env.items() if k != "XDG_CACHE_HOME"}
    env["XDG_CACHE_HOME"] = "relative/cache"  # the XDG spec: a relative value is ignored
    wiring.context(str(rules_policy), env, str(other.path)).policy
    assert len(_files(other.path / ".cache" / "aws-guard" / "policies")) == 1


def test_the_verdict_cache_lands_under_the_given_xdg_cache_home(home: Home, tmp_path: Path, sts: MotoServer) -> None:
    keys = make_home(tmp_path / "keys", config=IDENTITY_CONFIG, credentials=IDENTITY_CREDENTIALS)
    env = dict(keys.env, AWS_ENDPOINT_URL=sts.url)
    ctx = wiring.context(None, env, str(keys.path))
    assert ctx.verifier is not None
    found = ctx.verifier(ctx.aws, "keys", 10)
    assert (found.account, found.cached) == ("123456789012", False)  # moto's account for static keys
    verdicts = _files(keys.path / ".cache" / "aws-guard" / "identity")
    assert len(verdicts) == 1 and verdicts[0].stat().st_mode & 0o777 == 0o600
    assert oct(verdicts[0].parent.stat().st_mode & 0o777) == oct(0o700)
    again = wiring.context(None, env, str(keys.path))
    assert again.verifier is not None and again.verifier(again.aws, "keys", 10).cached
    assert _files(home.path / ".cache") == []


def test_cwd_or_takes_the_hooks_cwd_only_when_it_is_a_directory_here(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    assert wiring.cwd_or(str(tmp_path)) == str(tmp_path)
    for useless in (None, "", str(tmp_path / "gone"), str(tmp_path / "a-file")):
        assert wiring.cwd_or(useless) == os.getcwd()
