"""The audit trail: written through loguru by a detached process, and masked before it is stored."""
from __future__ import annotations

import time
from pathlib import Path

from guard.audit import masking as audit
from tests.testing import Home, guard, hook_event, wait_for_audit

SECRETS = ["wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET", "hunter2-password", "FwoGZXIvYXdzTOKEN"]


def _audit_file(home: Home) -> Path:
    return home.path / ".state" / "aws-guard" / "audit.jsonl"


def wait_for_records(home: Home, count: int) -> list[dict]:
    return wait_for_audit(_audit_file(home), count)


def hook(home: Home, policy: Path, command: str) -> None:
    result = guard("hook", "--config", str(policy), env=home.env, stdin=hook_event(command, cwd=home.path))
    assert result.returncode == 0


def test_each_aws_decision_is_recorded_and_other_commands_are_not(home: Home, rules_policy: Path) -> None:
    hook(home, rules_policy, "git status")
    hook(home, rules_policy, "aws s3 ls")
    hook(home, rules_policy, "aws s3 ls --profile CustomerA")
    # Each record has its own detached writer: they may land in either order.
    first, second = sorted(wait_for_records(home, 2), key=lambda r: r["command"])
    time.sleep(1)  # a record for `git status` would have arrived by now
    assert len(_audit_file(home).read_text().splitlines()) == 2
    assert first["decision"] == "deny" and "--profile" in first["reason"]
    assert second["decision"] == "pass" and second["command"] == "aws s3 ls --profile CustomerA"
    assert second["session_id"] == "test-session" and second["tool"] == "Bash" and second["cwd"] == str(home.path)
    call = second["calls"][0]
    assert (call["profile"], call["profile_source"], call["account"]) == ("CustomerA", "--profile", "222222222222")
    assert _audit_file(home).stat().st_mode & 0o777 == 0o600


def test_secrets_never_reach_the_log(home: Home, rules_policy: Path) -> None:
    hook(home, rules_policy, f"AWS_SECRET_ACCESS_KEY={SECRETS[0]} aws s3 ls --profile CustomerA")
    hook(home, rules_policy, f"aws iam create-login-profile --user-name bob --password '{SECRETS[1]}' --profile Writer")
    hook(home, rules_policy, f"aws sts get-caller-identity --profile CustomerA --session-token={SECRETS[2]}")
    hook(home, rules_policy, f"aws configure set aws_secret_access_key {SECRETS[0]} --profile Writer")
    wait_for_records(home, 4)
    text = _audit_file(home).read_text()
    assert not [s for s in SECRETS if s in text]
    assert text.count(audit.MASK) >= 4
