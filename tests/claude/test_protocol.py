"""guard.claude.protocol: reading Claude Code's PreToolUse event and printing the hook's answer."""
from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from guard.claude import protocol
from guard.errors import HookInputError
from tests.testing import REPO, hook_event

# Inputs for the equivalence of protocol._loads (CPython's C scanner) with json.loads: valid and invalid alike.
JSON_INPUTS = [
    # scalars and numbers
    "{}", "[]", '""', "0", "-0", "-0.0", "1.5", "1e3", "1E-3", "2.5E+10", "0.1", "1e400", "-1e400", "1e-400",
    "1.7976931348623157e308", "5e-324", "123456789012345678901234567890", "-98765432109876543210", "9" * 4300,
    "9" * 4301, "true", "false", "null", "01", "1.", ".5", "+1", "- 1", "-", "1e", "0x10",
    # the non-standard constants json.loads accepts, and near misses
    "NaN", "Infinity", "-Infinity", "[NaN, Infinity, -Infinity]", '{"a": NaN}', "nan", "-NaN", "infinity", "+Infinity",
    # strings: escapes, unicode, surrogates
    '"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"', '"\\udc00"', '"\\ud800x"', '"\\udc00\\ud800"', '"\ud83d\ude00"',
    '"\ud800"', '"\\u12"', '"\\u12zz"', '"\\x41"', '"\\/"', '"\\b\\f\\n\\r\\t\\"\\\\"', '"\\a"', '"é ü 日本"',
    '"\\u0000"', '{"\\u0000": 1}', '{"é": "ü"}', '"unterminated', '"a\\"',
    # control characters inside strings (rejected: the decoder is strict) and DEL (allowed)
    '"a\x00b"', '"\x1f"', '"tab\there"', '"line\nbreak"', '"\x7f"',
    # nested structures
    '{"a": [1, {"b": [true, null, {"c": "d"}]}]}', "[[[[[]]]]]", '[{"a": {}}, [], [[]], ""]',
    '{"a": [1, 2, {"b": null}]}',
    # duplicate keys: the last one wins
    '{"a": 1, "a": 2}', '{"a": {"x": 1}, "b": 0, "a": [2]}',
    # JSON whitespace around the value, and characters that are not JSON whitespace
    ' \t\n\r{"a": 1} \n', "\n\n[]\n", "  0  ", "\u00a0{}", "{}\x0b", "\x0c{}", "\ufeff{}", "{}\u2028",
    # trailing garbage
    "{} {}", "{}x", "[1]]", '{"a":1}}', "1 2", '"a" "b"', "true false", "{},", "nullx", "[1] // comment",
    # empty input
    "", " ", "\n", "\t\r\n ",
    # broken syntax
    "{", "}", '{"a"}', '{"a":}', "{a: 1}", "{'a': 1}", "[1,]", '{"a":1,}', "[1 2]", "tru", "nul", '{"a" 1}', "[,1]",
    # a realistic event
    hook_event("aws s3 ls --profile CustomerA"),
    json.dumps({"tool_name": "Bash", "tool_input": {"command": "echo 'é' \"\\n\" \u2603"}}, ensure_ascii=False),
]


def _outcome(function: Any, raw: str) -> tuple[str, str]:
    """("ok", repr of the value) or ("error", the message): repr tells 1 from 1.0 and True, -0.0 from 0.0, and NaN."""
    try:
        return "ok", repr(function(raw))
    except (ValueError, HookInputError) as error:
        return "error", str(error)


@pytest.mark.parametrize("raw", JSON_INPUTS, ids=lambda raw: repr(raw)[:40])
def test_json_reading_gives_exactly_what_json_loads_gives(raw: str) -> None:
    expected_kind, expected = _outcome(json.loads, raw)
    kind, got = _outcome(protocol._loads, raw)
    assert kind == expected_kind, (raw, got, expected)
    if kind == "ok":
        assert got == expected
    else:
        assert got == f"stdin is not JSON ({expected})"
        with pytest.raises(HookInputError) as raised:
            protocol.read_event(raw)
        assert expected in str(raised.value)


def test_read_event_accepts_what_claude_code_sends() -> None:
    event = protocol.read_event(hook_event("aws s3 ls", cwd="/work/project", mode="acceptEdits"))
    assert event["tool_name"] == "Bash" and event["hook_event_name"] == "PreToolUse"
    assert event["tool_input"] == {"command": "aws s3 ls", "description": "test"}
    assert event["cwd"] == "/work/project" and event["session_id"] == "test-session"


