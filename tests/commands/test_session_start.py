"""`guard session-start`: the SessionStart hook that briefs the agent on the profiles and rules before it starts."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.testing import Home, guard

EVENT = '{"hook_event_name": "SessionStart", "source": "startup", "session_id": "s"}'


def briefing(result: subprocess.CompletedProcess[str]) -> str:
    """The additionalContext of the one JSON object a SessionStart hook must print, exit 0."""
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    data = json.loads(lines[0])
    assert list(data) == ["hookSpecificOutput"]
    out = data["hookSpecificOutput"]
    assert sorted(out) == ["additionalContext", "hookEventName"] and out["hookEventName"] == "SessionStart"
    assert isinstance(out["additionalContext"], str)
    return out["additionalContext"]


def test_session_start_briefs_the_agent(home: Home) -> None:
    home.write_policy("version: 1\nprofiles:\n  CustomerA: {account: '222222222222', access: read-only}\n"
                      "denied_accounts: ['999999999999']\n")
    result = guard("session-start", env=home.env, cwd=home.path, stdin='{"hook_event_name": "SessionStart"}')
    out = json.loads(result.stdout)["hookSpecificOutput"]
    assert out["hookEventName"] == "SessionStart"
    text = out["additionalContext"]
    assert "--profile" in text and "CustomerA: account 222222222222, read-only" in text and "999999999999" in text


def test_session_start_reports_a_broken_policy_in_the_briefing(home: Home) -> None:
    home.write_policy("version: 7\n")
    result = guard("session-start", env=home.env, cwd=home.path)
    assert result.returncode == 0
    assert "could not load its policy" in json.loads(result.stdout)["hookSpecificOutput"]["additionalContext"]


def test_session_start_lists_every_profile_with_account_and_access(home: Home, rules_policy: Path) -> None:
    text = briefing(guard("session-start", "--config", str(rules_policy), env=home.env, cwd=home.path, stdin=EVENT))
    listed = [line for line in text.splitlines() if line.startswith("  - ")]
    assert [line.split(":")[0].strip(" -") for line in listed] == [
        "Asker", "CustomerA", "Drifted", "Ghost", "Loop", "Patterned", "Prod", "Writer", "default"]
    for expected in ("  - Asker: account 111111111111, ask-write",
                     "  - CustomerA: account 222222222222, read-only",
                     "  - Writer: account 111111111111, read-write",
                     "  - default: account 111111111111, read-only"):
        assert expected in listed
    assert "`--profile NAME`" in text.splitlines()[1]


def test_session_start_shows_a_profiles_allow_deny_and_regions(home: Home, rules_policy: Path) -> None:
    text = briefing(guard("session-start", "--config", str(rules_policy), env=home.env, cwd=home.path))
    assert ("  - Patterned: account 222222222222, read-only; "
            "allow ssm:start-session, ecr:get-login-password, ssm:get-parameters-*, sts:assume-role; "
            "deny iam:*, ec2:terminate-*; regions ap-northeast-1, eu-west-1") in text.splitlines()
    assert "  - CustomerA: account 222222222222, read-only" in text.splitlines()  # nothing added where none is set


def test_session_start_names_denied_accounts_and_omits_the_line_without_any(home: Home) -> None:
    home.write_policy("version: 1\nprofiles:\n  default: {account: '111111111111'}\n"
                      "denied_accounts: ['999999999999', '000000000001']\n")
    assert "- Never use accounts 000000000001, 999999999999." in briefing(
        guard("session-start", env=home.env, cwd=home.path)).splitlines()
    home.write_policy("version: 1\nprofiles:\n  default: {account: '111111111111'}\n")
    text = briefing(guard("session-start", env=home.env, cwd=home.path))
    assert "Never use accounts" not in text and "  - default: account 111111111111, read-only" in text


def test_session_start_briefs_the_built_in_default_without_key_holders(home: Home) -> None:
    with (home.aws / "config").open("a") as config:
        config.write("[profile tool]\ncredential_process = /usr/local/bin/creds\n")
    text = briefing(guard("session-start", env=home.env, cwd=home.path))
    names = [line.split(":")[0].strip(" -") for line in text.splitlines() if line.startswith("  - ")]
    assert "base" not in names and "Access CustomerA" not in names  # they only hold keys for the roles
    assert {"default", "CustomerA", "Writer", "tool"} <= set(names)
    assert "  - CustomerA: account 222222222222, ask-write" in text
    assert "  - tool: account checked with STS, ask-write" in text


@pytest.mark.parametrize("case", ["bad version", "bad yaml", "missing config", "bad aws config", "no stdin"])
def test_session_start_always_exits_0_with_one_json_object(home: Home, tmp_path: Path, case: str) -> None:
    args: list[str] = []
    stdin: str | None = EVENT
    if case == "bad version":
        home.write_policy("version: 2\nprofiles: {}\n")
    elif case == "bad yaml":
        home.write_policy("version: 1\nprofiles: {CustomerA: [\n")
    elif case == "missing config":
        args = ["--config", str(tmp_path / "nope.yaml")]
    elif case == "bad aws config":  # the built-in default policy is made from it
        (home.aws / "config").write_text("[profile x\nregion = eu-west-1\n")
    else:
        stdin = None
    result = guard("session-start", *args, env=home.env, cwd=home.path, stdin=stdin)
    text = briefing(result)
    if case == "no stdin":
        assert "Allowed profiles" in text
    else:
        assert text.startswith("aws-guard could not load its policy (") and "Tell the user." in text
        assert "every aws call will be denied until the user fixes it" in text
    if case == "missing config":
        assert f"({tmp_path / 'nope.yaml'}: policy file not found)" in text
    assert "Traceback" not in result.stderr


def test_the_briefing_says_an_inline_aws_profile_names_the_profile(home: Home, rules_policy: Path) -> None:
    text = briefing(guard("session-start", "--config", str(rules_policy), env=home.env, cwd=home.path, stdin=EVENT))
    rule = text.splitlines()[1]
    assert "`--profile NAME`" in rule and "`AWS_PROFILE=NAME aws ...`" in rule
    assert "inherited" in rule and "default profile do not count" in rule
    # What the briefing promises is what the hook does: inline counts, inherited does not.
    inline = guard("test", "--config", str(rules_policy), "AWS_PROFILE=CustomerA aws s3 ls", env=home.env)
    inherited = guard("test", "--config", str(rules_policy), "aws s3 ls", env=dict(home.env, AWS_PROFILE="CustomerA"))
    assert (inline.returncode, inherited.returncode) == (0, 2)
