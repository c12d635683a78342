"""guard.policy.rules.shell (AG0xx, AG501): judgements on the whole command line, before any aws call.

Against the seed ~/.aws and the rules policy (tests/testing.py); HOME is the temporary home.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from guard import wiring
from guard.aws import protected_files
from guard.policy.model import DENY, PASS, Decision
from guard.policy.rules import shell
from guard.shell.scan import scan
from tests.testing import Decide, Home, decider


@pytest.fixture
def run(home: Home, rules_policy: Path) -> Decide:
    return decider(home, rules_policy)


def problems(decision: Decision) -> list[tuple[str, str]]:
    return [(p.rule, p.message) for p in decision.problems]


# -- AG501 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command, named", [
    ("wc -l < ~/.aws/credentials", "~/.aws/credentials"),
    ("echo '[profile x]' > ~/.aws/config", "~/.aws/config"),
    ("echo x 2>> $HOME/.aws/cli/cache/x.json", "$HOME/.aws/cli/cache/x.json"),
    ("cat x | tee -a ~/.aws/credentials", "~/.aws/credentials"),
    ("exec 3< ~/.aws/sso/cache/token.json", "~/.aws/sso/cache/token.json"),
    ("F=~/.aws/credentials; cat $F", "~/.aws/credentials"),
    ("F=~/.aws/credentials cat notes.txt", "~/.aws/credentials"),
    ("export AWS_SHARED_CREDENTIALS_FILE=~/.aws/credentials", "~/.aws/credentials"),
])
def test_redirections_arguments_and_assignments_naming_the_cli_files_are_denied(run: Decide, command: str,
                                                                               named: str) -> None:
    decision = run(command)
    assert decision.verdict == DENY
    assert problems(decision) == [("AG501", protected_files.message(named))]


def test_the_message_names_the_word_and_the_commands_to_use_instead(run: Decide) -> None:
    decision = run('cat "$HOME/.aws/credentials"')
    assert decision.reason == (
        '`"$HOME/.aws/credentials"` names the AWS CLI\'s credential or config files (~/.aws, or the files '
        "AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name); the agent may not read or change them. Use "
        "`aws configure list --profile P` or `guard doctor` to inspect a profile")


def test_only_the_first_protected_word_is_reported(run: Decide) -> None:
    assert problems(run("cat ~/.aws/config ~/.aws/credentials")) == [
        ("AG501", protected_files.message("~/.aws/config"))]


@pytest.mark.parametrize("variable", ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"])
@pytest.mark.parametrize("command", ["cat /srv/keys/aws.ini", "grep key < /srv/keys/aws.ini",
                                     "cp /srv/keys/aws.ini /tmp/", "echo x >> /srv/keys/aws.ini"])
def test_the_files_the_environment_points_the_cli_at_are_protected_too(run: Decide, variable: str,
                                                                       command: str) -> None:
    decision = run(command, **{variable: "/srv/keys/aws.ini"})
    assert decision.verdict == DENY
    assert [rule for rule, _ in problems(decision)] == ["AG501"]
    assert "/srv/keys/aws.ini" in decision.reason


def test_a_tilde_in_the_configured_file_is_matched_as_written_and_expanded(run: Decide, home: Home) -> None:
    assert run("cat ~/keys.ini", AWS_CONFIG_FILE="~/keys.ini").verdict == DENY
    assert run(f"cat {home.path}/keys.ini", AWS_CONFIG_FILE="~/keys.ini").verdict == DENY


def test_other_files_stay_readable_when_the_environment_names_a_config_file(run: Decide) -> None:
    decision = run("cat /srv/keys/other.ini", AWS_CONFIG_FILE="/srv/keys/aws.ini")
    assert decision.verdict == PASS, decision.reason


@pytest.mark.parametrize("command", [
    "ls ~/.awsome", "echo ~/.aws-notes", "cat /tmp/x.aws", "git log -- .aws.md", "cat ~/aws/credentials",
])
def test_names_that_only_resemble_the_cli_files_pass(run: Decide, command: str) -> None:
    decision = run(command)
    assert decision.verdict == PASS, decision.reason


def test_a_protected_file_denies_the_command_even_when_its_aws_calls_pass(run: Decide) -> None:
    decision = run("aws s3 ls --profile CustomerA && cat ~/.aws/credentials")
    assert decision.verdict == DENY
    assert [rule for rule, _ in problems(decision)] == ["AG501"]
    assert decision.findings == []  # the call itself is fine
    assert [c.profile for c in decision.calls] == ["CustomerA"]


def test_protected_file_judges_the_scan_it_is_given(home: Home, rules_policy: Path) -> None:
    ctx = wiring.context(str(rules_policy), home.env, str(home.path))
    assert shell.protected_file(scan("aws s3 cp ~/.aws/config s3://b/ --profile Writer"), ctx) == [
        (DENY, protected_files.message("~/.aws/config"))]
    assert shell.protected_file(scan("aws s3 cp ./config s3://b/ --profile Writer"), ctx) == []


# -- AG001-AG003 ---------------------------------------------------------------------------------------------


def test_an_unreadable_command_says_what_both_parsers_said(run: Decide) -> None:
    decision = run("aws s3 ls --profile CustomerA 'unterminated")
    ((rule, message),) = problems(decision)
    assert rule == "AG001"
    assert message.startswith("no shell parser can read this command (tree-sitter: ")
    assert "; bashlex: " in message


def test_a_computed_command_name_is_quoted_with_the_fix(run: Decide) -> None:
    assert problems(run("$(echo aws) s3 ls --profile CustomerA")) == [
        ("AG003", "the command name `$(echo aws)` is computed at run time, so the guard cannot tell whether it runs "
                  "aws; write the command name literally")]


def test_a_computed_script_names_the_shell_that_runs_it(run: Decide) -> None:
    assert problems(run('bash -c "$CMD" # aws')) == [
        ("AG003", 'the script given to `bash -c` ("$CMD") is computed at run time; the guard cannot see what it runs')]
