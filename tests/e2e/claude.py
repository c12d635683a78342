"""Helpers to run the real Claude Code CLI (`claude -p`) against tests/e2e/fake_anthropic.py.

Claude Code comes from npm: `.ci/run` installs each of VERSIONS under this checkout's .claude-code/. Nothing
leaves loopback:
ANTHROPIC_BASE_URL points at the fake API, and telemetry, error reporting, updates and other nonessential traffic
are switched off (strace showed connections to 127.0.0.1 only).
"""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fake_anthropic import FakeAnthropic, tool_result_text
from tests.testing import REPO, clean_env

# The latest release and the oldest supported (the last whose npm wrapper accepts Node 20; later ones install
# on Node 20 with a warning, and their native binary needs no Node). Keep in step with .ci/run.
VERSIONS = ("2.1.332", "2.1.197")
RUN_TIMEOUT = 120
QUIET = {
    "DISABLE_TELEMETRY": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
}


def find_claude(version: str) -> tuple[Path | None, str]:
    """The runnable Claude Code `version` and its --version, or (None, why not).

    npm's bin link is the native binary once the package's postinstall has linked it over a stub; where install
    scripts were skipped, the platform package's own binary serves.
    """
    modules = REPO / ".claude-code" / version / "node_modules"
    candidates = [modules / ".bin" / "claude", *sorted((modules / "@anthropic-ai").glob("claude-code-*/claude"))]
    why = f"Claude Code {version} is not installed; run: bash .ci/run (it installs it under .claude-code/)"
    for candidate in candidates:
        if not candidate.exists():
            continue
        try:
            done = subprocess.run([str(candidate), "--version"], capture_output=True, text=True, timeout=60,
                                  stdin=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            why = f"{candidate} does not run: {error}"
            continue
        if done.returncode == 0 and done.stdout.startswith(f"{version} (Claude Code)"):
            return candidate, done.stdout.strip()
        why = f"{candidate} --version failed: {(done.stdout + done.stderr).strip()[:300]}"
    return None, why


class Run:
    """One `claude -p` run: its process, the fake API it talked to, and the one tool result."""

    def __init__(self, process: subprocess.CompletedProcess[str], api: FakeAnthropic, seconds: float) -> None:
        self.process = process
        self.api = api
        self.seconds = seconds

    @property
    def result(self) -> dict[str, Any]:
        return json.loads(self.process.stdout)

    @property
    def tool_result(self) -> dict[str, Any]:
        assert len(self.api.tool_results) == 1, self.explain()
        return self.api.tool_results[0]

    @property
    def denied(self) -> bool:
        return self.tool_result.get("is_error") is True

    @property
    def text(self) -> str:
        return tool_result_text(self.tool_result)

    def explain(self) -> str:
        return (f"exit {self.process.returncode} after {self.seconds:.1f} s\nstdout: {self.process.stdout[-2000:]}\n"
                f"stderr: {self.process.stderr[-2000:]}\nrequests:\n{self.api.log_text()}")


def claude_env(home: Path, api: FakeAnthropic, extra: dict[str, str]) -> dict[str, str]:
    env = clean_env(home, extra)
    for key in list(env):  # nothing of an outer Claude Code session leaks in
        if key.startswith(("ANTHROPIC_", "CLAUDE", "OTEL_", "AI_AGENT")):
            del env[key]
    env.update(QUIET)
    env.update(ANTHROPIC_BASE_URL=api.url, ANTHROPIC_API_KEY="sk-test")
    return env


def run_claude(claude: Path, project: Path, home: Path, commands: str | list[str], extra_env: dict[str, str],
               prompt: str = "do it") -> Run:
    """`claude -p PROMPT --output-format json --allowedTools Bash` with the fake model proposing `commands`.

    --allowedTools Bash keeps Claude Code's own permission prompt out of the way, so a denial can only come
    from the hook.
    """
    with FakeAnthropic(commands) as api:
        start = time.monotonic()
        try:
            process = subprocess.run(
                [str(claude), "-p", prompt, "--output-format", "json", "--allowedTools", "Bash"],
                cwd=project, env=claude_env(home, api, extra_env), capture_output=True, text=True,
                timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired as error:
            pytest.fail(f"claude -p did not finish within {RUN_TIMEOUT} s\nstdout: {error.stdout!r}\n"
                        f"stderr: {error.stderr!r}\nrequests:\n{api.log_text()}")
    run = Run(process, api, time.monotonic() - start)
    assert process.returncode == 0, run.explain()
    return run
