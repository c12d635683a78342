"""`guard audit-write`: the detached writer appends the records on its stdin, masked, to a private audit log."""
from __future__ import annotations

import json
from pathlib import Path

from tests.testing import Home, guard

SECRET_KEY = "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET"
PASSWORD = "hunter2-password"


def _record(command: str, **extra: object) -> dict:
    return {"time": "2026-11-28T11:10:47+0000", "epoch": 1795863047.0, "session_id": "s1", "cwd": "/tmp",
            "tool": "Bash", "command": command, "decision": "pass", "reason": "", "calls": [], **extra}


def test_audit_write_appends_masked_records_to_a_private_file(home: Home) -> None:
    folder = home.path / ".state" / "aws-guard"
    records = [
        _record(f"AWS_SECRET_ACCESS_KEY={SECRET_KEY} aws s3 ls --profile CustomerA"),
        _record("aws iam create-login-profile --user-name bob --password x --profile Writer",
                decision="deny", reason=f"--password {PASSWORD} is not allowed",
                calls=[{"argv": ["aws", "iam", "create-login-profile", "--password", PASSWORD], "profile": "Writer"}]),
    ]
    result = guard("audit-write", env=home.env, stdin="".join(json.dumps(r) + "\n" for r in records))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    log = folder / "audit.jsonl"
    assert folder.stat().st_mode & 0o777 == 0o700 and log.stat().st_mode & 0o777 == 0o600
    text = log.read_text()
    assert SECRET_KEY not in text and PASSWORD not in text
    first, second = [json.loads(line) for line in text.splitlines()]
    assert first["command"] == "AWS_SECRET_ACCESS_KEY=**** aws s3 ls --profile CustomerA"
    assert second["reason"] == "--password **** is not allowed"
    assert second["calls"][0] == {"argv": ["aws", "iam", "create-login-profile", "--password", "****"],
                                  "profile": "Writer"}
    assert second["command"] == "aws iam create-login-profile --user-name bob --password **** --profile Writer"
    kept = ("time", "epoch", "session_id", "cwd", "tool", "decision")
    assert [second[k] for k in kept] == [records[1][k] for k in kept]  # the rest is stored as given


def test_audit_write_appends_and_ignores_lines_that_are_not_records(home: Home) -> None:
    log = home.path / ".state" / "aws-guard" / "audit.jsonl"
    assert guard("audit-write", env=home.env, stdin=json.dumps(_record("aws s3 ls --profile A")) + "\n").returncode == 0
    stdin = "\n".join(["not json at all", json.dumps(_record("aws s3 ls --profile B")), "[1, 2, 3]", '"text"', "",
                       "{broken", json.dumps(_record("aws s3 ls --profile C"))]) + "\n"
    result = guard("audit-write", env=home.env, stdin=stdin)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert [json.loads(line)["command"] for line in log.read_text().splitlines()] == [
        "aws s3 ls --profile A", "aws s3 ls --profile B", "aws s3 ls --profile C"]


def test_audit_write_with_nothing_on_stdin_makes_an_empty_private_log(home: Home, tmp_path: Path) -> None:
    state = tmp_path / "state"
    result = guard("audit-write", env=dict(home.env, XDG_STATE_HOME=str(state)), stdin="garbage\n")
    assert result.returncode == 0
    log = state / "aws-guard" / "audit.jsonl"
    assert log.read_text() == "" and log.stat().st_mode & 0o777 == 0o600
    assert not (home.path / ".state").exists()
