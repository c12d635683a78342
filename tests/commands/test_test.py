"""`guard test`: the dry run a user types, as a real process."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from guard.main import VERBS
from tests.testing import REPO, Home, guard


def test_an_aws_call_without_profile_is_denied_naming_profile(home: Home) -> None:
    result = guard("test", "aws s3 ls", env=home.env, cwd=home.path)
    assert result.returncode == 2
    assert result.stdout.startswith("deny: ") and "--profile" in result.stdout.splitlines()[0]


def test_the_example_policy_passes_static_checks_for_customer_a(home: Home) -> None:
    example = REPO / "config" / "policy.example.yaml"
    result = guard("test", "--config", str(example), "aws s3 ls --profile CustomerA", env=home.env, cwd=home.path)
    assert "profile: CustomerA  (from --profile)" in result.stdout
    assert "account: 222222222222" in result.stdout
    static = [line for line in result.stdout.splitlines() if line.strip().startswith(("AG1", "AG2", "AG3"))]
    assert static == []


def test_human_output_shows_each_call_with_profile_and_source(home: Home, rules_policy: Path) -> None:
    result = guard("test", "--config", str(rules_policy),
                   "AWS_PROFILE=CustomerA aws s3 ls && bash -c 'aws ec2 describe-vpcs --profile default'",
                   env=home.env, cwd=home.path)
    assert result.returncode == 0, result.stdout
    assert "profile: CustomerA  (from AWS_PROFILE (inline))" in result.stdout
    assert "via:     bash -c" in result.stdout
    assert "profile: default  (from --profile)" in result.stdout


def test_json_output_has_the_documented_shape(home: Home, rules_policy: Path) -> None:
    result = guard("test", "--json", "--config", str(rules_policy), "aws ec2 describe-instances --prof CustomerA",
                   env=home.env, cwd=home.path)
    data = json.loads(result.stdout)
    assert data["decision"] == "pass" and result.returncode == 0
    call = data["calls"][0]
    assert call["argv"] == ["aws", "ec2", "describe-instances", "--prof", "CustomerA"]
    assert (call["profile"], call["profile_source"], call["account"]) == ("CustomerA", "--profile", "222222222222")
    assert (call["service"], call["operation"]) == ("ec2", "describe-instances")


def test_exit_codes_pass_deny_ask(home: Home, rules_policy: Path) -> None:
    codes = {cmd: guard("test", "--config", str(rules_policy), cmd, env=home.env).returncode
             for cmd in ("git status", "aws s3 ls", "aws s3 rb s3://b --profile Asker")}
    assert codes == {"git status": 0, "aws s3 ls": 2, "aws s3 rb s3://b --profile Asker": 3}


def test_from_file_prints_one_object_per_line_in_order(home: Home, rules_policy: Path, tmp_path: Path) -> None:
    commands = ["git status", "aws s3 ls", "aws s3 ls --profile CustomerA"]
    source = tmp_path / "commands.jsonl"
    source.write_text("\n".join(json.dumps(c) for c in commands) + "\n42\n")
    result = guard("test", "--json", "--config", str(rules_policy), "--from", str(source), env=home.env)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["command"] for line in lines[:3]] == commands
    assert [line["decision"] for line in lines] == ["pass", "deny", "pass", "error"]
    assert "line 4: expected a JSON string" in lines[3]["reason"]
    assert result.returncode == 2


def test_a_bad_policy_is_exit_1_with_a_message_not_a_traceback(home: Home) -> None:
    bad = home.write_policy("version: 1\nprofiles:\n  CustomerA: {account: '2222'}\n")
    result = guard("test", "aws s3 ls --profile CustomerA", env=home.env)
    assert result.returncode == 1
    assert result.stderr.startswith(f"guard: {bad}: profiles.CustomerA.account")
    assert "Traceback" not in result.stderr


def test_usage_errors_are_exit_1(home: Home) -> None:
    result = guard("test", env=home.env)
    assert result.returncode == 1 and "give either COMMAND or --from FILE" in result.stderr


@pytest.mark.parametrize("verb", [""] + [v[0] for v in VERBS])
def test_every_command_has_help(home: Home, verb: str) -> None:
    result = guard(*([verb] if verb else []), "--help", env=home.env)
    assert result.returncode == 0 and "usage: guard" in result.stdout


def _json(home: Home, policy: Path, *command: str) -> tuple[int, dict]:
    result = guard("test", "--json", "--config", str(policy), *command, env=home.env, cwd=home.path)
    assert result.stderr == "", result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.mark.parametrize("command", ["aws s3 ls --profile CustomerA", "aws s3 ls", "aws s3 rb s3://b --profile Asker",
                                     "aws s3 rb s3://b --profile CustomerA"])
def test_the_words_of_a_command_decide_as_the_quoted_command(home: Home, rules_policy: Path, command: str) -> None:
    quoted = _json(home, rules_policy, command)
    assert _json(home, rules_policy, "--", *command.split()) == quoted
    assert _json(home, rules_policy, *command.split()) == quoted
    assert quoted[1]["calls"][0]["argv"] == command.split()


def test_a_word_with_a_space_stays_one_word(home: Home, tmp_path: Path) -> None:
    policy = home.write_policy('version: 1\nprofiles:\n  "Customer A": {account: "222222222222", access: read-only}\n'
                               'verify_identity: false\n', str(tmp_path / "spaced.yaml"))
    with (home.aws / "config").open("a") as config:
        config.write("[profile Customer A]\nsource_profile = base\nrole_arn = arn:aws:iam::222222222222:role/R\n")
    code, data = _json(home, policy, "aws", "s3", "ls", "--profile", "Customer A")
    assert code == 0, data["reason"]
    call = data["calls"][0]
    assert call["argv"] == ["aws", "s3", "ls", "--profile", "Customer A"]
    assert (call["profile"], call["account"]) == ("Customer A", "222222222222")
    assert _json(home, policy, "aws s3 ls --profile 'Customer A'") == (code, data)
    # Joined back without quoting, the profile would be `Customer` and the call denied.
    code, split = _json(home, policy, "aws s3 ls --profile Customer A")
    assert code == 2 and split["calls"][0]["profile"] == "Customer"


def test_command_and_from_together_or_neither_is_a_usage_error(home: Home, rules_policy: Path, tmp_path: Path) -> None:
    source = tmp_path / "commands.jsonl"
    source.write_text('"aws s3 ls --profile CustomerA"\n')
    for args in (["--from", str(source), "aws s3 ls"], ["--from", str(source), "--", "aws", "s3", "ls"], [], ["--"]):
        result = guard("test", "--config", str(rules_policy), *args, env=home.env, cwd=home.path)
        assert result.returncode == 1, (args, result.stdout)
        assert result.stdout == "" and result.stderr == "guard: test: give either COMMAND or --from FILE\n", args


def test_the_guards_own_options_may_follow_a_quoted_command(home: Home, rules_policy: Path) -> None:
    """`guard test "aws s3 rb ..." --config F` decides under F, as the hook would; it never passes the command."""
    quoted = guard("test", "aws s3 rb s3://b --profile CustomerA", "--config", str(rules_policy), "--json",
                   env=home.env, cwd=home.path)
    assert quoted.returncode == 2 and json.loads(quoted.stdout)["calls"][0]["findings"][0]["rule"] == "AG301"
    odd = guard("test", "aws s3 ls", "--bogus", env=home.env, cwd=home.path)
    assert odd.returncode == 1 and "only --json, --config FILE and --from FILE may follow, not '--bogus'" in odd.stderr
