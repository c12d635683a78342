"""guard.aws.cli.parse: read an aws argv the way the AWS CLI reads it (argparse over the whole argv)."""
from __future__ import annotations

import shlex

import pytest

from guard.aws import cli as awscli
from guard.shell.model import Word, lit


def parse(command: str) -> awscli.AwsCall:
    return awscli.parse(tuple(lit(w) for w in shlex.split(command)))


def profile_of(command: str) -> str | None:
    call = parse(command)
    return call.profile.value if call.profile is not None else None


@pytest.mark.parametrize("command", [
    "aws s3 ls --profile x",
    "aws --profile x s3 ls",
    "aws s3 --profile x ls",
    "aws s3 ls s3://bucket/key --profile x",
    "aws s3 ls --profile=x",
    "aws --profile=x s3 ls",
    "aws s3 ls --prof x",
    "aws s3 ls --pro x",
    "aws s3 ls --p x",
    "aws s3 ls --prof=x",
    "aws s3 ls --profile x --region eu-west-1 --output json",
    "aws --debug --region eu-west-1 s3 ls --profile x",
    "aws ec2 describe-instances --filters Name=tag:env,Values=prod --profile x --query 'Reservations[]'",
])
def test_profile_anywhere_after_aws(command: str) -> None:
    call = parse(command)
    assert call.error is None
    assert profile_of(command) == "x"


@pytest.mark.parametrize("command, expected", [
    ("aws s3 ls --profile a --profile b", "b"),
    ("aws --profile a s3 ls --profile=b", "b"),
    ("aws --prof a s3 ls --p b", "b"),
    ("aws --profile=a s3 --profile b ls --profile c", "c"),
])
def test_last_profile_wins(command: str, expected: str) -> None:
    assert profile_of(command) == expected


@pytest.mark.parametrize("command", [
    "aws s3 ls --profile ''",
    "aws s3 ls --profile=",
    "aws s3 ls --profile a --profile ''",
])
def test_empty_profile_is_ignored(command: str) -> None:
    """The CLI tests `if parsed_args.profile:`; an empty value falls back to the environment."""
    call = parse(command)
    assert call.profile is None
    assert call.error is None


@pytest.mark.parametrize("command, expected", [
    ("aws s3 ls -- --profile x", None),
    ("aws --profile a s3 ls -- --profile b", "a"),
    ("aws s3 cp ./f s3://b/f --profile a -- --profile=b", "a"),
])
def test_nothing_after_double_dash_counts(command: str, expected: str | None) -> None:
    assert profile_of(command) == expected


@pytest.mark.parametrize("command", ["aws s3 ls --profile", "aws s3 ls --profile --region eu-west-1"])
def test_profile_without_a_value_is_an_error(command: str) -> None:
    call = parse(command)
    assert call.error is not None
    assert call.profile is None


@pytest.mark.parametrize("command, service, operation", [
    ("aws s3 ls", "s3", "ls"),
    ("aws --region eu-west-1 ec2 describe-instances", "ec2", "describe-instances"),
    ("aws --output json --profile x sts get-caller-identity", "sts", "get-caller-identity"),
    ("aws --debug s3 rm s3://b/k", "s3", "rm"),
    ("aws --no-cli-pager --endpoint-url http://localhost:4566 s3api list-buckets", "s3api", "list-buckets"),
    ("aws --p x iam list-users", "iam", "list-users"),
])
def test_service_and_operation(command: str, service: str, operation: str) -> None:
    call = parse(command)
    assert (call.service, call.operation) == (service, operation)


def test_global_options_take_their_values() -> None:
    call = parse("aws --region eu-west-1 --output=json s3 ls --profile x")
    assert call.options["--region"].value == "eu-west-1"
    assert call.options["--output"].value == "json"
    assert call.options["--profile"].value == "x"


@pytest.mark.parametrize("command", [
    "aws --version",
    "aws help",
    "aws s3 help",
    "aws ec2 help",
    "aws ec2 describe-instances help",
    "aws s3 ls help",
    "aws configure list-profiles",
])
def test_calls_that_reach_no_account(command: str) -> None:
    call = parse(command)
    assert call.reaches_no_account
    assert call.profile is None


@pytest.mark.parametrize("command", [
    "aws s3 ls",
    "aws s3 rm s3://b/k",
    "aws ec2 describe-instances",
    "aws sts get-caller-identity",
    "aws configure set region eu-west-1",
    # `aws s3 cp` shows help only when `help` is its only argument (awscli ArgTableArgParser);
    # here `help` is a local file being uploaded.
    "aws s3 cp help s3://b/help",
    "aws s3 sync help s3://b/docs",
])
def test_calls_that_reach_an_account(command: str) -> None:
    assert not parse(command).reaches_no_account


def test_computed_profile_is_kept_as_computed() -> None:
    argv = (lit("aws"), lit("s3"), lit("ls"), lit("--profile"), Word('"$P"', None, ""))
    call = awscli.parse(argv)
    assert call.profile is not None and not call.profile.literal


def test_computed_service_is_an_error() -> None:
    call = awscli.parse((lit("aws"), Word("$SVC", None, ""), lit("ls"), lit("--profile"), lit("x")))
    assert call.error is not None


@pytest.mark.parametrize("token, expected", [
    ("--profile", "--profile"),
    ("--prof", "--profile"),
    ("--p", "--profile"),
    ("--profile=x", "--profile"),
    ("--reg", "--region"),
    ("--no-verify", "--no-verify-ssl"),
    ("--cli", None),  # ambiguous: several --cli-* options
    ("--no", None),  # ambiguous
    ("--bucket", None),
    ("-p", None),
    ("s3", None),
])
def test_match_global(token: str, expected: str | None) -> None:
    assert awscli.match_global(token) == expected


@pytest.mark.parametrize("line, values", [
    ("aws sts assume-role --role-arn A --role-session-name s", ["A"]),
    ("aws sts assume-role --role-arn=A", ["A"]),
    ("aws sts assume-role --role-ar A", ["A"]),
    ("aws sts assume-role --role-arn A --role-arn B", ["A", "B"]),
    ("aws sts assume-role --role-session-name s", []),
    ("aws sts assume-role --region eu-west-1 --role-session-name s", []),
    ("aws sts assume-role -- --role-arn A", []),
])
def test_values_of_an_operation_option_include_prefixes_and_every_occurrence(line: str, values: list[str]) -> None:
    """argparse takes any unambiguous prefix (`--role-ar`) and the last occurrence: the guard looks at them all."""
    call = awscli.parse(tuple(lit(w) for w in shlex.split(line)))
    assert call.values_of("--role-arn") == values
