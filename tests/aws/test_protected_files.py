"""guard.aws.protected_files: which words, paths and patterns name the AWS CLI's own files."""
from __future__ import annotations

import os

import pytest

from guard.aws import protected_files
from tests.testing import Home


@pytest.mark.parametrize("text", [
    "~/.aws/credentials",
    "~/.aws/config",
    "~/.aws",
    "$HOME/.aws",
    "${HOME}/.aws/config",
    "/home/me/.aws/config",
    "/root/.aws/",
    ".aws",
    ".aws/credentials",
    "./.aws/config",
    ".aws/cli/cache/x.json",
    "~/.aws/sso/cache/0123abcd.json",
    "~/.aws/*",
    "~/.aws*",
    "/home/*/.aws/credentials",
    "--file=~/.aws/config",
    "--cli-input-json=file://~/.aws/config",
    "{~/.aws/config,x}",
    "x:.aws/config",
    "'~/.aws/credentials'",
    '"$HOME/.aws"',
    "cat ~/.aws/credentials | head",
    "~/.AWS/credentials",  # macOS and Windows file systems ignore case
    "C:\\Users\\me\\.aws\\credentials",
    "$env:USERPROFILE\\.aws\\config",
])
def test_names_of_the_cli_files_are_recognised(text: str) -> None:
    assert protected_files.refers(text)


@pytest.mark.parametrize("text", [
    "README.aws",
    "~/projects/aws-tools",
    ".awsrc",
    "~/.awsrc",
    "~/.aws-backup/config",
    "~/.awsx/config",
    "my.aws/config",
    "/tmp/x.aws",
    "~/aws/credentials",
    "aws",
    "s3://bucket/aws/config",
    "arn:aws:iam::111111111111:role/RoleA",
    "",
])
def test_other_names_that_merely_mention_aws_are_not(text: str) -> None:
    assert not protected_files.refers(text)


def test_no_variables_means_no_extra_files() -> None:
    assert protected_files.configured({"HOME": "/home/me", "AWS_PROFILE": "dev"}) == ()


def test_configured_files_are_named_as_written_and_expanded(home: Home) -> None:
    env = dict(home.env, AWS_CONFIG_FILE="~/conf/aws-config", AWS_SHARED_CREDENTIALS_FILE="/srv/keys.ini")
    named = protected_files.configured(env)
    assert set(named) == {"~/conf/aws-config", f"{home.path}/conf/aws-config", "/srv/keys.ini"}
    assert named[0] == "~/conf/aws-config"


def test_configured_files_hold_no_duplicates(home: Home) -> None:
    env = dict(home.env, AWS_CONFIG_FILE="/srv/aws.ini", AWS_SHARED_CREDENTIALS_FILE="/srv/aws.ini")
    assert protected_files.configured(env) == ("/srv/aws.ini",)


def test_an_empty_variable_names_no_file(home: Home) -> None:
    env = dict(home.env, AWS_CONFIG_FILE="", AWS_SHARED_CREDENTIALS_FILE="/srv/keys.ini")
    named = protected_files.configured(env)
    assert named == ("/srv/keys.ini",)
    assert not protected_files.refers("cat notes.txt", named)


def test_a_configured_file_is_recognised_however_it_is_written(home: Home) -> None:
    extra = protected_files.configured(dict(home.env, AWS_CONFIG_FILE="~/conf/aws-config"))
    assert protected_files.refers("~/conf/aws-config", extra)
    assert protected_files.refers(os.path.join(str(home.path), "conf", "aws-config"), extra)
    assert protected_files.refers("--config=~/conf/aws-config", extra)
    assert not protected_files.refers("~/conf/other", extra)
    assert not protected_files.refers("~/conf/aws-config", ())


def test_named_in_says_whether_a_command_text_could_name_a_configured_file() -> None:
    extra = ("/srv/keys.ini", "~/conf/aws-config")
    assert protected_files.named_in("cat /srv/keys.ini", extra)
    assert protected_files.named_in("sed -n 1p ~/conf/aws-config > /tmp/x", extra)
    assert not protected_files.named_in("cat /srv/other.ini", extra)
    assert not protected_files.named_in("cat /srv/keys.ini", ())


def test_the_message_names_the_path_and_the_way_out() -> None:
    text = protected_files.message("~/.aws/credentials")
    assert "`~/.aws/credentials`" in text
    assert "AWS_CONFIG_FILE" in text and "AWS_SHARED_CREDENTIALS_FILE" in text
    assert "aws configure list --profile P" in text and "guard doctor" in text
