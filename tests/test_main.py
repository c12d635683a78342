"""The `guard` command line (guard.main): version, usage errors, error-to-exit-code mapping, the hook's own
argument handling, and `python -m guard` against the installed console script."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from guard import __version__
from guard.main import EXIT_CODES, VERBS
from tests.testing import Home, guard, hook_event

SCRIPT = Path(sys.executable).parent / "guard"


def test_version_is_printed_and_exit_0(home: Home) -> None:
    result = guard("--version", env=home.env)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"guard {__version__}\n", "")


def usage_error(result: subprocess.CompletedProcess[str], prog: str = "guard") -> list[str]:
    """The lines of a usage error: exit 1 (2 would read as deny), nothing on stdout, no traceback.

    The message comes first as `guard: ...`, then the usage line and where to read more.
    """
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("guard: ")
    assert f"usage: {prog} " in result.stderr
    assert lines[-1] == f"(see `{prog} --help`)"
    return lines


def test_no_verb_is_a_usage_error_on_stderr(home: Home) -> None:
    lines = usage_error(guard(env=home.env))
    assert lines[0] == "guard: the following arguments are required: COMMAND"


def test_an_unknown_verb_is_a_usage_error_listing_the_verbs(home: Home) -> None:
    result = guard("tset", "aws s3 ls", env=home.env)
    lines = usage_error(result)
    assert "invalid choice: 'tset'" in lines[0]
    assert all(f"'{name}'" in result.stderr for name, *_ in VERBS)


def test_an_unknown_option_of_a_verb_is_a_usage_error(home: Home) -> None:
    lines = usage_error(guard("status", "--verbose", env=home.env))
    assert lines[0] == "guard: unrecognized arguments: --verbose"


def test_a_bad_choice_of_a_verb_shows_that_verbs_usage(home: Home) -> None:
    lines = usage_error(guard("log", "--decision", "allow", env=home.env), prog="guard log")
    assert lines[0].startswith("guard: argument --decision: invalid choice: 'allow'")


def _words(text: str) -> str:
    """Text with its line wrapping undone: argparse wraps the epilog to the terminal's width."""
    return " ".join(text.split())


@pytest.mark.parametrize("verb", [""] + [name for name, *_ in VERBS])
def test_help_ends_with_the_exit_codes(home: Home, verb: str) -> None:
    result = guard(*([verb] if verb else []), "--help", env=dict(home.env, COLUMNS="80"))
    assert result.returncode == 0 and result.stderr == ""
    assert _words(result.stdout).endswith(_words(EXIT_CODES))
    assert "2 deny" in EXIT_CODES and "1 the guard could not run" in EXIT_CODES and "141" in EXIT_CODES


