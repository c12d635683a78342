"""guard.claude.hook_command: the one line of sh Claude Code runs for the guard, run for real with /bin/sh -c.

Each command gets a real hook event on stdin, as Claude Code gives it. When the
guard cannot run (its program is gone, or exits 1 like a broken venv) the
command must still block input that mentions aws and let everything else run;
when the guard runs, its answer must come through unchanged.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

import pytest

from guard.claude import hook_command
from tests.testing import BIN, REPO, Home, hook_event

GUARD = [sys.executable, "-m", "guard"]
NO_GUARD_PATH = "/usr/bin:/bin"  # a PATH without the guard on it: the checkout's venv is not there
REINSTALL = "aws-guard: the guard could not run, so a command that mentions aws is blocked; reinstall it"
PORTABLE_FIX = "install it so that `guard` is on PATH (or set AWS_GUARD_BIN to its program)"


def _sh(command: str, stdin: str, env: Mapping[str, str],
        cwd: Path | str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a hook command as Claude Code does: /bin/sh -c, the event on stdin."""
    return subprocess.run(["/bin/sh", "-c", command], input=stdin, env=dict(env), cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def _answer(stdout: str) -> dict[str, Any]:
    """The hookSpecificOutput of a hook's stdout, which must be exactly one JSON object."""
    return dict(json.loads(stdout)["hookSpecificOutput"])


def _failing(directory: Path) -> Path:
    """A program that exits 1 saying why on stderr, as a guard in a broken venv does."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "guard"
    script.write_text("#!/bin/sh\necho 'ModuleNotFoundError: No module named guard' >&2\nexit 1\n")
    script.chmod(0o755)
    return script


@pytest.fixture(params=["missing", "exits 1"])
def broken(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """A guard program that cannot run: one that does not exist, and one that exits 1."""
    if request.param == "missing":
        return [str(tmp_path / "gone" / "venv" / "bin" / "guard")]
    return [str(_failing(tmp_path / "broken venv" / "bin"))]


@pytest.fixture
def real_env(home: Home) -> dict[str, str]:
    """The seed home's environment, with this checkout importable by the interpreter the hook names."""
    return dict(home.env, PYTHONPATH=str(REPO))


# -- the guard cannot run ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["aws s3 ls", "AWS_PROFILE=Prod Aws s3 rm s3://b/k",
                                     "echo ok && aws sts get-caller-identity"])
def test_a_broken_guard_blocks_input_that_mentions_aws_and_says_how_to_reinstall(broken: list[str], home: Home,
                                                                                  command: str) -> None:
    result = _sh(hook_command.pretooluse(broken), hook_event(command), home.env)
    assert result.returncode == 0, result.stderr
    answer = _answer(result.stdout)
    assert answer["hookEventName"] == "PreToolUse" and answer["permissionDecision"] == "deny"
    reason = answer["permissionDecisionReason"]
    assert reason.startswith(REINSTALL)
    assert broken[0] in reason and "run `guard install` again in your own terminal" in reason
    assert result.stderr == ""  # the broken program's complaint is not shown as hook noise


@pytest.mark.parametrize("command", ["git status", "ls -la", "npm test"])
def test_a_broken_guard_lets_an_ordinary_command_run(broken: list[str], home: Home, command: str) -> None:
    result = _sh(hook_command.pretooluse(broken), hook_event(command), home.env)
    assert (result.returncode, result.stdout) == (0, "")


def test_a_broken_guard_blocks_a_file_tool_reading_the_aws_credentials(broken: list[str], home: Home) -> None:
    event = json.dumps({"session_id": "s", "cwd": "/tmp", "hook_event_name": "PreToolUse", "tool_name": "Read",
                        "permission_mode": "default", "tool_input": {"file_path": "/home/me/.aws/credentials"}})
    result = _sh(hook_command.pretooluse(broken), event, home.env)
    assert _answer(result.stdout)["permissionDecision"] == "deny"


def test_a_directory_named_aws_does_not_block_an_ordinary_command(broken: list[str], home: Home,
                                                                  tmp_path: Path) -> None:
    cwd = tmp_path / "aws-infra" / "AWS"
    cwd.mkdir(parents=True)
    event = hook_event("git status", cwd=cwd)
    assert "aws" in event.split('"tool_input"')[0].lower()  # the event mentions aws, but before the tool's input
    result = _sh(hook_command.pretooluse(broken), event, home.env, cwd=cwd)
    assert (result.returncode, result.stdout) == (0, "")


