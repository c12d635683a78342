"""guard.audit.masking: what the audit log may store, with secrets in commands and argv replaced by ****."""
from __future__ import annotations

import copy
from typing import Any

import pytest

from guard.audit import masking as audit

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.mark.parametrize("command, stored", [
    # secrets in the environment of a command
    (f"AWS_SECRET_ACCESS_KEY={SECRET_KEY} aws s3 ls", "AWS_SECRET_ACCESS_KEY=**** aws s3 ls"),
    ("AWS_SESSION_TOKEN=FwoGZXIvYXdzEJr aws sts get-caller-identity",
     "AWS_SESSION_TOKEN=**** aws sts get-caller-identity"),
    ('DB_PASSWORD="a b c" run', "DB_PASSWORD=**** run"),
    ("MY_PASSWORD='x y' OTHER=1 cmd", "MY_PASSWORD=**** OTHER=1 cmd"),
    ('API_TOKEN="a \\"quoted\\" b" ./deploy', "API_TOKEN=**** ./deploy"),
    ("export GITHUB_TOKEN=ghp_abc123; aws s3 ls", "export GITHUB_TOKEN=****; aws s3 ls"),
    # secret options, with the value as the next word or after =
    (f"aws configure --secret-access-key {SECRET_KEY} --profile P",
     "aws configure --secret-access-key **** --profile P"),
    (f"aws x --secret-access-key={SECRET_KEY}|grep x", "aws x --secret-access-key=****|grep x"),
    ("aws sts get-caller-identity --session-token=FwoG --profile CustomerA",
     "aws sts get-caller-identity --session-token=**** --profile CustomerA"),
    ("aws iam create-login-profile --user-name bob --password 'a b'",
     "aws iam create-login-profile --user-name bob --password ****"),
    ('aws iam create-login-profile --password "hunter 2" --user-name bob',
     "aws iam create-login-profile --password **** --user-name bob"),
    ("mysql --password=pw -h db.internal", "mysql --password=**** -h db.internal"),
    ("aws secretsmanager put-secret-value --secret-string 'a;b' && echo ok",
     "aws secretsmanager put-secret-value --secret-string **** && echo ok"),
    ("aws sts assume-role --role-arn arn:aws:iam::1:role/R --token-code 123456",
     "aws sts assume-role --role-arn arn:aws:iam::1:role/R --token-code ****"),
    ("aws cognito-idp create-user-pool-client --client-secret s3cr3t",
     "aws cognito-idp create-user-pool-client --client-secret ****"),
    # private key options
    ("aws iot register-certificate --private-key file://key.pem", "aws iot register-certificate --private-key ****"),
    ("tool --private_key=abc --privatekey xyz", "tool --private_key=**** --privatekey ****"),
    ("aws kms import-key-material --key-id k --encrypted-key-material fileb://m.bin",
     "aws kms import-key-material --key-id k --encrypted-key-material ****"),
    # aws configure set, in lower case as the config keys are written
    (f"aws configure set aws_secret_access_key {SECRET_KEY} --profile Writer",
     "aws configure set aws_secret_access_key **** --profile Writer"),
    ("aws configure set aws_session_token FwoG", "aws configure set aws_session_token ****"),
    ("aws configure set aws_security_token 'FwoG x'", "aws configure set aws_security_token ****"),
    # several in one command line
    ("A_SECRET=1 aws x --password 2 && B_TOKEN=3 aws y --session-token 4",
     "A_SECRET=**** aws x --password **** && B_TOKEN=**** aws y --session-token ****"),
])
def test_mask_hides_secrets(command: str, stored: str) -> None:
    assert audit.mask(command) == stored


def test_mask_keeps_what_is_not_secret() -> None:
    assert audit.mask("aws s3 ls --profile CustomerA --region eu-west-1") == \
        "aws s3 ls --profile CustomerA --region eu-west-1"
    assert audit.mask('DB_PASSWORD="a b c" run') == "DB_PASSWORD=**** run"


@pytest.mark.parametrize("command", [
    "aws s3 ls --profile CustomerA --region eu-west-1",
    "aws s3 ls s3://my-secret-bucket/tokens/ --profile token-reader",
    "AWS_PROFILE=CustomerA AWS_REGION=ap-northeast-1 aws ec2 describe-instances --output json",
    "aws configure set region eu-west-1 --profile Writer",
    "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE",
    "aws sts get-caller-identity --query Account --output text",
    "aws rds generate-db-auth-token --hostname db.internal --port 5432 --username app",
    "git commit -m 'password reset: send the token by mail'",
    "cat secret.txt | aws s3 cp - s3://b/secret.txt",
    "aws ssm get-parameter --name /app/db/password --with-decryption",
    "echo $AWS_SECRET_ACCESS_KEY",
    "aws --password",  # an option without a value
    "",
])
def test_mask_keeps_commands_without_secret_values_exactly(command: str) -> None:
    assert audit.mask(command) == command


