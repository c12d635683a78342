"""The guard inside the real Claude Code CLI, driven by a fake Anthropic API on 127.0.0.1.

Claude Code (the npm package @anthropic-ai/claude-code, installed into this checkout's node_modules) runs
`claude -p` in a temporary project whose .claude/settings.json holds the guard as its PreToolUse hook. The fake
model (tests/e2e/fake_anthropic.py) proposes one Bash command; the test reads the tool_result Claude Code sends
back, and a fake `aws` first on PATH leaves a marker file if the command really ran. Nothing leaves loopback:
ANTHROPIC_BASE_URL points at the fake, and telemetry, error reporting, updates and other nonessential traffic
are switched off.

Install Claude Code first (skipped otherwise):

    npm install --no-save --no-package-lock @anthropic-ai/claude-code@2.1.197
"""
from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fake_anthropic import FakeAnthropic, tool_result_text
from tests.testing import BIN, REPO, SEED_CONFIG, SEED_CREDENTIALS, clean_env

INSTALL = "npm install --no-save --no-package-lock @anthropic-ai/claude-code@2.1.197"
GUARD = BIN / "guard"  # the entry point of the environment running the tests (absolute, no shim)
RUN_TIMEOUT = 120
POLICY = """\
version: 1
profiles:
  default:   {account: "111111111111", access: read-only}
  CustomerA: {account: "222222222222", access: read-only}
  Asker:     {account: "111111111111", access: ask-write}
verify_identity: false
"""
# Everything Claude Code would reach beyond ANTHROPIC_BASE_URL, switched off.
QUIET = {
    "DISABLE_TELEMETRY": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
}
ASK_HOOK = """#!/bin/sh
cat >/dev/null
printf '{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "ask", \
"permissionDecisionReason": "spike: asked"}}\\n'
"""


