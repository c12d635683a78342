"""guard.aws.aliases: `[toplevel]` aliases of ~/.aws/cli/alias, resolved the way the AWS CLI resolves them."""
from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from guard.aws import aliases, cli, config
from guard.shell.model import Word, lit
from tests.testing import Home, aws_cli, clean_env


def argv(command: str) -> tuple[Word, ...]:
    return tuple(lit(w) for w in shlex.split(command))


def values(words: tuple[Word, ...]) -> list[str | None]:
    return [w.value for w in words]


def resolve(command: str, table: dict[str, str]) -> tuple[cli.AwsCall, list[str]]:
    """The call as the guard decides it: the expanded argv with the alias's global options last."""
    expanded, pinned, used = aliases.expand(argv(command), table)
    return cli.parse(expanded + pinned), used


def profile_of(call: cli.AwsCall) -> str | None:
    return call.profile.value if call.profile is not None else None


@pytest.mark.parametrize("command", ["aws s3 ls", "aws --profile dev ec2 describe-instances", "aws --version",
                                     "aws", "aws -- whoami"])
def test_without_an_alias_the_argv_is_returned_as_it_was(command: str) -> None:
    words = argv(command)
    expanded, pinned, used = aliases.expand(words, {"whoami": "sts get-caller-identity", "ls": "s3 ls"})
    assert expanded == words and pinned == () and used == []


def test_a_computed_command_word_is_not_taken_for_an_alias() -> None:
    words = (lit("aws"), Word(text="$CMD", value=None))
    assert aliases.expand(words, {"whoami": "sts get-caller-identity"}) == (words, (), [])


def test_an_alias_is_replaced_by_its_value_and_keeps_the_rest_of_the_command_line() -> None:
    expanded, pinned, used = aliases.expand(argv("aws --region eu-west-1 ls-buckets s3://b --recursive"),
                                            {"ls-buckets": "s3 ls"})
    assert values(expanded) == ["aws", "s3", "ls", "--region", "eu-west-1", "s3://b", "--recursive"]
    assert pinned == () and used == ["ls-buckets"]
    call = cli.parse(expanded)
    assert (call.service, call.operation) == ("s3", "ls")
    assert call.options["--region"].value == "eu-west-1"


def test_an_alias_shadows_the_built_in_command_of_the_same_name() -> None:
    call, used = resolve("aws s3 ls --profile dev", {"s3": "sts get-caller-identity"})
    assert (call.service, call.operation) == ("sts", "get-caller-identity")
    assert used == ["s3"] and profile_of(call) == "dev"


def test_a_global_option_written_in_the_alias_wins_over_the_command_line() -> None:
    expanded, pinned, _ = aliases.expand(argv("aws --profile dev whoami --region us-west-1"),
                                         {"whoami": "sts get-caller-identity --profile prod --region eu-west-3"})
    assert values(pinned) == ["--profile", "prod", "--region", "eu-west-3"]
    call = cli.parse(expanded + pinned)
    assert profile_of(call) == "prod"
    assert call.options["--region"].value == "eu-west-3"


@pytest.mark.parametrize("value, pinned", [
    ("sts get-caller-identity --profile=prod", ["--profile=prod"]),
    ("sts get-caller-identity --prof prod", ["--prof", "prod"]),
    ("--region eu-west-1 sts get-caller-identity", ["--region", "eu-west-1"]),
    ("sts get-caller-identity --output json --no-paginate", ["--output", "json", "--no-paginate"]),
    ("sts get-caller-identity --query Account", ["--query", "Account"]),
    ("ec2 describe-instances --page-size 5 --filters Name=x,Values=y", []),
])
def test_only_the_global_options_of_an_alias_are_pinned(value: str, pinned: list[str]) -> None:
    assert values(aliases.expand(argv("aws a"), {"a": value})[1]) == pinned


def test_an_alias_without_global_options_leaves_the_command_line_profile() -> None:
    call, _ = resolve("aws --prof dev whoami", {"whoami": "sts get-caller-identity"})
    assert (call.service, call.operation, profile_of(call)) == ("sts", "get-caller-identity", "dev")


def test_nested_aliases_resolve_to_the_end_and_the_innermost_option_wins() -> None:
    table = {"me": "whoami --region eu-west-1", "whoami": "sts get-caller-identity --region eu-west-2 --profile a"}
    call, used = resolve("aws me --region us-east-2", table)
    assert used == ["me", "whoami"]
    assert (call.service, call.operation) == ("sts", "get-caller-identity")
    assert call.options["--region"].value == "eu-west-2" and profile_of(call) == "a"


