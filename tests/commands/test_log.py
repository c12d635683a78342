"""`guard log`: the audit trail read back by the real process: filters, JSON lines, rotated files, bad lines."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.testing import Home, guard, hook_event, wait_for_audit

MINUTE, HOUR, DAY = 60, 3600, 86400


def _log_dir(home: Home) -> Path:
    return home.path / ".state" / "aws-guard"


def record(command: str, decision: str = "pass", age: float = 0, profiles: tuple[str, ...] = ("CustomerA",),
           reason: str = "", epoch: float | None = None) -> dict:
    """A record as guard.audit.trail.entry makes it, `age` seconds old."""
    stamp = time.time() - age if epoch is None else epoch
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(stamp)), "epoch": round(stamp, 3),
        "session_id": "s1", "cwd": "/tmp", "tool": "Bash", "command": command, "decision": decision,
        "reason": reason or ("" if decision == "pass" else f"{decision} because of {command}"),
        "calls": [{"argv": command.split(), "profile": p, "profile_source": "--profile", "account": "222222222222",
                   "service": "s3", "operation": "ls", "rules": [], "identity": None} for p in profiles],
    }


def write_log(home: Home, records: list[dict], name: str = "audit.jsonl", extra: list[str] = ()) -> Path:
    """Append records as JSON lines, as the writer does (one `json.dumps` per line)."""
    folder = _log_dir(home)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / name
    with target.open("a", encoding="utf-8") as handle:
        for line in [json.dumps(r) for r in records] + list(extra):
            handle.write(line + "\n")
    return target


def commands(home: Home, *args: str) -> list[str]:
    """The commands `guard log --json ARGS` prints, in its order."""
    result = guard("log", "--json", *args, env=home.env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["command"] for line in result.stdout.splitlines()]


@pytest.fixture
def aged(home: Home) -> Home:
    write_log(home, [record("ten-minutes", age=10 * MINUTE), record("forty-five-minutes", age=45 * MINUTE),
                     record("three-hours", age=3 * HOUR), record("three-days", age=3 * DAY),
                     record("ten-days", age=10 * DAY)])
    return home


def test_guard_log_filters_and_shows_a_table(home: Home, rules_policy: Path) -> None:
    for command in ("aws s3 ls", "aws ec2 describe-instances --profile CustomerA", "aws s3 rb s3://b --profile Writer"):
        hooked = guard("hook", "--config", str(rules_policy), env=home.env, stdin=hook_event(command, cwd=home.path))
        assert hooked.returncode == 0
    wait_for_audit(_log_dir(home) / "audit.jsonl", 3)
    table = guard("log", env=home.env)
    assert table.stdout.splitlines()[0].split() == ["TIME", "DECISION", "PROFILE", "ACCOUNT", "COMMAND"]
    assert "ec2 describe-instances" in table.stdout and "-> the aws call names no profile" in table.stdout
    denied = guard("log", "--decision", "deny", "--json", env=home.env).stdout.splitlines()
    assert [json.loads(r)["command"] for r in denied] == ["aws s3 ls"]
    mine = guard("log", "--profile", "CustomerA", "--since", "1h", "--json", env=home.env).stdout.splitlines()
    assert [json.loads(r)["calls"][0]["profile"] for r in mine] == ["CustomerA"]
    assert guard("log", "--since", "yesterday-ish", env=home.env).returncode == 1


@pytest.mark.parametrize("since, expected", [
    ("30m", ["ten-minutes"]),
    ("1h", ["forty-five-minutes", "ten-minutes"]),
    ("90m", ["forty-five-minutes", "ten-minutes"]),
    ("2d", ["three-hours", "forty-five-minutes", "ten-minutes"]),
    ("1w", ["three-days", "three-hours", "forty-five-minutes", "ten-minutes"]),
])
def test_since_takes_a_duration(aged: Home, since: str, expected: list[str]) -> None:
    assert commands(aged, "--since", since) == expected


def test_since_takes_a_date_or_a_date_and_time(aged: Home) -> None:
    now = time.time()
    six_days_ago = time.strftime("%Y-%m-%d", time.localtime(now - 6 * DAY))  # midnight, local time
    assert commands(aged, "--since", six_days_ago) == ["three-days", "three-hours", "forty-five-minutes",
                                                       "ten-minutes"]
    two_hours_ago = time.strftime("%Y-%m-%dT%H:%M", time.localtime(now - 2 * HOUR))
    assert commands(aged, "--since", two_hours_ago) == ["forty-five-minutes", "ten-minutes"]
    assert commands(aged, "--since", time.strftime("%Y-%m-%d", time.localtime(now + 2 * DAY))) == []


@pytest.mark.parametrize("since", ["yesterday", "5x", "1.5h", "2026-13-45", "h", "1 hour"])
def test_since_rejects_what_it_cannot_read(aged: Home, since: str) -> None:
    result = guard("log", "--since", since, env=aged.env)
    assert result.returncode == 1
    assert result.stderr == (f"guard: log: --since {since!r}: expected a duration like 30m, 1h, 2d, "
                             "or a date like 2026-11-28\n")
    assert result.stdout == ""


def test_without_since_every_record_is_shown_oldest_first(aged: Home) -> None:
    assert commands(aged) == ["ten-days", "three-days", "three-hours", "forty-five-minutes", "ten-minutes"]


def test_decision_keeps_only_that_decision(home: Home) -> None:
    write_log(home, [record("a-pass", "pass", age=30), record("an-ask", "ask", age=20),
                     record("a-deny", "deny", age=10), record("another-pass", "pass", age=5)])
    assert commands(home, "--decision", "pass") == ["a-pass", "another-pass"]
    assert commands(home, "--decision", "ask") == ["an-ask"]
    assert commands(home, "--decision", "deny") == ["a-deny"]
    wrong = guard("log", "--decision", "allow", env=home.env)
    # A usage error is exit 1 (the guard could not run), never 2, which means deny.
    assert wrong.returncode == 1 and wrong.stdout == ""
    assert wrong.stderr.startswith("guard: argument --decision: invalid choice: 'allow'")
    assert "(see `guard log --help`)" in wrong.stderr


def test_profile_matches_any_call_of_a_record(home: Home) -> None:
    write_log(home, [record("only-a", profiles=("CustomerA",), age=30),
                     record("both", profiles=("default", "CustomerA"), age=20),
                     record("only-default", profiles=("default",), age=10),
                     record("none", profiles=(), decision="deny", age=5)])
    assert commands(home, "--profile", "CustomerA") == ["only-a", "both"]
    assert commands(home, "--profile", "default") == ["both", "only-default"]
    assert commands(home, "--profile", "Prod") == []
    assert commands(home, "--profile", "CustomerA", "--decision", "deny") == []


def test_json_prints_each_record_as_it_is_stored_one_per_line(home: Home) -> None:
    stored = [record("first", age=20), record("second", "deny", age=10, reason="no profile")]
    write_log(home, stored)
    result = guard("log", "--json", env=home.env)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and [json.loads(line) for line in lines] == stored


def test_the_table_shows_profiles_accounts_and_the_reason_of_a_deny(home: Home) -> None:
    long_command = "aws s3 ls --profile CustomerA " + "x" * 100
    write_log(home, [record(long_command, age=20), record("aws s3 rm s3://b --profile default", "deny", age=10,
                                                          profiles=("default", "CustomerA"), reason="read-only")])
    lines = guard("log", env=home.env).stdout.splitlines()
    assert len(lines) == 4  # the header, the pass, the deny and the deny's reason
    header, passed, denied, reason = lines
    assert passed.split()[2:4] == ["pass", "CustomerA"]
    assert passed.endswith("  " + long_command[:70] + "...")  # the command is cut at 70 characters
    assert denied.split()[2:5] == ["deny", "default,CustomerA", "222222222222"]
    assert reason.strip() == "-> read-only" and reason.index("->") == header.index("COMMAND")


def test_an_empty_log_says_no_records_match_and_names_the_file(home: Home) -> None:
    log = _log_dir(home) / "audit.jsonl"
    result = guard("log", env=home.env)
    assert result.returncode == 0 and result.stdout == f"no audit records match (log: {log})\n"
    write_log(home, [record("old", age=3 * DAY)])
    filtered = guard("log", "--since", "1d", env=home.env)
    assert filtered.returncode == 0 and filtered.stdout == f"no audit records match (log: {log})\n"
    assert guard("log", "--json", "--since", "1d", env=home.env).stdout == ""


def test_rotated_files_are_read_oldest_first_then_the_current_one(home: Home) -> None:
    same = time.time() - HOUR  # equal times: the order shown is the order read
    write_log(home, [record("current", epoch=same)])
    write_log(home, [record("rotated-second", epoch=same)], name="audit.2026-11-20_09-00-00_000000.jsonl")
    write_log(home, [record("rotated-first", epoch=same)], name="audit.2026-11-01_09-00-00_000000.jsonl")
    write_log(home, [record("not-the-audit-log", epoch=same)], name="other.jsonl")
    assert commands(home) == ["rotated-first", "rotated-second", "current"]
    table = guard("log", env=home.env).stdout
    assert table.index("rotated-first") < table.index("rotated-second") < table.index("current")


def test_records_are_shown_by_time_even_when_written_out_of_order(home: Home) -> None:
    write_log(home, [record("later", age=10), record("earlier", age=20)])
    write_log(home, [record("earliest", age=30)], name="audit.2026-11-01_09-00-00_000000.jsonl")
    assert commands(home) == ["earliest", "earlier", "later"]


def test_a_malformed_line_is_skipped(home: Home) -> None:
    write_log(home, [record("before", age=20)], extra=["{not json", "[1, 2]", "", '"a string"'])
    write_log(home, [record("after", age=10)], extra=['{"command": "truncated'])
    result = guard("log", env=home.env)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert [line.split()[-1] for line in result.stdout.splitlines()[1:]] == ["before", "after"]
    assert commands(home) == ["before", "after"]
