"""What the guard counts on in Claude Code itself, checked in the real CLI (see tests/e2e/claude.py).

The hook's environment and input (CLAUDE_CODE_ENTRYPOINT=sdk-cli in -p mode is how the guard knows nobody can be
asked), where the transcript that `guard replay` reads is written, that a hook's `ask` never lets a command run
in -p mode, and the fake API itself.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.e2e.claude import run_claude
from tests.e2e.fake_anthropic import FakeAnthropic, tool_result_text

ASK_HOOK = (
    "#!/bin/sh\ncat >/dev/null\n"
    "printf '%s\\n' '{\"hookSpecificOutput\": {\"hookEventName\": \"PreToolUse\", \"permissionDecision\": \"ask\", "
    "\"permissionDecisionReason\": \"contract: asked\"}}'\n"
)


def _project(root: Path, hooks: list[str]) -> tuple[Path, Path]:
    home, project = root / "home", root / "project"
    (project / ".claude").mkdir(parents=True)
    home.mkdir()
    settings = {"hooks": {"PreToolUse": [{"matcher": "Bash|Monitor", "hooks": [
        {"type": "command", "command": command, "timeout": 30} for command in hooks]}]}}
    (project / ".claude" / "settings.json").write_text(json.dumps(settings))
    return home, project


def _script(path: Path, text: str) -> str:
    path.write_text(text)
    path.chmod(0o755)
    return str(path)


def test_what_claude_code_gives_the_hook(claude: Path, tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    hook = _script(tmp_path / "dump-hook", f'#!/bin/sh\nenv > "{dumps}/env"\ncat > "{dumps}/stdin"\n')
    home, project = _project(tmp_path, [hook])
    run = run_claude(claude, project, home, "echo hello-from-bash", {})
    assert "hello-from-bash" in run.text, run.explain()

    env = dict(line.split("=", 1) for line in (dumps / "env").read_text().splitlines() if "=" in line)
    assert env["CLAUDE_CODE_ENTRYPOINT"] == "sdk-cli"  # guard.claude.protocol.NON_INTERACTIVE_ENTRYPOINTS
    # guard.claude.protocol.interactive reads this first: 2.1.332 sets it (0 in -p mode), 2.1.197 does not.
    assert env.get("CLAUDE_CODE_SESSION_ATTENDED") == ("0" if "2.1.332" in str(claude) else None)
    assert env["CLAUDE_PROJECT_DIR"] == str(project)
    event = json.loads((dumps / "stdin").read_text())
    assert (event["hook_event_name"], event["tool_name"], event["permission_mode"]) == ("PreToolUse", "Bash", "default")
    assert event["tool_input"]["command"] == "echo hello-from-bash" and event["cwd"] == str(project)

    transcript = Path(event["transcript_path"])
    assert transcript.parent.parent == home / ".claude" / "projects"
    lines = [json.loads(line) for line in transcript.read_text().splitlines()]
    uses = [block for line in lines if line.get("type") == "assistant"
            for block in line["message"]["content"] if block.get("type") == "tool_use"]
    assert [(u["name"], u["input"]["command"]) for u in uses] == [("Bash", "echo hello-from-bash")]


def test_a_hook_that_asks_never_lets_the_command_run_in_print_mode(claude: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    home, project = _project(tmp_path, [_script(tmp_path / "ask-hook", ASK_HOOK)])
    run = run_claude(claude, project, home, f"touch {marker}", {})
    assert run.denied and run.text.endswith("contract: asked"), run.explain()
    assert not marker.exists()


def _call(api: FakeAnthropic, path: str, body: Any = None, method: str = "POST") -> tuple[int, str, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(api.url + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers["content-type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["content-type"], error.read()


def test_fake_api_answers_every_kind_of_request() -> None:
    """Streamed and plain tool calls, text for side requests, token counts, HEAD and GET."""
    bash = [{"name": "Bash", "input_schema": {"type": "object"}}]
    first = {"model": "m", "max_tokens": 10, "tools": bash, "messages": [{"role": "user", "content": "go"}]}
    with FakeAnthropic("aws s3 ls", final_text="bye") as api:
        status, kind, raw = _call(api, "/v1/messages?beta=true", dict(first, stream=True))
        assert (status, kind) == (200, "text/event-stream")
        events = [line[len("event: "):] for line in raw.decode().splitlines() if line.startswith("event: ")]
        assert events == ["message_start", "content_block_start", "content_block_delta", "content_block_delta",
                          "content_block_stop", "message_delta", "message_stop"]
        data = [json.loads(line[len("data: "):]) for line in raw.decode().splitlines() if line.startswith("data: ")]
        block = data[1]["content_block"]
        assert block["type"] == "tool_use" and block["name"] == "Bash"
        partial = "".join(d["delta"]["partial_json"] for d in data if d["type"] == "content_block_delta")
        assert json.loads(partial)["command"] == "aws s3 ls"
        assert data[5]["delta"]["stop_reason"] == "tool_use"

        result = {"type": "tool_result", "tool_use_id": block["id"], "content": [{"type": "text", "text": "no"}],
                  "is_error": True}
        second = dict(first, messages=[*first["messages"], {"role": "assistant", "content": [block]},
                                       {"role": "user", "content": [result]}])
        message = json.loads(_call(api, "/v1/messages", second)[2])
        assert message["stop_reason"] == "end_turn" and message["content"] == [{"type": "text", "text": "bye"}]
        assert api.tool_results == [result] and tool_result_text(result) == "no"
        side = {"model": "haiku", "max_tokens": 1, "messages": [{"role": "user", "content": "quota"}]}
        assert json.loads(_call(api, "/v1/messages", side)[2])["content"] == [{"type": "text", "text": "OK"}]
        assert json.loads(_call(api, "/v1/messages/count_tokens", side)[2]) == {"input_tokens": 42}
        assert _call(api, "/", method="HEAD")[0] == 200
