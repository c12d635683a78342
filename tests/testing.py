"""Test helpers: a seed AWS setup in a temporary HOME, policies, and running `guard` for real."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("AWS_GUARD_CORPORA", REPO.parent / "shared" / "corpora"))

# The configuration of the write-up in shared/seed, plus profiles that exercise each rule.
SEED_CONFIG = """\
[default]
region = ap-northeast-1
source_profile = base
role_arn = arn:aws:iam::111111111111:role/RoleA
mfa_serial = arn:aws:iam::333333333333:mfa/example.user
duration_seconds = 900
[profile CustomerA]
region = ap-northeast-1
source_profile = Access CustomerA
role_arn = arn:aws:iam::222222222222:role/RoleReadOnly
mfa_serial = arn:aws:iam::333333333333:mfa/example.user
duration_seconds = 900
[profile Writer]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/RoleAdmin
[profile Asker]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/RoleAdmin
[profile Prod]
source_profile = base
role_arn = arn:aws:iam::999999999999:role/RoleAdmin
[profile Drifted]
source_profile = base
role_arn = arn:aws:iam::444444444444:role/RoleReadOnly
[profile Loop]
source_profile = LoopBack
role_arn = arn:aws:iam::111111111111:role/RoleA
[profile LoopBack]
source_profile = Loop
role_arn = arn:aws:iam::111111111111:role/RoleA
"""
SEED_CREDENTIALS = """\
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
[Access CustomerA]
aws_access_key_id = AKIAIOSFODNN7EXAMPL2
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE2
"""
RULES_POLICY = """\
version: 1
profiles:
  default:   {account: "111111111111", access: read-only}
  CustomerA: {account: "222222222222", access: read-only}
  Writer:    {account: "111111111111", access: read-write}
  Asker:     {account: "111111111111", access: ask-write}
  Prod:      {account: "999999999999", access: read-only}
  Drifted:   {account: "555555555555", access: read-only}
  Loop:      {account: "111111111111", access: read-only}
  Ghost:     {account: "111111111111", access: read-only}
denied_accounts: ["999999999999"]
verify_identity: false
"""


@dataclass
class Home:
    """A fake HOME with ~/.aws set up; `env` is a clean environment pointing at it."""

    path: Path
    env: dict[str, str]

    @property
    def aws(self) -> Path:
        return self.path / ".aws"

    def write_policy(self, text: str, where: str = "user") -> Path:
        target = self.path / ".claude" / "aws-guard.yaml" if where == "user" else Path(where)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
        return target


def make_home(root: Path, config: str = SEED_CONFIG, credentials: str = SEED_CREDENTIALS) -> Home:
    home = root / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(config)
    (home / ".aws" / "credentials").write_text(credentials)
    return Home(home, clean_env(home))


def clean_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test process's environment without AWS_*/CLAUDE_* variables, HOME and caches in the temp dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLAUDE_", "XDG_"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".state"))
    env.update(extra or {})
    return env


def guard(*args: str, env: Mapping[str, str], cwd: Path | str | None = None, stdin: str | None = None,
          timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the installed `guard` entry point as a separate process."""
    return subprocess.run([sys.executable, "-m", "guard", *args], env=dict(env), cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def hook_event(command: str, cwd: Path | str = "/tmp", tool: str = "Bash", mode: str = "default") -> str:
    return json.dumps({
        "session_id": "test-session", "transcript_path": "/tmp/t.jsonl", "cwd": str(cwd),
        "hook_event_name": "PreToolUse", "tool_name": tool, "permission_mode": mode,
        "tool_input": {"command": command, "description": "test"},
    })