@pytest.mark.parametrize("raw", [
    '{"tool_name": "Read", "tool_input": {"file_path": "/etc/hosts"}}',  # a file tool: no command
    '{"tool_name": "Bash"}',  # no tool_input at all
    '{"tool_name": "Bash", "tool_input": null}',
    '{"tool_name": "Bash", "tool_input": {}}',
])
def test_read_event_accepts_events_without_a_command(raw: str) -> None:
    assert protocol.read_event(raw) == json.loads(raw)


@pytest.mark.parametrize("raw, message", [
    ("not json", "stdin is not JSON (Expecting value: line 1 column 1 (char 0))"),
    ('{"tool_input": ', "stdin is not JSON (Expecting value: line 1 column 16 (char 15))"),
    ("[]", "expected a JSON object on stdin, got list"),
    ('"aws s3 ls"', "expected a JSON object on stdin, got str"),
    ("42", "expected a JSON object on stdin, got int"),
    ("null", "expected a JSON object on stdin, got NoneType"),
    ('{"tool_input": "aws s3 ls"}', "tool_input: expected an object, got str"),
    ('{"tool_input": ["aws", "s3", "ls"]}', "tool_input: expected an object, got list"),
    ('{"tool_input": 0}', "tool_input: expected an object, got int"),
    ('{"tool_input": {"command": 42}}', "tool_input.command: expected a string"),
    ('{"tool_input": {"command": null}}', "tool_input.command: expected a string"),
    ('{"tool_input": {"command": ["aws", "s3", "ls"]}}', "tool_input.command: expected a string"),
    ('{"tool_input": {"command": {"aws": "s3"}}}', "tool_input.command: expected a string"),
])
def test_read_event_refuses_what_claude_code_does_not_send(raw: str, message: str) -> None:
    with pytest.raises(HookInputError) as raised:
        protocol.read_event(raw)
    assert str(raised.value) == message


@pytest.mark.parametrize("event, command", [
    ({"tool_name": "Bash", "tool_input": {"command": "aws s3 ls", "description": "list"}}, "aws s3 ls"),
    ({"tool_name": "Monitor", "tool_input": {"command": "tail -f log"}}, "tail -f log"),
    ({"tool_name": "Bash", "tool_input": {"command": ""}}, ""),
    ({"tool_name": "Read", "tool_input": {"file_path": "/etc/hosts"}}, None),
    ({"tool_name": "Bash", "tool_input": None}, None),
    ({"tool_name": "Bash"}, None),
    ({"tool_name": "Bash", "tool_input": {"command": 42}}, None),
])
def test_command_of(event: dict[str, Any], command: str | None) -> None:
    assert protocol.command_of(event) == command


@pytest.mark.parametrize("tool_input, paths", [
    ({"file_path": "/home/me/.aws/credentials"}, ["/home/me/.aws/credentials"]),
    ({"file_path": "a.py", "old_string": "x", "new_string": "y"}, ["a.py"]),
    ({"file_path": "notes.txt", "content": "/home/me/.aws/config"}, ["notes.txt"]),  # content is not a path
    ({"pattern": "secret", "path": "/srv", "glob": "*.py", "output_mode": "content"}, ["/srv", "secret", "*.py"]),
    ({"pattern": "**/.aws/*"}, ["**/.aws/*"]),
    ({"notebook_path": "/n.ipynb", "new_source": "print(1)"}, ["/n.ipynb"]),
    ({"file_path": ["/a", "/b"], "path": None, "pattern": 7}, []),  # only strings
    ({"command": "cat ~/.aws/credentials"}, []),  # a shell command is not a path field
    ({}, []),
])
def test_paths_of_reads_only_the_documented_path_fields(tool_input: dict[str, Any], paths: list[str]) -> None:
    assert protocol.paths_of({"tool_name": "Grep", "tool_input": tool_input}) == paths


@pytest.mark.parametrize("event", [{"tool_name": "Read"}, {"tool_input": None}, {"tool_input": "/etc/hosts"},
                                   {"tool_input": ["/etc/hosts"]}])
def test_paths_of_without_an_input_object_is_empty(event: dict[str, Any]) -> None:
    assert protocol.paths_of(event) == []


