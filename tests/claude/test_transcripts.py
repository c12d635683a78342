"""guard.claude.transcripts: the shell commands in Claude Code's session transcripts (`guard replay` reads them)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from guard.claude import transcripts
from guard.errors import UsageError

SESSION = "7f3c2a10-5b6e-4d8f-9a1b-2c3d4e5f6a7b"


def _line(kind: str, content: Any, **extra: Any) -> str:
    """One transcript line as Claude Code writes it."""
    entry = {"parentUuid": None, "isSidechain": False, "userType": "external", "cwd": "/src/app",
             "sessionId": SESSION, "version": "2.0.14", "type": kind,
             "message": {"role": kind, "content": content}, "uuid": f"u-{len(str(content))}",
             "timestamp": "2025-10-01T09:30:00.000Z", **extra}
    return json.dumps(entry)


def assistant(*blocks: dict[str, Any]) -> str:
    return _line("assistant", list(blocks), requestId="req_011CTx")


def user(content: Any) -> str:
    return _line("user", content)


def tool_use(name: str, **tool_input: Any) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_01{name}", "name": name, "input": tool_input}


def text(words: str) -> dict[str, Any]:
    return {"type": "text", "text": words}


def _transcript(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / f"{SESSION}.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _read(path: Path) -> tuple[list[tuple[int, str, str]], list[str]]:
    problems: list[str] = []
    return list(transcripts.commands(str(path), problems)), problems


def test_each_shell_tool_use_is_yielded_with_its_line_and_tool(tmp_path: Path) -> None:
    path = _transcript(
        tmp_path,
        _line("summary", "Listing buckets"),
        user("list my buckets in CustomerA"),
        assistant(text("I'll list them."), tool_use("Bash", command="aws s3 ls --profile CustomerA",
                                                     description="List S3 buckets")),
        user([{"type": "tool_result", "tool_use_id": "toolu_01Bash", "content": "2025-01-01 bucket-a"}]),
        assistant(tool_use("Bash", command="aws sts get-caller-identity"),
                  tool_use("Monitor", command="tail -f /var/log/app.log")),
    )
    commands, problems = _read(path)
    assert commands == [
        (3, "Bash", "aws s3 ls --profile CustomerA"),
        (5, "Bash", "aws sts get-caller-identity"),
        (5, "Monitor", "tail -f /var/log/app.log"),
    ]
    assert problems == []


def test_what_is_not_an_assistant_command_is_skipped_silently(tmp_path: Path) -> None:
    path = _transcript(
        tmp_path,
        # a user line, even one that looks like a tool call
        user([tool_use("Bash", command="aws s3 rb s3://prod --force")]),
        user("run aws s3 ls"),
        # other block types of an assistant message
        assistant(text("Let me check."), {"type": "thinking", "thinking": "aws s3 ls?", "signature": "x"}),
        # tool calls without a shell command
        assistant(tool_use("Read", file_path="/src/app/README.md"),
                  tool_use("Grep", pattern="aws s3", path="/src/app"),
                  {"type": "tool_use", "id": "toolu_01x", "name": "Bash"},
                  {"type": "tool_use", "id": "toolu_01y", "name": "Bash", "input": "aws s3 ls"},
                  tool_use("Bash", command=["aws", "s3", "ls"]),
                  tool_use("Bash", command=None)),
        # shapes that are not messages at all
        json.dumps({"type": "assistant", "message": "aws s3 ls"}),
        json.dumps({"type": "assistant", "message": {"content": "aws s3 ls"}}),
        json.dumps({"type": "system", "content": "aws s3 ls", "level": "info"}),
        json.dumps(["aws", "s3", "ls"]), json.dumps("aws s3 ls"), "42", "null",
        assistant(tool_use("Bash", command="aws s3 ls")),
    )
    commands, problems = _read(path)
    assert commands == [(12, "Bash", "aws s3 ls")]
    assert problems == []


def test_a_malformed_line_is_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = _transcript(
        tmp_path,
        assistant(tool_use("Bash", command="aws s3 ls --profile CustomerA")),
        '{"type": "assistant", "message": {"content": [',  # cut short
        "not json at all",
        assistant(tool_use("Bash", command="git status")),
        '{"type": "assistant"',  # a session still being written
    )
    problems = ["an earlier file's problem"]
    commands = list(transcripts.commands(str(path), problems))
    assert [c[2] for c in commands] == ["aws s3 ls --profile CustomerA", "git status"]
    assert commands[1][0] == 4
    assert problems[0] == "an earlier file's problem"  # the caller's list is added to, not replaced
    assert [p.split(": not JSON (")[0] for p in problems[1:]] == [f"{path}:2", f"{path}:3", f"{path}:5"]
    assert all(p.endswith("); skipped") for p in problems[1:])
    assert "Expecting value: line 1 column 1 (char 0)" in problems[2]


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("\n   \n" + assistant(tool_use("Bash", command="aws s3 ls")) + "\n\t\n\n"
                    + assistant(tool_use("Bash", command="ls")) + "\n\n")
    commands, problems = _read(path)
    assert commands == [(3, "Bash", "aws s3 ls"), (6, "Bash", "ls")]
    assert problems == []


def test_commands_keep_their_text_exactly(tmp_path: Path) -> None:
    command = "aws s3 cp 'my file.txt' s3://bücket/ && echo \"done\"\naws s3 ls | grep -v '\\t'"
    path = _transcript(tmp_path, assistant(tool_use("Bash", command=command)))
    assert _read(path) == ([(1, "Bash", command)], [])


def test_bytes_that_are_not_utf8_do_not_stop_reading(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    broken = assistant(tool_use("Bash", command="echo X")).encode().replace(b"X", b"\xff\xfe")
    path.write_bytes(broken + b"\n" + assistant(tool_use("Bash", command="aws s3 ls")).encode() + b"\n")
    commands, problems = _read(path)
    assert commands == [(1, "Bash", "echo \ufffd\ufffd"), (2, "Bash", "aws s3 ls")]
    assert problems == []


def test_an_empty_transcript_has_no_commands(tmp_path: Path) -> None:
    assert _read(_transcript(tmp_path)) == ([], [])


@pytest.mark.parametrize("make", ["missing", "directory"])
def test_an_unreadable_path_is_a_usage_error_naming_it(tmp_path: Path, make: str) -> None:
    path = tmp_path / "sessions" / "abc.jsonl"
    if make == "directory":
        path.mkdir(parents=True)
    with pytest.raises(UsageError) as raised:
        list(transcripts.commands(str(path), []))
    assert str(raised.value).startswith(f"replay: {path}: cannot read: ")