def _find_claude() -> tuple[Path | None, str]:
    """The runnable Claude Code and its --version, or (None, why not).

    npm's bin link (node_modules/.bin/claude) is the native binary once the package's postinstall has copied it
    over a stub; where install scripts were skipped, the platform package's own binary serves the same.
    AWS_GUARD_CLAUDE names another build to test.
    """
    if os.environ.get("AWS_GUARD_CLAUDE"):
        candidates = [Path(os.environ["AWS_GUARD_CLAUDE"])]
    else:
        candidates = [REPO / "node_modules" / ".bin" / "claude",
                      *sorted((REPO / "node_modules" / "@anthropic-ai").glob("claude-code-*/claude"))]
    why = f"Claude Code is not installed: {INSTALL}"
    for candidate in candidates:
        if not candidate.exists():
            continue
        try:
            done = subprocess.run([str(candidate), "--version"], capture_output=True, text=True, timeout=60,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as error:
            why = f"{candidate} does not run: {error}"
            continue
        if done.returncode == 0 and "Claude Code" in done.stdout:
            return candidate, done.stdout.strip()
        why = f"{candidate} --version failed: {(done.stdout + done.stderr).strip()[:300]}"
    return None, why


CLAUDE, CLAUDE_VERSION = _find_claude()


@dataclass
class Run:
    """One `claude -p` run against the fake API."""

    process: subprocess.CompletedProcess[str]
    api: FakeAnthropic
    seconds: float

    @property
    def result(self) -> dict[str, Any]:
        return json.loads(self.process.stdout)

    @property
    def tool_result(self) -> dict[str, Any]:
        assert len(self.api.tool_results) == 1, self.explain()
        return self.api.tool_results[0]

    @property
    def tool_text(self) -> str:
        return tool_result_text(self.tool_result)

    def explain(self) -> str:
        return (f"exit {self.process.returncode} after {self.seconds:.1f} s\nstdout: {self.process.stdout[-2000:]}\n"
                f"stderr: {self.process.stderr[-2000:]}\nrequests:\n{self.api.log_text()}")


class Workspace:
    """A temporary HOME (AWS config, guard policy), a project whose settings hold the hook, a fake `aws`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.project = root / "project"
        self.bin = root / "bin"
        self.marker = root / "aws-ran"
        self.dumps = root / "dumps"
        for folder in (self.home / ".aws", self.home / ".claude", self.project / ".claude", self.bin, self.dumps):
            folder.mkdir(parents=True)
        (self.home / ".aws" / "config").write_text(SEED_CONFIG)
        (self.home / ".aws" / "credentials").write_text(SEED_CREDENTIALS)
        (self.home / ".claude" / "aws-guard.yaml").write_text(POLICY)
        aws = self.bin / "aws"
        aws.write_text(f'#!/bin/sh\ntouch "{self.marker}"\necho "fake-aws $*"\n')
        aws.chmod(0o755)
        self.set_hooks([f"{GUARD} hook"])

    def set_hooks(self, commands: list[str]) -> None:
        """The project's PreToolUse hooks for Bash|Monitor, run in this order."""
        settings = {"hooks": {"PreToolUse": [{"matcher": "Bash|Monitor", "hooks": [
            {"type": "command", "command": command, "timeout": 30} for command in commands]}]}}
        (self.project / ".claude" / "settings.json").write_text(json.dumps(settings, indent=2))

    def script(self, name: str, text: str) -> Path:
        path = self.root / name
        path.write_text(text)
        path.chmod(0o755)
        return path

    def dump_hook(self) -> str:
        """A hook command that saves its environment and stdin (the hook input) and decides nothing."""
        return str(self.script("dump-hook", f'#!/bin/sh\nenv > "{self.dumps}/env"\ncat > "{self.dumps}/stdin"\n'))

    def env(self, api: FakeAnthropic) -> dict[str, str]:
        env = clean_env(self.home)
        for key in list(env):  # nothing of an outer Claude Code session leaks in
            if key.startswith(("ANTHROPIC_", "CLAUDE", "OTEL_", "AI_AGENT")):
                del env[key]
        env.update(QUIET)
        env.update(ANTHROPIC_BASE_URL=api.url, ANTHROPIC_API_KEY="sk-test", PATH=f"{self.bin}:{env['PATH']}")
        return env

    def claude(self, commands: str | list[str], *args: str, prompt: str = "list buckets") -> Run:
        with FakeAnthropic(commands) as api:
            start = time.monotonic()
            try:
                process = subprocess.run(
                    [str(CLAUDE), "-p", prompt, "--output-format", "json", "--allowedTools", "Bash", *args],
                    cwd=self.project, env=self.env(api), capture_output=True, text=True, timeout=RUN_TIMEOUT,
                    stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired as error:
                pytest.fail(f"claude -p did not finish within {RUN_TIMEOUT} s\nstdout: {error.stdout!r}\n"
                            f"stderr: {error.stderr!r}\nrequests:\n{api.log_text()}")
        run = Run(process, api, time.monotonic() - start)
        assert process.returncode == 0, run.explain()
        return run


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    if CLAUDE is None:
        pytest.skip(CLAUDE_VERSION)
    return Workspace(tmp_path)


def test_aws_without_profile_is_denied_and_never_runs(workspace: Workspace) -> None:
    run = workspace.claude("aws s3 ls")
    assert run.tool_result.get("is_error") is True, run.explain()
    assert run.tool_text.startswith("aws-guard: "), run.tool_text
    assert "--profile" in run.tool_text, run.tool_text
    assert not workspace.marker.exists(), "the denied aws command ran"
    denials = run.result["permission_denials"]
    assert [d["tool_input"]["command"] for d in denials] == ["aws s3 ls"], denials


def test_ordinary_command_runs(workspace: Workspace) -> None:
    run = workspace.claude("echo hello-from-bash")
    assert not run.tool_result.get("is_error"), run.explain()
    assert "hello-from-bash" in run.tool_text, run.explain()
    assert run.result["permission_denials"] == []


def test_allowed_aws_call_runs(workspace: Workspace) -> None:
    """The control for the marker: a call the guard passes does run (the fake aws on PATH)."""
    run = workspace.claude("aws s3 ls --profile default")
    assert not run.tool_result.get("is_error"), run.explain()
    assert "fake-aws s3 ls --profile default" in run.tool_text, run.explain()
    assert workspace.marker.exists()


def test_ask_write_is_denied_in_print_mode(workspace: Workspace) -> None:
    """An ask-write profile's write: Claude Code -p is a non-interactive session, so the guard denies."""
    run = workspace.claude("aws s3 rm s3://bucket/key --profile Asker")
    assert run.tool_result.get("is_error") is True, run.explain()
    assert "non-interactive session" in run.tool_text, run.tool_text
    assert not workspace.marker.exists()


def test_a_hook_that_asks_is_a_denial_in_print_mode(workspace: Workspace) -> None:
    """What the guard relies on: in -p nobody is asked, so `ask` from a hook never lets the command run."""
    workspace.set_hooks([str(workspace.script("ask-hook", ASK_HOOK))])
    run = workspace.claude("aws s3 ls --profile default")
    assert run.tool_result.get("is_error") is True, run.explain()
    assert run.tool_text == "spike: asked", run.tool_text
    assert not workspace.marker.exists(), "a command the hook asked about ran without anyone asked"


def test_what_claude_code_gives_the_hook(workspace: Workspace) -> None:
    """The environment and input the guard can count on, and where the transcript goes."""
    workspace.set_hooks([workspace.dump_hook(), f"{GUARD} hook"])
    run = workspace.claude("echo hello-from-bash")
    assert "hello-from-bash" in run.tool_text, run.explain()

    env = dict(line.split("=", 1) for line in (workspace.dumps / "env").read_text().splitlines() if "=" in line)
    assert env["CLAUDE_CODE_ENTRYPOINT"] == "sdk-cli"  # guard.workspace.NON_INTERACTIVE_ENTRYPOINTS
    assert env["CLAUDE_PROJECT_DIR"] == str(workspace.project)
    assert env["CLAUDECODE"] == "1"
    assert env["HOME"] == str(workspace.home)

    event = json.loads((workspace.dumps / "stdin").read_text())
    assert event["hook_event_name"] == "PreToolUse"
    assert event["tool_name"] == "Bash"
    assert event["tool_input"] == {"command": "echo hello-from-bash", "description": "Run the command"}
    assert event["permission_mode"] == "default"
    assert event["cwd"] == str(workspace.project)
    assert event["tool_use_id"] == run.tool_result["tool_use_id"]

    transcript = Path(event["transcript_path"])
    assert transcript.parent.parent == workspace.home / ".claude" / "projects"
    assert transcript.name == f"{event['session_id']}.jsonl"
    lines = [json.loads(line) for line in transcript.read_text().splitlines()]
    uses = [block for line in lines if line.get("type") == "assistant"
            for block in line["message"]["content"] if block.get("type") == "tool_use"]
    assert uses == [{"type": "tool_use", "id": event["tool_use_id"], "name": "Bash",
                     "input": event["tool_input"]}]
    assert {line.get("entrypoint") for line in lines if line.get("type") in ("user", "assistant")} == {"sdk-cli"}


def test_fake_api_answers_every_kind_of_request() -> None:
    """The fake itself: streamed and plain tool calls, text for side requests, token counts, HEAD and GET."""
    import urllib.error
    import urllib.request

    def call(api: FakeAnthropic, path: str, body: Any = None, method: str = "POST") -> tuple[int, str, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(api.url + path, data=data, method=method,
                                         headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.headers["content-type"], answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["content-type"], error.read()

    bash = [{"name": "Bash", "input_schema": {"type": "object"}}]
    first = {"model": "m", "max_tokens": 10, "tools": bash, "messages": [{"role": "user", "content": "go"}]}
    with FakeAnthropic("aws s3 ls", final_text="bye") as api:
        status, kind, raw = call(api, "/v1/messages?beta=true", dict(first, stream=True))
        assert (status, kind) == (200, "text/event-stream")
        events = [line[len("event: "):] for line in raw.decode().splitlines() if line.startswith("event: ")]
        assert events == ["message_start", "content_block_start", "content_block_delta", "content_block_delta",
                          "content_block_stop", "message_delta", "message_stop"]
        data = [json.loads(line[len("data: "):]) for line in raw.decode().splitlines() if line.startswith("data: ")]
        block = data[1]["content_block"]
        assert block["type"] == "tool_use" and block["name"] == "Bash" and block["id"].startswith("toolu_01")
        partial = "".join(d["delta"]["partial_json"] for d in data if d["type"] == "content_block_delta")
        assert json.loads(partial) == {"command": "aws s3 ls", "description": "Run the command"}
        assert data[5]["delta"]["stop_reason"] == "tool_use"

        status, _, raw = call(api, "/v1/messages", first)  # not streamed: the same turn as one JSON message
        message = json.loads(raw)
        assert message["stop_reason"] == "tool_use" and message["content"][0]["input"]["command"] == "aws s3 ls"

        result = {"type": "tool_result", "tool_use_id": block["id"], "content": [{"type": "text", "text": "no"}],
                  "is_error": True}
        second = dict(first, messages=[*first["messages"], {"role": "assistant", "content": [block]},
                                       {"role": "user", "content": [result]}])
        message = json.loads(call(api, "/v1/messages", second)[2])
        assert message["stop_reason"] == "end_turn" and message["content"] == [{"type": "text", "text": "bye"}]
        assert api.tool_results == [result] and tool_result_text(result) == "no"

        side = {"model": "haiku", "max_tokens": 1, "messages": [{"role": "user", "content": "quota"}]}
        assert json.loads(call(api, "/v1/messages", side)[2])["content"] == [{"type": "text", "text": "OK"}]
        assert json.loads(call(api, "/v1/messages/count_tokens", side)[2]) == {"input_tokens": 42}
        assert call(api, "/", method="HEAD")[0] == 200
        assert call(api, "/api/anything", method="GET")[0] == 404
        assert [r.path for r in api.requests] == ["/v1/messages", "/v1/messages", "/v1/messages", "/v1/messages",
                                                   "/v1/messages/count_tokens", "/", "/api/anything"]
        assert api.requests[0].query == "beta=true" and api.requests[0].body["stream"] is True
