"""Test helpers: a seed AWS setup in a temporary HOME, policies, and running `guard` for real."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from guard import wiring
from guard.policy.decision import decide
from guard.policy.model import Decision

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
[profile Patterned]
source_profile = Access CustomerA
role_arn = arn:aws:iam::222222222222:role/RoleReadOnly
region = ap-northeast-1
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
  Patterned:
    account: "222222222222"
    access: read-only
    allow: ["ssm:start-session", "ecr:get-login-password", "ssm:get-parameters-*", "sts:assume-role"]
    deny: ["iam:*", "ec2:terminate-*"]
    regions: [ap-northeast-1, eu-west-1]
denied_accounts: ["999999999999"]
verify_identity: false
"""

# Profiles for identity checks against moto: static keys (moto says 123456789012), a role in 222222222222
# without MFA, the seed's MFA role, and a credential_process that hangs.
IDENTITY_CONFIG = """\
[profile keys]
region = us-east-1
[profile RoleB]
source_profile = keys
role_arn = arn:aws:iam::222222222222:role/RoleReadOnly
region = us-east-1
[profile CustomerA]
source_profile = keys
role_arn = arn:aws:iam::222222222222:role/RoleReadOnly
mfa_serial = arn:aws:iam::333333333333:mfa/example.user
duration_seconds = 900
region = ap-northeast-1
[profile slow]
credential_process = sleep 60
"""
# The policy for those: each declared in 222222222222, so `keys` (moto: 123456789012) is live elsewhere.
IDENTITY_POLICY = """\
version: 1
profiles:
  RoleB:     {account: "222222222222", access: read-only}
  CustomerA: {account: "222222222222", access: read-only}
  keys:      {account: "222222222222", access: read-only}
  slow:      {account: "222222222222", access: read-only}
verify_identity: true
verify_timeout_seconds: 2
"""
IDENTITY_CREDENTIALS = "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMIEXAMPLEKEY\n"


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


# ~/.aws/cli/alias of the seed home: the rule examples use these.
SEED_ALIASES = """\
[toplevel]
whoami = sts get-caller-identity --profile CustomerA
ls-buckets = s3 ls
as-other = --profile Other
shell-alias = !f() { aws s3 ls; }; f
loop-a = loop-b
loop-b = loop-a
"""


Decide = Callable[..., Decision]


def decider(home: Home, policy: Path) -> Decide:
    """decide(command) as the hook would, in `home` under `policy`.

    Keywords are extra environment variables, except `permission_mode` and
    `interactive`, which go to the context as the hook's event would give them.
    """
    def run(command: str, permission_mode: str = "default", interactive: bool | None = True,
            **env: str) -> Decision:
        ctx = wiring.context(str(policy), dict(home.env, **env), str(home.path), permission_mode=permission_mode,
                             interactive=interactive)
        return decide(command, ctx)

    return run


# Settings a user already has: the guard must merge with them and keep every one.
USER_SETTINGS = {
    "permissions": {"allow": ["Bash(npm test)"]},
    "env": {"FOO": "bar"},
    "hooks": {
        "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "/usr/local/bin/lint-hook"}]}],
        "PostToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "prettier --write"}]}],
    },
}


def git_project(root: Path) -> Path:
    """A git repository with a subdirectory, as a project Claude Code is started in."""
    (root / "sub").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def make_home(root: Path, config: str = SEED_CONFIG, credentials: str = SEED_CREDENTIALS) -> Home:
    home = root / "home"
    (home / ".aws" / "cli").mkdir(parents=True)
    (home / ".aws" / "config").write_text(config)
    (home / ".aws" / "credentials").write_text(credentials)
    (home / ".aws" / "cli" / "alias").write_text(SEED_ALIASES)
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


# -- a real STS on loopback, and the real AWS CLI ------------------------------------------------

BIN = Path(sys.executable).parent


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """moto's standalone server on 127.0.0.1, started and stopped by the tests themselves."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "MotoServer":
        import time
        import urllib.request

        self.process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto server did not start within 30 s")

    def reset(self) -> None:
        import urllib.request

        urllib.request.urlopen(urllib.request.Request(self.url + "/moto-api/reset", method="POST"), timeout=5).close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def aws_cli(*args: str, env: Mapping[str, str], stdin: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real AWS CLI (awscli from PyPI) as a separate process without a controlling terminal.

    start_new_session detaches it from any terminal, so botocore's MFA prompt
    (getpass) reads the code from stdin as a user's terminal would give it.
    """
    return subprocess.run([str(BIN / "aws"), *args], env=dict(env), input=stdin, capture_output=True, text=True,
                          timeout=timeout, start_new_session=True)


def login(home: Home, profile: str = "CustomerA") -> None:
    """Log in as the user does in their own terminal: the real AWS CLI asks for the MFA code and caches the session."""
    result = aws_cli("sts", "get-caller-identity", "--profile", profile, env=home.env, stdin="123456\n")
    assert result.returncode == 0, result.stderr
    assert "Enter MFA code" in result.stderr


def literal_duplicates(path: Path) -> list[str]:
    """Keys written twice in one dict literal, and items twice in one frozenset({...}) literal, of a source file.

    A dict literal keeps the last of two equal keys silently, so a data table must hold none.
    """
    import ast

    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            items = [ast.unparse(key) for key in node.keys if key is not None]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "frozenset" and node.args:
            items = [ast.unparse(element) for element in getattr(node.args[0], "elts", [])]
        else:
            continue
        found.extend(sorted({item for item in items if items.count(item) > 1}))
    return found


def wait_for_audit(path: Path, count: int, timeout: float = 20) -> list[dict]:
    """The audit records once `count` have arrived: the detached writer (guard.audit.trail) appends them after the hook."""
    import time

    import pytest

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= count:
            return [json.loads(line) for line in lines]
        time.sleep(0.1)
    pytest.fail(f"expected {count} audit records in {path}")