@pytest.mark.parametrize("event, mode", [
    ({}, "default"), ({"permission_mode": None}, "default"), ({"permission_mode": ""}, "default"),
    ({"permission_mode": "plan"}, "plan"), ({"permission_mode": "acceptEdits"}, "acceptEdits"),
    ({"permission_mode": "bypassPermissions"}, "bypassPermissions"),
])
def test_permission_mode_defaults_to_default(event: dict[str, Any], mode: str) -> None:
    assert protocol.permission_mode(event) == mode


@pytest.mark.parametrize("entrypoint, expected", [
    (None, True), ("cli", True), ("claude-vscode", True), ("claude-desktop", True),
    ("sdk-cli", False), ("sdk-ts", False), ("sdk-py", False), ("sdk", False),
])
def test_interactive_only_when_someone_can_answer(entrypoint: str | None, expected: bool) -> None:
    env = {"HOME": "/home/me"} if entrypoint is None else {"HOME": "/home/me", "CLAUDE_CODE_ENTRYPOINT": entrypoint}
    assert protocol.interactive(env) is expected


@pytest.mark.parametrize("attended, entrypoint, expected", [
    ("1", "sdk-cli", True), ("1", "sdk-py", True), ("1", None, True),  # Claude Code says someone is there
    ("0", "cli", False), ("0", "claude-vscode", False), ("0", None, False),  # ... or that nobody is
    ("", "sdk-cli", False), ("", "cli", True), ("yes", "sdk-cli", False), ("true", None, True),  # not 1/0: as before
    ("2", "cli", True), (" 1", "sdk-ts", False), ("no", "cli", True),
])
def test_session_attended_decides_before_the_entrypoint(attended: str, entrypoint: str | None,
                                                        expected: bool) -> None:
    env = {"HOME": "/home/me", "CLAUDE_CODE_SESSION_ATTENDED": attended}
    if entrypoint is not None:
        env["CLAUDE_CODE_ENTRYPOINT"] = entrypoint
    assert protocol.interactive(env) is expected


@pytest.mark.parametrize("verdict", ["deny", "ask"])
def test_emit_prints_one_line_of_pretooluse_json(verdict: str) -> None:
    out = io.StringIO()
    reason = 'the aws call names no profile;\nadd --profile P "quoted" é'
    assert protocol.emit(out, verdict, reason) == 0
    text = out.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    assert json.loads(text) == {"hookSpecificOutput": {
        "hookEventName": "PreToolUse",
        "permissionDecision": verdict,
        "permissionDecisionReason": "aws-guard: " + reason,
    }}


def test_emit_context_prints_the_sessionstart_shape() -> None:
    out = io.StringIO()
    text = "aws-guard is active.\nProfiles: CustomerA (222222222222, read-only)"
    assert protocol.emit_context(out, text) == 0
    printed = out.getvalue()
    assert printed.endswith("\n") and printed.count("\n") == 1
    assert json.loads(printed) == {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": text}}


# Run without site (-S): the editable install's .pth finder imports re itself before any guard code runs.
FAST_PATH_PROBE = textwrap.dedent("""\
    import io, sys
    before = [m for m in ("json", "re") if m in sys.modules]
    from guard.claude import protocol
    from guard.commands import hook
    event = protocol.read_event(EVENT)
    assert protocol.command_of(event) == "git status"
    after_reading = [m for m in ("json", "re") if m in sys.modules]
    out = io.StringIO()
    code = hook.run(None, io.StringIO(EVENT), out, {"HOME": HOME, "PATH": "/usr/bin:/bin"})
    print(repr((before, after_reading, [m for m in ("json", "re") if m in sys.modules], code, out.getvalue())))
""")


def test_a_hook_on_an_ordinary_command_imports_neither_json_nor_re(tmp_path: Path) -> None:
    program = f"EVENT = {hook_event('git status', cwd=tmp_path)!r}\nHOME = {str(tmp_path)!r}\n" + FAST_PATH_PROBE
    result = subprocess.run([sys.executable, "-S", "-c", program], cwd=REPO, capture_output=True, text=True,
                            timeout=60, env={"PYTHONPATH": str(REPO), "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    before, after_reading, after_run, code, output = ast.literal_eval(result.stdout)
    assert before == []  # the probe itself starts clean
    assert after_reading == []  # reading the event imports neither json nor re
    assert after_run == []  # and nothing on the way to the pass imports them (re and enum cost ~9 ms)
    assert (code, output) == (0, "")  # a pass: exit 0 and nothing printed
