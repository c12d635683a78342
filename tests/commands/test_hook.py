"""`guard hook` as Claude Code runs it: a separate process, the event JSON on stdin."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.testing import Home, guard, hook_event


def _decision(stdout: str) -> dict:
    out = json.loads(stdout)["hookSpecificOutput"]
    assert out["hookEventName"] == "PreToolUse"
    return out


def run_hook(home: Home, event: str, *args: str, **env: str):
    result = guard("hook", *args, env=dict(home.env, **env), stdin=event)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.mark.parametrize("command", ["git status", "npm test", "grep -rn aws src/ | head", "echo 'aws s3 ls'",
                                     "git commit -m \"$(cat <<'EOF'\nmention aws s3 ls here\nEOF\n)\""])
def test_commands_without_aws_calls_pass_silently(home: Home, rules_policy: Path, command: str) -> None:
    result = run_hook(home, hook_event(command), "--config", str(rules_policy))
    assert result.stdout == ""


def test_aws_call_without_profile_is_denied_with_a_reason_naming_profile(home: Home, rules_policy: Path) -> None:
    result = run_hook(home, hook_event("aws s3 ls"), "--config", str(rules_policy))
    out = _decision(result.stdout)
    assert out["permissionDecision"] == "deny"
    assert "--profile" in out["permissionDecisionReason"] and "CustomerA" in out["permissionDecisionReason"]


def test_allowed_call_passes_silently_and_never_prints_allow(home: Home, rules_policy: Path) -> None:
    result = run_hook(home, hook_event("aws s3 ls --profile CustomerA"), "--config", str(rules_policy))
    assert result.stdout == ""


def test_monitor_tool_commands_are_checked_too(home: Home, rules_policy: Path) -> None:
    result = run_hook(home, hook_event("aws s3 ls", tool="Monitor"), "--config", str(rules_policy))
    assert _decision(result.stdout)["permissionDecision"] == "deny"


@pytest.mark.parametrize("tool", ["PowerShell", "mcp__workspace__bash", "mcp__remote-devices__device_bash"])
def test_other_shell_tools_are_decided_like_bash(home: Home, rules_policy: Path, tool: str) -> None:
    for command in ("aws s3 ls", "aws s3 rb s3://b --profile CustomerA", "aws s3 ls --profile CustomerA", "git status"):
        bash = run_hook(home, hook_event(command), "--config", str(rules_policy)).stdout
        other = run_hook(home, hook_event(command, tool=tool), "--config", str(rules_policy)).stdout
        assert other == bash, command
    out = _decision(run_hook(home, hook_event("aws s3 ls", tool=tool), "--config", str(rules_policy)).stdout)
    assert out["permissionDecision"] == "deny" and "names no profile" in out["permissionDecisionReason"]


def test_tools_without_a_command_pass(home: Home) -> None:
    event = json.dumps({"tool_name": "Read", "tool_input": {"file_path": "/tmp/x"}, "hook_event_name": "PreToolUse"})
    assert run_hook(home, event).stdout == ""


def test_write_on_ask_write_profile_asks_when_someone_can_answer(home: Home, rules_policy: Path) -> None:
    result = run_hook(home, hook_event("aws s3 rb s3://b --profile Asker"), "--config", str(rules_policy))
    assert _decision(result.stdout)["permissionDecision"] == "ask"


@pytest.mark.parametrize("mode", ["bypassPermissions", "dontAsk", "auto"])
def test_ask_becomes_deny_where_nobody_is_asked(home: Home, rules_policy: Path, mode: str) -> None:
    result = run_hook(home, hook_event("aws s3 rb s3://b --profile Asker", mode=mode), "--config", str(rules_policy))
    out = _decision(result.stdout)
    assert out["permissionDecision"] == "deny" and mode in out["permissionDecisionReason"]


def test_ask_becomes_deny_in_non_interactive_sessions(home: Home, rules_policy: Path) -> None:
    result = run_hook(home, hook_event("aws s3 rb s3://b --profile Asker"), "--config", str(rules_policy),
                      CLAUDE_CODE_ENTRYPOINT="sdk-cli")
    assert _decision(result.stdout)["permissionDecision"] == "deny"


DEEP = '{"tool_input": {"command": "aws s3 rm s3://b --recursive"}, "a": ' + "[" * 100000 + "]" * 100000 + "}"


@pytest.mark.parametrize("stdin", ["", "not json", "[1, 2]", '{"tool_input": "aws s3 ls"}',
                                   '{"tool_input": {"command": ["aws"]}}', DEEP], ids=lambda s: s[:40])
def test_malformed_input_is_a_clear_deny_not_a_traceback(home: Home, stdin: str) -> None:
    out = _decision(run_hook(home, stdin).stdout)
    assert out["permissionDecision"] == "deny"
    assert "hook input" in out["permissionDecisionReason"]


def test_a_broken_policy_denies_aws_calls_and_says_where(home: Home) -> None:
    bad = home.write_policy("version: 1\nprofiles:\n  CustomerA: {account: '2222', access: read-only}\n")
    out = _decision(run_hook(home, hook_event("aws s3 ls --profile CustomerA")).stdout)
    assert out["permissionDecision"] == "deny"
    assert str(bad) in out["permissionDecisionReason"]
    assert "profiles.CustomerA.account: expected 12 digits, got '2222'" in out["permissionDecisionReason"]


def test_a_broken_policy_does_not_block_ordinary_commands(home: Home) -> None:
    home.write_policy("version: [\n")
    assert run_hook(home, hook_event("git status")).stdout == ""


def test_a_command_nested_too_deeply_to_check_is_a_deny(home: Home, rules_policy: Path) -> None:
    # Deep enough to exhaust Python's recursion limit while walking the tree: a decision, not a crash.
    command = "echo " + "$(" * 1200 + "aws s3 ls" + ")" * 1200
    out = _decision(run_hook(home, hook_event(command), "--config", str(rules_policy)).stdout)
    assert out["permissionDecision"] == "deny"


def test_the_hook_reads_policy_from_the_project_claude_dir(home: Home, tmp_path: Path) -> None:
    project = tmp_path / "project"
    home.write_policy("version: 1\nprofiles:\n  CustomerA: {account: '222222222222', access: read-write}\n"
                      "verify_identity: false\n")
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "aws-guard.yaml").write_text(
        "version: 1\nprofiles:\n  CustomerA: {account: '222222222222', access: read-only}\nverify_identity: false\n")
    result = run_hook(home, hook_event("aws s3 rb s3://b --profile CustomerA", cwd=project),
                      CLAUDE_PROJECT_DIR=str(project))
    out = _decision(result.stdout)
    assert out["permissionDecision"] == "deny" and "read-only" in out["permissionDecisionReason"]


@pytest.mark.parametrize("tool, tool_input", [
    ("Read", {"file_path": "/root/.aws/credentials"}),
    ("Edit", {"file_path": "/home/me/.aws/config", "old_string": "a", "new_string": "b"}),
    ("Write", {"file_path": "/home/me/.aws/config", "content": "[profile x]"}),
    ("Grep", {"pattern": "aws_secret_access_key", "path": "/home/me/.aws"}),
    ("Glob", {"pattern": "~/.aws/**"}),
    ("Grep", {"pattern": "secret", "path": "/home/me", "glob": ".aws/*"}),
])
def test_file_tools_may_not_touch_the_aws_files(home: Home, tool: str, tool_input: dict) -> None:
    event = json.dumps({"tool_name": tool, "tool_input": tool_input, "hook_event_name": "PreToolUse"})
    out = _decision(run_hook(home, event).stdout)
    assert out["permissionDecision"] == "deny" and "credential or config files" in out["permissionDecisionReason"]


def test_files_named_by_aws_config_variables_are_protected_too(home: Home, tmp_path: Path) -> None:
    secret = str(tmp_path / "secure" / "creds")
    for event in (hook_event(f"cat {secret}"),
                  json.dumps({"tool_name": "Read", "tool_input": {"file_path": secret}})):
        out = _decision(run_hook(home, event, AWS_SHARED_CREDENTIALS_FILE=secret).stdout)
        assert out["permissionDecision"] == "deny"


def test_file_tools_elsewhere_pass_silently(home: Home) -> None:
    event = json.dumps({"tool_name": "Read", "tool_input": {"file_path": "/home/me/project/aws/README.md"}})
    assert run_hook(home, event).stdout == ""