def test_a_closed_output_pipe_is_exit_141_without_a_word(home: Home, rules_policy: Path, tmp_path: Path) -> None:
    # Far more output than a pipe holds, so the guard is still writing when `head` has gone.
    commands = [f"aws s3 ls s3://bucket-{n} --profile CustomerA" if n % 2 else f"aws s3 ls s3://bucket-{n}"
                for n in range(3000)]
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps(c) + "\n" for c in commands))
    err, code = tmp_path / "stderr", tmp_path / "code"
    script = '{ "$0" -m guard test --config "$1" --from "$2" 2>"$3"; echo $? >"$4"; } | head -1'
    result = subprocess.run(["/bin/sh", "-c", script, sys.executable, str(rules_policy), str(source), str(err),
                             str(code)], env=home.env, cwd=home.path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr == ""
    [line] = result.stdout.splitlines()
    assert json.loads(line)["command"] == commands[0] and json.loads(line)["decision"] == "deny"
    assert code.read_text().strip() == "141"
    assert err.read_text() == ""


def _broken_settings(home: Home) -> Path:
    target = home.path / ".claude" / "settings.json"
    target.parent.mkdir(parents=True)
    target.write_text("{")
    return target


@pytest.mark.parametrize("case", ["missing policy (test)", "missing policy (verify)", "bad policy", "bad since",
                                  "no command", "bad settings", "missing transcript"])
def test_guard_errors_are_exit_1_with_one_guard_line_and_no_traceback(home: Home, tmp_path: Path, case: str) -> None:
    missing = tmp_path / "missing.yaml"
    bad = home.write_policy("version: 1\nprofiles:\n  CustomerA: {account: '2222'}\n", str(tmp_path / "bad.yaml"))
    args, expected = {
        "missing policy (test)": (["test", "--config", str(missing), "aws s3 ls --profile CustomerA"],
                                  f"{missing}: policy file not found"),
        "missing policy (verify)": (["verify", "--config", str(missing)], f"{missing}: policy file not found"),
        "bad policy": (["test", "--config", str(bad), "aws s3 ls --profile CustomerA"],
                       f"{bad}: profiles.CustomerA.account: expected 12 digits"),
        "bad since": (["log", "--since", "soon"], "log: --since 'soon': expected a duration"),
        "no command": (["test"], "test: give either COMMAND or --from FILE"),
        "bad settings": (["install", "--user"], f"{home.path / '.claude' / 'settings.json'}: not valid JSON"),
        "missing transcript": (["replay", str(tmp_path / "gone.jsonl")], f"replay: {tmp_path / 'gone.jsonl'}: "),
    }[case]
    if case == "bad settings":
        _broken_settings(home)
    result = guard(*args, env=home.env, cwd=home.path)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"guard: {expected}")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("args", [["extra"], ["--config"], ["--config", "a.yaml", "b.yaml"], ["--verbose"],
                                  ["--config=a.yaml", "--json"], ["-c", "a.yaml"]])
def test_hook_with_unexpected_arguments_denies_and_exits_0(home: Home, args: list[str]) -> None:
    result = guard("hook", *args, env=home.env, stdin=hook_event("git status"))
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])["hookSpecificOutput"]
    assert (out["hookEventName"], out["permissionDecision"]) == ("PreToolUse", "deny")
    assert out["permissionDecisionReason"] == (f"aws-guard: guard hook: unexpected arguments {args}; "
                                               "expected [--config FILE]")


@pytest.mark.parametrize("form", ["--config=FILE", "--config FILE"])
def test_hook_takes_its_policy_from_either_config_form(home: Home, rules_policy: Path, form: str) -> None:
    flags = [f"--config={rules_policy}"] if "=" in form else ["--config", str(rules_policy)]
    # The rules policy's CustomerA is read-only: a deny naming that file shows the file was used.
    denied = guard("hook", *flags, env=home.env, stdin=hook_event("aws s3 rb s3://b --profile CustomerA"))
    assert denied.returncode == 0
    out = json.loads(denied.stdout)["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"
    assert f"({rules_policy}: profiles.CustomerA)" in out["permissionDecisionReason"]
    passed = guard("hook", *flags, env=home.env, stdin=hook_event("aws s3 ls --profile CustomerA"))
    assert (passed.returncode, passed.stdout) == (0, "")


def _script(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args, code", [
    (["git status"], 0),
    (["aws s3 ls"], 2),
    (["aws s3 rb s3://b --profile Asker"], 3),
    (["--json", "AWS_PROFILE=CustomerA aws s3 ls && bash -c 'aws ec2 describe-vpcs --profile Prod'"], 2),
    ([], 1),
])
def test_python_m_guard_and_the_console_script_agree_on_test(home: Home, rules_policy: Path, args: list[str],
                                                             code: int) -> None:
    assert SCRIPT.is_file(), "the `guard` console script is installed beside this interpreter"
    argv = ["test", "--config", str(rules_policy), *args]
    module = guard(*argv, env=home.env, cwd=home.path)
    script = _script(*argv, env=home.env, cwd=home.path)
    assert module.returncode == script.returncode == code
    assert module.stdout == script.stdout and module.stderr == script.stderr