@pytest.mark.parametrize("argv, stored", [
    (["aws", "iam", "create-login-profile", "--password", "a b", "--user-name", "bob"],
     ["aws", "iam", "create-login-profile", "--password", "****", "--user-name", "bob"]),
    (["aws", "configure", "set", "aws_secret_access_key", SECRET_KEY, "--profile", "Writer"],
     ["aws", "configure", "set", "aws_secret_access_key", "****", "--profile", "Writer"]),
    (["aws", "configure", "set", "aws_session_token", "FwoG"],
     ["aws", "configure", "set", "aws_session_token", "****"]),
    (["aws", "sts", "get-caller-identity", "--session-token=FwoG", "--profile", "P"],
     ["aws", "sts", "get-caller-identity", "--session-token=****", "--profile", "P"]),
    (["env", f"AWS_SECRET_ACCESS_KEY={SECRET_KEY}", "aws", "s3", "ls"],
     ["env", "AWS_SECRET_ACCESS_KEY=****", "aws", "s3", "ls"]),
    (["aws", "x", "--PASSWORD", "pw"], ["aws", "x", "--PASSWORD", "****"]),
    (["aws", "iot", "x", "--private-key", "-----BEGIN RSA PRIVATE KEY-----"],
     ["aws", "iot", "x", "--private-key", "****"]),
    (["aws", "x", "--password"], ["aws", "x", "--password"]),  # nothing after it to hide
    ([], []),
])
def test_mask_argv_hides_the_word_after_a_secret_option_and_secrets_in_words(argv: list[str],
                                                                           stored: list[str]) -> None:
    assert audit.mask_argv(argv) == stored


def test_mask_argv_keeps_ordinary_words_exactly() -> None:
    argv = ["aws", "s3", "cp", "my file.txt", "s3://bucket-a/key with spaces", "--profile", "CustomerA", "--region",
            "eu-west-1", "--sse", "aws:kms", "--", "--not-an-option"]
    assert audit.mask_argv(argv) == argv


def test_mask_argv_masks_only_by_position_not_by_value() -> None:
    # The first word is never a value; a secret option as the very first word hides the one after it.
    assert audit.mask_argv(["--password", "pw", "--password"]) == ["--password", "****", "--password"]


def test_masked_hides_secrets_in_command_reason_and_each_argv() -> None:
    record: dict[str, Any] = {
        "time": "2025-10-01T09:30:00+00:00", "session_id": "s-1", "tool": "Bash", "cwd": "/src/app",
        "decision": "deny", "command": f"AWS_SECRET_ACCESS_KEY={SECRET_KEY} aws s3 ls --profile CustomerA",
        "reason": "the command sets --password hunter2 in plain text",
        "calls": [
            {"argv": ["aws", "s3", "ls", "--profile", "CustomerA"], "profile": "CustomerA", "account": "222222222222"},
            {"argv": ["aws", "iam", "create-login-profile", "--password", "hunter2"], "profile": "Writer"},
        ],
    }
    before = copy.deepcopy(record)
    stored = audit.masked(record)
    assert record == before  # the caller's record is not changed
    assert stored["command"] == "AWS_SECRET_ACCESS_KEY=**** aws s3 ls --profile CustomerA"
    assert stored["reason"] == "the command sets --password **** in plain text"
    assert stored["calls"] == [
        {"argv": ["aws", "s3", "ls", "--profile", "CustomerA"], "profile": "CustomerA", "account": "222222222222"},
        {"argv": ["aws", "iam", "create-login-profile", "--password", "****"], "profile": "Writer"},
    ]
    assert {k: v for k, v in stored.items() if k not in ("command", "reason", "calls")} == \
        {k: v for k, v in before.items() if k not in ("command", "reason", "calls")}
    assert SECRET_KEY not in repr(stored) and "hunter2" not in repr(stored)


def test_masked_fills_in_missing_fields_and_stringifies_argv() -> None:
    assert audit.masked({"decision": "pass"}) == {"decision": "pass", "command": "", "reason": "", "calls": []}
    assert audit.masked({"calls": None})["calls"] == []
    [call] = audit.masked({"calls": [{"argv": ["aws", "--cli-read-timeout", 5], "profile": None}]})["calls"]
    assert call == {"argv": ["aws", "--cli-read-timeout", "5"], "profile": None}
    assert audit.masked({"calls": [{"profile": "P"}]})["calls"] == [{"profile": "P", "argv": []}]
