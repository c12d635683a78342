"""`guard replay` over Claude Code transcripts (this file writes them; the end-to-end test uses a real one)."""
from __future__ import annotations

import json
from pathlib import Path

from tests.testing import Home, guard


def tool_use(command: str, name: str = "Bash") -> dict:
    return {"type": "assistant", "message": {"role": "assistant", "content": [
        {"type": "text", "text": "running it"},
        {"type": "tool_use", "id": "toolu_1", "name": name, "input": {"command": command, "description": "x"}}]}}


def write_transcript(path: Path, entries: list, raw_lines: tuple[str, ...] = ()) -> Path:
    path.write_text("\n".join([json.dumps(e) for e in entries] + list(raw_lines)) + "\n")
    return path


def test_replay_lists_what_would_be_denied_or_asked(home: Home, rules_policy: Path, tmp_path: Path) -> None:
    transcript = write_transcript(tmp_path / "session.jsonl", [
        {"type": "user", "message": {"role": "user", "content": "list my buckets"}},
        tool_use("git status"),
        tool_use("aws s3 ls"),
        {"type": "summary", "summary": "an unknown line type"},
        tool_use("aws s3 rb s3://b --profile Asker"),
        tool_use("aws s3 ls --profile CustomerA", name="Monitor"),
        {"type": "assistant", "message": {"content": [{"type": "tool_use", "name": "Read", "input": {"file_path": "x"}}]}},
    ], raw_lines=("{not json",))
    result = guard("replay", "--config", str(rules_policy), str(transcript), env=home.env)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert f"{transcript}:3: deny: aws s3 ls" in lines
    assert f"{transcript}:5: ask: aws s3 rb s3://b --profile Asker" in lines
    assert f"warning: {transcript}:8: not JSON" in result.stdout
    assert lines[-1] == "4 shell command(s): 2 pass, 1 ask, 1 deny; 1 malformed line(s)"


def test_replay_json(home: Home, rules_policy: Path, tmp_path: Path) -> None:
    transcript = write_transcript(tmp_path / "s.jsonl", [tool_use("aws s3 ls --profile Other")])
    result = guard("replay", "--json", "--config", str(rules_policy), str(transcript), env=home.env)
    first, summary = [json.loads(line) for line in result.stdout.splitlines()]
    assert (first["line"], first["tool"], first["decision"]) == (1, "Bash", "deny")
    assert summary["summary"] == {"commands": 1, "pass": 0, "ask": 0, "deny": 1, "malformed_lines": 0}


def test_replay_of_a_missing_file_is_a_clear_error(home: Home, tmp_path: Path) -> None:
    result = guard("replay", str(tmp_path / "nope.jsonl"), env=home.env)
    assert result.returncode == 1 and "cannot read" in result.stderr
