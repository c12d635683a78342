"""This repository's own Claude Code settings run the guard from hooks/ (dogfooding)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from guard.claude.tools import MATCHER as SHELL_MATCHER
from tests.testing import REPO, Home, hook_event


def _run(script: Path, event: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(script)], input=event, env=env, capture_output=True, text=True, timeout=60)


def test_settings_point_at_the_hook_script_for_every_shell_tool() -> None:
    settings = json.loads((REPO / ".claude" / "settings.json").read_text())
    [entry] = settings["hooks"]["PreToolUse"]
    assert entry["matcher"] == SHELL_MATCHER and "Read" in SHELL_MATCHER
    [hook] = entry["hooks"]
    assert hook["command"] == '"$CLAUDE_PROJECT_DIR"/hooks/aws-guard-pretooluse' and hook["timeout"] > 5
    assert (REPO / "hooks" / "aws-guard-pretooluse").stat().st_mode & 0o111


def test_the_hook_script_denies_an_aws_call_without_profile(home: Home) -> None:
    result = _run(REPO / "hooks" / "aws-guard-pretooluse", hook_event("aws s3 ls"), home.env)
    out = json.loads(result.stdout)["hookSpecificOutput"]
    assert result.returncode == 0 and out["permissionDecision"] == "deny" and "--profile" in out["permissionDecisionReason"]


def _checkout_without_venv(tmp_path: Path) -> Path:
    """The hook script in a checkout whose .venv does not exist yet (a fresh clone)."""
    (tmp_path / "hooks").mkdir()
    script = tmp_path / "hooks" / "aws-guard-pretooluse"
    shutil.copy2(REPO / "hooks" / "aws-guard-pretooluse", script)
    assert not (tmp_path / ".venv").exists()
    return script


def test_without_a_venv_the_hook_script_lets_ordinary_commands_run(home: Home, tmp_path: Path) -> None:
    script = _checkout_without_venv(tmp_path)
    for command in ("git status", "python -m venv .venv && bash .ci/run"):
        result = _run(script, hook_event(command), home.env)
        assert (result.returncode, result.stdout) == (0, ""), command


def test_the_hook_script_fails_closed_without_an_installed_guard(home: Home, tmp_path: Path) -> None:
    script = _checkout_without_venv(tmp_path)
    read = json.dumps({"session_id": "s", "hook_event_name": "PreToolUse", "tool_name": "Read",
                       "tool_input": {"file_path": str(home.aws / "credentials")}})
    for event in (hook_event("aws s3 ls"), hook_event("AWS s3 ls --profile CustomerA"), read):
        result = _run(script, event, home.env)
        assert result.returncode == 0, event
        out = json.loads(result.stdout)["hookSpecificOutput"]
        assert (out["hookEventName"], out["permissionDecision"]) == ("PreToolUse", "deny"), event
        assert "cannot run" in out["permissionDecisionReason"] and "bash .ci/run" in out["permissionDecisionReason"]