def test_a_broken_program_in_a_path_with_a_quote_still_gives_a_valid_deny(tmp_path: Path, home: Home) -> None:
    program = [str(_failing(tmp_path / "it's my venv" / "bin"))]
    result = _sh(hook_command.pretooluse(program, ["--config", str(tmp_path / "a policy.yaml")]),
                 hook_event("aws s3 ls"), home.env)
    assert _answer(result.stdout)["permissionDecision"] == "deny"
    assert "its my venv" in _answer(result.stdout)["permissionDecisionReason"]


def test_a_broken_guard_at_session_start_prints_nothing_and_succeeds(broken: list[str], home: Home) -> None:
    event = json.dumps({"session_id": "s", "cwd": "/tmp", "hook_event_name": "SessionStart", "source": "startup"})
    result = _sh(hook_command.session_start(broken, ["--config", "/etc/aws-guard.yaml"]), event, home.env)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


# -- the real guard ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command, verdict", [
    ("aws s3 ls", "deny"),  # names no profile
    ("aws --profile Prod s3 ls", "deny"),  # a denied account
    ("aws s3 ls --profile Writer", None),  # mentions aws, allowed: no deny from the fallback either
    ("git status", None),
])
def test_the_real_guards_answer_is_passed_through_unchanged(real_env: dict[str, str], rules_policy: Path,
                                                             tmp_path: Path, command: str,
                                                             verdict: str | None) -> None:
    event = hook_event(command, cwd=tmp_path)
    result = _sh(hook_command.pretooluse(GUARD, ["--config", str(rules_policy)]), event, real_env, cwd=tmp_path)
    direct = subprocess.run([*GUARD, "hook", "--config", str(rules_policy)], input=event, env=real_env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == direct.stdout  # exactly what the guard itself printed
    if verdict is None:
        assert result.stdout == ""
    else:
        answer = _answer(result.stdout)
        assert answer["permissionDecision"] == verdict
        assert not answer["permissionDecisionReason"].startswith(REINSTALL)


def test_the_real_guard_reads_the_policy_named_in_its_arguments(real_env: dict[str, str], rules_policy: Path,
                                                                 tmp_path: Path) -> None:
    policy = tmp_path / "my policies" / "rules.yaml"
    policy.parent.mkdir()
    shutil.copy(rules_policy, policy)
    command = hook_command.pretooluse(GUARD, ["--config", str(policy)])
    assert hook_command.arguments(command) == ["--config", str(policy)]
    result = _sh(command, hook_event("aws --profile Prod s3 ls"), real_env, cwd=tmp_path)
    assert "reaches account 999999999999, which the policy denies" in _answer(result.stdout)["permissionDecisionReason"]


def test_the_real_guard_in_a_directory_named_aws_lets_an_ordinary_command_run(real_env: dict[str, str],
                                                                               rules_policy: Path,
                                                                               tmp_path: Path) -> None:
    cwd = tmp_path / "aws"
    cwd.mkdir()
    result = _sh(hook_command.pretooluse(GUARD, ["--config", str(rules_policy)]), hook_event("git status", cwd=cwd),
                 real_env, cwd=cwd)
    assert (result.returncode, result.stdout) == (0, "")


def test_the_real_guard_at_session_start_briefs_the_agent(real_env: dict[str, str], rules_policy: Path,
                                                           tmp_path: Path) -> None:
    event = json.dumps({"session_id": "s", "cwd": str(tmp_path), "hook_event_name": "SessionStart"})
    result = _sh(hook_command.session_start(GUARD, ["--config", str(rules_policy)]), event, real_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    context = _answer(result.stdout)["additionalContext"]
    assert "checked by aws-guard" in context and "Patterned" in context  # the briefing of the policy named


# -- the portable form of committed settings --------------------------------------------------------------------------

def test_the_portable_command_runs_the_guard_named_by_aws_guard_bin(home: Home, rules_policy: Path) -> None:
    command = hook_command.pretooluse(None, ["--config", str(rules_policy)])
    env = dict(home.env, PATH=NO_GUARD_PATH, AWS_GUARD_BIN=str(BIN / "guard"))
    denied = _sh(command, hook_event("aws --profile Prod s3 ls"), env)
    assert "which the policy denies" in _answer(denied.stdout)["permissionDecisionReason"]
    assert (_sh(command, hook_event("git status"), env).stdout) == ""


def test_the_portable_command_finds_guard_on_path(home: Home, rules_policy: Path) -> None:
    command = hook_command.pretooluse(None, ["--config", str(rules_policy)])
    env = dict(home.env, PATH=f"{BIN}:{NO_GUARD_PATH}")
    denied = _sh(command, hook_event("aws --profile Prod s3 ls"), env)
    assert "which the policy denies" in _answer(denied.stdout)["permissionDecisionReason"]


@pytest.mark.parametrize("bin_var", [None, "/nowhere/guard"])
def test_the_portable_command_without_a_guard_blocks_aws_and_says_how_to_install(home: Home,
                                                                                 bin_var: str | None) -> None:
    command = hook_command.pretooluse(None)
    env = dict(home.env, PATH=NO_GUARD_PATH)
    if bin_var:
        env["AWS_GUARD_BIN"] = bin_var
    answer = _answer(_sh(command, hook_event("aws s3 ls"), env).stdout)
    assert answer["permissionDecision"] == "deny"
    assert PORTABLE_FIX in answer["permissionDecisionReason"]
    result = _sh(command, hook_event("git status"), env)
    assert (result.returncode, result.stdout) == (0, "")


# -- reading an installed command back ----------------------------------------------------------------------------

def test_a_generated_command_reads_back_its_program_and_arguments() -> None:
    program = ["/opt/my python/bin/python", "-m", "guard"]
    args = ["--config", "/etc/aws guard/policy.yaml"]
    pre, start = hook_command.pretooluse(program, args), hook_command.session_start(program, args)
    for command in (pre, start):
        assert command.endswith(" # aws-guard")
        assert hook_command.is_ours(command) and hook_command.generated(command)
        assert hook_command.program_of(command) == program
    assert hook_command.arguments(pre) == args
    assert hook_command.describe(pre) == ("runs /opt/my python/bin/python -m guard "
                                          "(hook --config /etc/aws guard/policy.yaml)")
    assert hook_command.arguments(hook_command.pretooluse(program)) == []
    assert hook_command.describe(hook_command.pretooluse(program)) == "runs /opt/my python/bin/python -m guard"


def test_the_portable_command_names_no_program_and_keeps_its_arguments() -> None:
    pre = hook_command.pretooluse(None, ["--config", "/etc/p.yaml"])
    start = hook_command.session_start(None)
    assert '"${AWS_GUARD_BIN:-guard}" hook --config /etc/p.yaml 2>/dev/null' in pre
    for command in (pre, start):
        assert hook_command.is_ours(command) and hook_command.generated(command)
        assert hook_command.program_of(command) is None
        assert hook_command.describe(command) == "runs guard, found on PATH when the hook runs (or $AWS_GUARD_BIN)"
    assert hook_command.arguments(pre) == ["--config", "/etc/p.yaml"]


@pytest.mark.parametrize("command, program, args, described", [
    ("/x/guard hook --config /a", ["/x/guard"], ["--config", "/a"], "runs /x/guard (hook --config /a)"),
    ("'/py' -m guard hook", ["/py", "-m", "guard"], [], "runs /py -m guard"),
    ("'/my venv/bin/guard' session-start", ["/my venv/bin/guard"], [], "runs /my venv/bin/guard"),
])
def test_an_older_plain_command_reads_back_its_program_and_arguments(command: str, program: list[str],
                                                                      args: list[str], described: str) -> None:
    assert hook_command.is_ours(command) and not hook_command.generated(command)
    assert hook_command.program_of(command) == program
    assert hook_command.arguments(command) == args
    assert hook_command.describe(command) == described


@pytest.mark.parametrize("command", [
    "sh -c '/x/guard hook --config /a'",
    "bash -c \"/x/guard hook\" # my own",
    "nice -n 5 /x/guard hook",
    "AWS_GUARD_CONFIG=/a /x/guard hook",
    "/x/guard hook | tee -a /tmp/guard.log",
    "/x/guard hook --config /a; echo done",
])
def test_a_users_own_wrapper_is_ours_but_not_generated_and_names_no_program(command: str) -> None:
    """A re-install must not rewrite these: the `nice`, the variable or the pipe would be lost or break the hook."""
    assert hook_command.is_ours(command) and not hook_command.generated(command)
    assert hook_command.program_of(command) is None and hook_command.arguments(command) == []
    assert hook_command.describe(command) == f"runs your own command: {command}"


@pytest.mark.parametrize("command", ["/opt/tools/guard hook.sh", "guard hook-thing", "my-guard hookup", "lint"])
def test_other_commands_are_not_ours(command: str) -> None:
    assert not hook_command.is_ours(command) and not hook_command.generated(command)


# -- why an installed program cannot start ------------------------------------------------------------------------

def test_program_problem_of_a_missing_program(tmp_path: Path) -> None:
    gone = str(tmp_path / "gone" / "python")
    for command in (hook_command.pretooluse([gone, "-m", "guard"]), f"{gone} -m guard hook"):
        assert hook_command.program_problem(command, os.environ) == f"{gone} is missing or not executable"


def test_program_problem_of_a_program_that_is_not_executable(tmp_path: Path) -> None:
    script = _failing(tmp_path / "bin")
    script.chmod(0o644)
    command = hook_command.pretooluse([str(script)])
    assert hook_command.program_problem(command, os.environ) == f"{script} is missing or not executable"


def test_program_problem_of_a_program_that_fails_says_what_it_said(tmp_path: Path) -> None:
    script = _failing(tmp_path / "bin")
    problem = hook_command.program_problem(hook_command.pretooluse([str(script)]), os.environ)
    assert problem == f"{script} does not run: ModuleNotFoundError: No module named guard"


def test_program_problem_of_a_working_guard_is_none(real_env: dict[str, str]) -> None:
    for command in (hook_command.pretooluse(GUARD), hook_command.session_start(GUARD), f"{BIN / 'guard'} hook"):
        assert hook_command.program_problem(command, real_env) is None


def test_program_problem_of_the_portable_command_looks_on_path_and_at_aws_guard_bin(home: Home) -> None:
    command = hook_command.pretooluse(None)
    missing = hook_command.program_problem(command, dict(home.env, PATH=NO_GUARD_PATH))
    assert missing == "`guard` is not on PATH (and AWS_GUARD_BIN is not set), so the hook cannot start"
    assert hook_command.program_problem(command, dict(home.env, PATH=f"{BIN}:{NO_GUARD_PATH}")) is None
    assert hook_command.program_problem(command, dict(home.env, PATH=NO_GUARD_PATH,
                                                      AWS_GUARD_BIN=str(BIN / "guard"))) is None


def test_program_problem_of_a_users_own_wrapper_is_left_to_running_it(home: Home) -> None:
    assert hook_command.program_problem("sh -c '/gone/guard hook'", home.env) is None


# -- a dry run, as `guard doctor` does it --------------------------------------------------------------------------

def test_dry_run_of_the_real_guard_returns_its_deny(real_env: dict[str, str], rules_policy: Path,
                                                     tmp_path: Path) -> None:
    command = hook_command.pretooluse(GUARD, ["--config", str(rules_policy)])
    answer = hook_command.dry_run(command, real_env, str(tmp_path))
    assert answer["hookEventName"] == "PreToolUse" and answer["permissionDecision"] == "deny"
    assert "names no profile" in answer["permissionDecisionReason"]
    assert hook_command.dry_run(command, real_env, str(tmp_path), "git status") == {}


def test_dry_run_of_a_broken_guard_returns_the_fallback_deny(broken: list[str], home: Home, tmp_path: Path) -> None:
    answer = hook_command.dry_run(hook_command.pretooluse(broken), home.env, str(tmp_path))
    assert answer["permissionDecision"] == "deny" and answer["permissionDecisionReason"].startswith(REINSTALL)


@pytest.mark.parametrize("command, error", [
    ("echo 'this is not json' # aws-guard", "it printed 'this is not json'"),
    ("echo '{\"decision\": \"block\"}'", "it printed '{\"decision\": \"block\"}'"),
    ("echo oops >&2; exit 3", "exit 3: oops"),
])
def test_dry_run_of_a_command_that_does_not_answer_is_an_error(home: Home, tmp_path: Path, command: str,
                                                               error: str) -> None:
    assert hook_command.dry_run(command, home.env, str(tmp_path)) == {"error": error}


def test_the_arguments_of_a_generated_session_start_command_read_back() -> None:
    command = hook_command.session_start(["/p/python", "-m", "guard"], ["--config", "/a b.yaml"])
    assert hook_command.arguments(command) == ["--config", "/a b.yaml"]
    assert hook_command.describe(command) == "runs /p/python -m guard (hook --config /a b.yaml)"


def test_program_problem_of_a_bare_guard_written_by_hand_looks_on_path(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "guard"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\necho guard 0.1.0\n")
    script.chmod(0o755)
    assert hook_command.program_problem("guard hook", {"PATH": f"{script.parent}:/usr/bin:/bin"}) is None
    assert hook_command.program_problem("guard hook", {"PATH": "/usr/bin:/bin"}) == \
        "`guard` is not on PATH, so the hook cannot start"