def test_aliases_nested_max_depth_deep_resolve() -> None:
    table = {f"a{i}": f"a{i + 1}" for i in range(1, aliases.MAX_DEPTH)} | {f"a{aliases.MAX_DEPTH}": "s3 ls"}
    call, used = resolve("aws a1", table)
    assert (call.service, call.operation) == ("s3", "ls") and len(used) == aliases.MAX_DEPTH


def test_aliases_nested_deeper_than_max_depth_are_an_error_naming_the_chain() -> None:
    depth = aliases.MAX_DEPTH + 1
    table = {f"a{i}": f"a{i + 1}" for i in range(1, depth)} | {f"a{depth}": "s3 ls"}
    with pytest.raises(aliases.AliasError) as raised:
        aliases.expand(argv("aws a1"), table)
    assert " -> ".join(f"a{i}" for i in range(1, depth + 1)) in str(raised.value)


@pytest.mark.parametrize("table, chain", [
    ({"loop-a": "loop-b", "loop-b": "loop-a"}, "loop-a -> loop-b -> loop-a"),
    ({"me": "me --region eu-west-1"}, "me -> me"),
    ({"x": "y s3", "y": "z", "z": "y"}, "x -> y -> z -> y"),
])
def test_an_alias_loop_is_an_error_naming_the_chain(table: dict[str, str], chain: str) -> None:
    with pytest.raises(aliases.AliasError, match=chain):
        aliases.expand(argv(f"aws {next(iter(table))}"), table)


@pytest.mark.parametrize("table", [
    {"shell-alias": "!f() { aws s3 ls; }; f"},
    {"shell-alias": "mine", "mine": "!aws s3 ls --profile prod"},
])
def test_a_shell_alias_is_an_error_saying_it_runs_a_shell_command(table: dict[str, str]) -> None:
    with pytest.raises(aliases.AliasError, match="runs a shell command"):
        aliases.expand(argv("aws shell-alias --profile dev"), table)


def test_an_alias_value_that_cannot_be_split_is_an_error_naming_the_alias() -> None:
    with pytest.raises(aliases.AliasError, match="alias 'broken' cannot be parsed"):
        aliases.expand(argv("aws broken"), {"broken": 'sts get-caller-identity --query "Account'})


def test_the_seed_alias_file_resolves_whoami_to_its_profile(home: Home) -> None:
    table = config.load(home.env).aliases
    call, used = resolve("aws whoami --profile default", dict(table))
    assert used == ["whoami"] and (call.service, call.operation) == ("sts", "get-caller-identity")
    assert profile_of(call) == "CustomerA"
    with pytest.raises(aliases.AliasError):
        aliases.expand(argv("aws loop-a"), table)


@pytest.mark.parametrize("command", ["aws cfg --profile b", "aws --profile b cfg", "aws cfg --prof b",
                                     "aws --profile a nested --profile b"])
def test_the_profile_the_guard_resolves_is_the_one_the_real_cli_uses(tmp_path: Path, command: str) -> None:
    (tmp_path / ".aws" / "cli").mkdir(parents=True)
    (tmp_path / ".aws" / "config").write_text(
        "[profile a]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = a\n"
        "[profile b]\naws_access_key_id = AKIABBBBBBBBBBBBBBBB\naws_secret_access_key = b\n")
    table = {"cfg": "configure list", "nested": "cfg"}
    (tmp_path / ".aws" / "cli" / "alias").write_text(
        "[toplevel]\n" + "".join(f"{name} = {value}\n" for name, value in table.items()))
    env = clean_env(tmp_path, {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert config.load(env).aliases == table
    call, _ = resolve(command, table)
    shown = aws_cli(*shlex.split(command)[1:], env=env)
    assert shown.returncode == 0, shown.stderr
    profile_line = next(line.split() for line in shown.stdout.splitlines() if line.split()[:1] == ["profile"])
    assert profile_of(call) == profile_line[1] == "b"
    assert "BBBB" in shown.stdout


@pytest.mark.parametrize("table", [{"sts": "sts --region eu-west-3"}, {"s3": "s3 --region eu-west-3"}])
def test_an_alias_naming_the_built_in_it_shadows_runs_that_built_in(table: dict[str, str]) -> None:
    """awscli keeps the shadowed command and runs it when the alias names it again (shadow_proxy_command)."""
    name = next(iter(table))
    resolved, pinned, used = aliases.expand(argv(f"aws {name} ls"), table)
    assert [w.value for w in resolved][:2] == ["aws", name] and used == [name]
    assert [w.value for w in pinned] == ["--region", "eu-west-3"]
