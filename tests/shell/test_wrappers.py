"""guard.shell.wrappers: finding the command inside sudo, timeout, env, xargs, find -exec and nested shells.

The tests show that each wrapper's own options and operands are stepped over
the way the real tool reads them (so `timeout 10 aws ...` yields the aws
words), that options which stop the wrapper from running anything
(`command -v aws`) are recognised, that env and sudo report the variables they
set or unset, that arguments made at run time (xargs input, find's `{}`) become
computed words, and that a shell's arguments are read as bash reads them.
"""
from __future__ import annotations

import shlex

import pytest

from guard.shell.model import Word, lit
from guard.shell.wrappers import (
    SPECS,
    USER_WRAPPER,
    Unwrapped,
    flock_command,
    shell_args,
    skip_options,
    unwrap_env,
    unwrap_find,
    unwrap_runtime_args,
    unwrap_sudo,
)


def words(line: str) -> tuple[Word, ...]:
    """The literal words of a command line's arguments, as a parser would give them."""
    return tuple(lit(w) for w in shlex.split(line))


def shown(out: Unwrapped) -> str:
    return " ".join(w.shown for w in out.words)


def env_of(out: Unwrapped) -> list[tuple[str, str | None]]:
    """The variable changes a wrapper makes, in order: (name, value), value None for an unset."""
    return [(name, change.value.shown if change.value is not None else None) for name, change in out.env]


# -- options, operands and the command -----------------------------------------------------------------------


@pytest.mark.parametrize("wrapper, args", [
    ("timeout", "10 aws s3 ls --profile p"),
    ("timeout", "-s KILL 10 aws s3 ls --profile p"),
    ("timeout", "-sKILL 10 aws s3 ls --profile p"),
    ("timeout", "--signal=KILL 30s aws s3 ls --profile p"),
    ("timeout", "-k 5 30 aws s3 ls --profile p"),
    ("timeout", "--preserve-status --foreground 1m aws s3 ls --profile p"),
    ("timeout", "-- 10 aws s3 ls --profile p"),
    ("sudo", "aws s3 ls --profile p"),
    ("sudo", "-u bob aws s3 ls --profile p"),
    ("sudo", "-ubob aws s3 ls --profile p"),
    ("sudo", "--user=bob aws s3 ls --profile p"),
    ("sudo", "-E -H aws s3 ls --profile p"),
    ("sudo", "-g staff -D /srv aws s3 ls --profile p"),
    ("sudo", "-- aws s3 ls --profile p"),
    ("doas", "-u deploy aws s3 ls --profile p"),
    ("nice", "aws s3 ls --profile p"),
    ("nice", "-n 10 aws s3 ls --profile p"),
    ("nice", "-n10 aws s3 ls --profile p"),
    ("nice", "--adjustment=5 aws s3 ls --profile p"),
    ("nohup", "aws s3 ls --profile p"),
    ("time", "-p aws s3 ls --profile p"),
    ("time", "-f %e -o times.log aws s3 ls --profile p"),
    ("command", "aws s3 ls --profile p"),
    ("command", "-p aws s3 ls --profile p"),
    ("exec", "-a renamed aws s3 ls --profile p"),
    ("stdbuf", "-oL aws s3 ls --profile p"),
    ("stdbuf", "-o L -e 0 aws s3 ls --profile p"),
    ("ionice", "-c 2 -n 7 aws s3 ls --profile p"),
    ("setsid", "-f aws s3 ls --profile p"),
    ("flock", "/tmp/deploy.lock aws s3 ls --profile p"),
    ("flock", "-w 10 /tmp/deploy.lock aws s3 ls --profile p"),
    ("flock", "-n -x /tmp/deploy.lock aws s3 ls --profile p"),
    ("flock", "--timeout=10 /tmp/deploy.lock aws s3 ls --profile p"),
    ("watch", "-n 5 aws s3 ls --profile p"),
    ("watch", "-n5 -t aws s3 ls --profile p"),
    ("caffeinate", "-t 600 aws s3 ls --profile p"),
])
def test_wrapper_options_and_operands_are_skipped_before_the_command(wrapper: str, args: str) -> None:
    out = skip_options(words(args), SPECS[wrapper])
    assert shown(out) == "aws s3 ls --profile p"
    assert out.runs and out.dynamic is None


def test_timeout_duration_is_skipped_before_the_command() -> None:
    """timeout's DURATION is an operand, not an option: without that, `10` would look like the command."""
    assert shown(skip_options(words("10 aws s3 ls"), SPECS["timeout"])) == "aws s3 ls"
    assert shown(skip_options(words("10 aws s3 ls"), USER_WRAPPER)) == "10 aws s3 ls"


def test_the_command_keeps_its_own_options() -> None:
    """Option parsing stops at the command: `-n` after aws belongs to aws, not to nice."""
    out = skip_options(words("-n 5 aws ec2 describe-instances -n 10 --profile p"), SPECS["nice"])
    assert shown(out) == "aws ec2 describe-instances -n 10 --profile p"


@pytest.mark.parametrize("wrapper, args", [
    ("timeout", "10"),
    ("timeout", ""),
    ("sudo", "-u bob"),
    ("nice", "-n 5"),
    ("flock", "/tmp/deploy.lock"),
])
def test_a_wrapper_with_no_command_runs_nothing_inside(wrapper: str, args: str) -> None:
    assert skip_options(words(args), SPECS[wrapper]).words == ()


@pytest.mark.parametrize("wrapper, args", [
    ("command", "-v aws"),
    ("command", "-V aws"),
    ("sudo", "-l aws s3 ls"),
    ("sudo", "--list aws s3 ls"),
    ("sudo", "-v"),
    ("sudo", "-e /etc/hosts"),
    ("sudo", "--edit /etc/hosts"),
    ("sudo", "-u bob -l aws s3 ls"),
    ("sudo", "-V"),
])
def test_options_that_only_print_or_check_run_nothing(wrapper: str, args: str) -> None:
    out = skip_options(words(args), SPECS[wrapper])
    assert not out.runs
    assert out.words == ()


def test_a_user_wrapper_takes_no_values_and_no_operands() -> None:
    """A wrapper named in the policy: its flags are skipped, the first other word is the command."""
    assert shown(skip_options(words("--quiet -x aws s3 ls"), USER_WRAPPER)) == "aws s3 ls"


def test_a_computed_option_value_does_not_hide_the_command() -> None:
    args = (lit("-u"), Word('"$DEPLOY_USER"', None, ""), lit("aws"), lit("s3"), lit("ls"))
    out = skip_options(args, SPECS["sudo"])
    assert shown(out) == "aws s3 ls"
    assert out.dynamic is None


@pytest.mark.parametrize("wrapper, args", [
    ("sudo", (Word("$CMD", None, ""), lit("s3"), lit("ls"))),
    ("nice", (lit("-n"), lit("5"), Word("$(which aws)", None, ""), lit("s3"))),
    ("timeout", (Word("$LIMIT", None, ""), lit("aws"))),
])
def test_a_computed_word_where_the_command_could_be_is_reported(wrapper: str, args: tuple[Word, ...]) -> None:
    out = skip_options(args, SPECS[wrapper])
    assert out.dynamic is not None
    assert out.dynamic.text == next(w.text for w in args if not w.literal)


# -- env -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, command, env", [
    ("aws s3 ls", "aws s3 ls", []),
    ("AWS_PROFILE=CustomerA aws s3 ls", "aws s3 ls", [("AWS_PROFILE", "CustomerA")]),
    ("AWS_PROFILE=a AWS_REGION=eu-west-1 aws s3 ls", "aws s3 ls", [("AWS_PROFILE", "a"), ("AWS_REGION", "eu-west-1")]),
    ("AWS_PROFILE= aws s3 ls", "aws s3 ls", [("AWS_PROFILE", "")]),
    ("AWS_CONFIG_FILE=/tmp/a=b aws s3 ls", "aws s3 ls", [("AWS_CONFIG_FILE", "/tmp/a=b")]),
    ("-u AWS_PROFILE aws s3 ls", "aws s3 ls", [("AWS_PROFILE", None)]),
    ("-uAWS_PROFILE aws s3 ls", "aws s3 ls", [("AWS_PROFILE", None)]),
    ("--unset=AWS_PROFILE aws s3 ls", "aws s3 ls", [("AWS_PROFILE", None)]),
    ("--unset AWS_PROFILE aws s3 ls", "aws s3 ls", [("AWS_PROFILE", None)]),
    ("-u AWS_PROFILE AWS_PROFILE=b aws s3 ls", "aws s3 ls", [("AWS_PROFILE", None), ("AWS_PROFILE", "b")]),
    ("-C /srv/app aws s3 ls", "aws s3 ls", []),
    ("--chdir /srv/app aws s3 ls", "aws s3 ls", []),
    ("--chdir=/srv/app aws s3 ls", "aws s3 ls", []),
    ("-v aws s3 ls", "aws s3 ls", []),
    ("-- aws s3 ls", "aws s3 ls", []),
    ("1X=2 aws s3 ls", "1X=2 aws s3 ls", []),
    ("=x aws s3 ls", "=x aws s3 ls", []),
])
def test_env_sets_and_unsets_variables_before_the_command(args: str, command: str,
                                                          env: list[tuple[str, str | None]]) -> None:
    out = unwrap_env(words(args))
    assert shown(out) == command
    assert env_of(out) == env
    assert not out.env_cleared
    assert all(change.how == "env" for _, change in out.env)


@pytest.mark.parametrize("args, env", [
    ("-i aws s3 ls", []),
    ("- aws s3 ls", []),
    ("--ignore-environment aws s3 ls", []),
    ("-i PATH=/usr/bin HOME=/tmp aws s3 ls", [("PATH", "/usr/bin"), ("HOME", "/tmp")]),
    ("-i -- aws s3 ls", []),
])
def test_env_i_starts_from_an_empty_environment(args: str, env: list[tuple[str, str | None]]) -> None:
    out = unwrap_env(words(args))
    assert out.env_cleared
    assert shown(out) == "aws s3 ls"
    assert env_of(out) == env


@pytest.mark.parametrize("args, command, env", [
    ("-S 'aws s3 ls'", "aws s3 ls", []),
    ("-S'aws s3 ls'", "aws s3 ls", []),
    ("--split-string 'aws s3 ls'", "aws s3 ls", []),
    ("--split-string='aws s3 ls'", "aws s3 ls", []),
    ("-S 'aws s3 ls' --profile p", "aws s3 ls --profile p", []),
    ("-S 'AWS_PROFILE=a aws s3 ls --profile b'", "aws s3 ls --profile b", [("AWS_PROFILE", "a")]),
    ("AWS_REGION=eu-west-1 -S 'AWS_PROFILE=a aws'", "aws", [("AWS_REGION", "eu-west-1"), ("AWS_PROFILE", "a")]),
    ("-S '-u AWS_PROFILE aws s3 ls'", "aws s3 ls", [("AWS_PROFILE", None)]),
])
def test_env_split_string_becomes_words(args: str, command: str, env: list[tuple[str, str | None]]) -> None:
    """`env -S` (the shebang form) splits one string into the words of the command and its settings."""
    out = unwrap_env(words(args))
    assert shown(out) == command
    assert all(w.literal for w in out.words)
    assert env_of(out) == env


def test_env_split_string_keeps_a_quoted_word_whole() -> None:
    out = unwrap_env(words("-S 'aws s3 cp \"my file\" s3://b/'"))
    assert [w.value for w in out.words] == ["aws", "s3", "cp", "my file", "s3://b/"]


@pytest.mark.parametrize("args", ["-i -S 'aws s3 ls'", "-S '-i aws s3 ls'"])
def test_env_i_inside_or_before_a_split_string_clears_the_environment(args: str) -> None:
    out = unwrap_env(words(args))
    assert out.env_cleared
    assert shown(out) == "aws s3 ls"


def test_env_split_string_with_an_open_quote_is_reported_not_guessed() -> None:
    out = unwrap_env(words("-S 'aws s3 ls \"s3://b'"))
    assert out.words == ()
    assert out.dynamic is not None and 'aws s3 ls "s3://b' in out.dynamic.text


def test_env_split_string_computed_at_run_time_is_reported() -> None:
    out = unwrap_env((lit("-S"), Word('"$CMD"', None, "")))
    assert out.dynamic is not None and out.dynamic.text == '"$CMD"'


def test_env_with_a_computed_command_keeps_the_settings_made_so_far() -> None:
    out = unwrap_env((lit("AWS_PROFILE=a"), Word("$CMD", None, ""), lit("s3")))
    assert out.dynamic is not None and out.dynamic.text == "$CMD"
    assert env_of(out) == [("AWS_PROFILE", "a")]


# -- sudo ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, command, env", [
    ("-u bob AWS_PROFILE=CustomerA aws s3 ls", "aws s3 ls", [("AWS_PROFILE", "CustomerA")]),
    ("AWS_PROFILE=a AWS_REGION=eu-west-1 aws s3 ls", "aws s3 ls", [("AWS_PROFILE", "a"), ("AWS_REGION", "eu-west-1")]),
    ("-E AWS_PROFILE= aws s3 ls", "aws s3 ls", [("AWS_PROFILE", "")]),
    ("-- AWS_PROFILE=a aws s3 ls", "aws s3 ls", [("AWS_PROFILE", "a")]),
    ("-u bob aws s3 ls AWS_PROFILE=a", "aws s3 ls AWS_PROFILE=a", []),
    ("1X=2 aws s3 ls", "1X=2 aws s3 ls", []),
])
def test_sudo_passes_assignments_before_the_command_on(args: str, command: str,
                                                       env: list[tuple[str, str | None]]) -> None:
    out = unwrap_sudo(words(args))
    assert shown(out) == command
    assert env_of(out) == env


def test_sudo_assignment_computed_at_run_time_is_reported() -> None:
    out = unwrap_sudo((lit("-u"), lit("bob"), Word("AWS_PROFILE=$P", None, "AWS_PROFILE="), lit("aws")))
    assert out.dynamic is not None and out.dynamic.text == "AWS_PROFILE=$P"


# -- xargs and parallel --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, args, command", [
    ("xargs", "aws s3 rm", "aws s3 rm"),
    ("xargs", "-n1 aws s3 rm", "aws s3 rm"),
    ("xargs", "-0 -P 4 -n 1 aws s3 rm --profile p", "aws s3 rm --profile p"),
    ("xargs", "-d '\\n' -L 1 aws s3 rm", "aws s3 rm"),
    ("xargs", "-r aws s3 rm", "aws s3 rm"),
    ("parallel", "aws s3 ls", "aws s3 ls"),
    ("parallel", "-j 4 aws s3 ls ::: a b c", "aws s3 ls"),
    ("parallel", "aws s3 ls :::: buckets.txt", "aws s3 ls"),
    ("parallel", "--jobs 8 --joblog jobs.log aws s3 ls ::: a :::+ b", "aws s3 ls"),
])
def test_input_is_appended_after_the_command_as_a_computed_word(name: str, args: str, command: str) -> None:
    out = unwrap_runtime_args(name, words(args))
    *given, extra = out.words
    assert " ".join(w.shown for w in given) == command
    assert all(w.literal for w in given)
    assert not extra.literal
    assert extra.prefix == ""  # the input could start with `-`, so it could be an option


@pytest.mark.parametrize("name, args, head, prefixes", [
    ("xargs", "-I {} aws s3 rm s3://b/{}", "aws s3 rm", ["s3://b/"]),
    ("xargs", "-I{} aws s3 cp s3://src/{} s3://dst/{}", "aws s3 cp", ["s3://src/", "s3://dst/"]),
    ("xargs", "-I % aws s3 rm s3://b/%", "aws s3 rm", ["s3://b/"]),
    ("xargs", "-i aws s3 rm s3://b/{}", "aws s3 rm", ["s3://b/"]),
    ("xargs", "-I {} aws s3 cp {} s3://b/", "aws s3 cp", [""]),
    ("parallel", "aws s3 rm s3://b/{}", "aws s3 rm", ["s3://b/"]),
    ("parallel", "-I @ aws s3 rm s3://b/@", "aws s3 rm", ["s3://b/"]),
    ("parallel", "--jobs 2 aws s3 ls s3://{}", "aws s3 ls", ["s3://"]),
])
def test_words_holding_the_replacement_string_become_computed(name: str, args: str, head: str,
                                                              prefixes: list[str]) -> None:
    """With `-I`, xargs puts its input into those words instead of appending it."""
    out = unwrap_runtime_args(name, words(args))
    literal_head = [w.value for w in out.words[:len(head.split())]]
    assert literal_head == head.split()
    assert [w.prefix for w in out.words if not w.literal] == prefixes  # and no input appended at the end


def test_xargs_replacement_inside_a_shell_script_makes_the_script_computed() -> None:
    out = unwrap_runtime_args("xargs", words("-I {} sh -c 'aws s3 ls s3://{}'"))
    assert [w.value for w in out.words[:2]] == ["sh", "-c"]
    assert not out.words[2].literal
    assert out.words[2].prefix == "aws s3 ls s3://"


@pytest.mark.parametrize("args", ["", "-0", "-n 1 -P 4"])
def test_xargs_without_a_command_runs_echo(args: str) -> None:
    out = unwrap_runtime_args("xargs", words(args))
    assert out.words[0].value == "echo"


def test_xargs_with_a_computed_command_is_reported() -> None:
    out = unwrap_runtime_args("xargs", (lit("-n1"), Word("$CMD", None, ""), lit("s3")))
    assert out.dynamic is not None and out.dynamic.text == "$CMD"


# -- find -exec ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, command, start", [
    (". -name '*.json' -exec aws s3 cp {} s3://b/ ;", "aws s3 cp {} s3://b/", "."),
    ("/data -type f -exec aws s3 cp {} s3://b/ +", "aws s3 cp {} s3://b/", "/data"),
    ("logs -mtime +7 -ok aws s3 rm {} ;", "aws s3 rm {}", "logs"),
    ("-L /srv -name '*.tar' -exec aws s3 cp {} s3://b/ ;", "aws s3 cp {} s3://b/", "/srv"),
])
def test_find_exec_runs_its_command_with_the_path_for_braces(args: str, command: str, start: str) -> None:
    (out,) = unwrap_find(words(args))
    assert shown(out) == command
    path = next(w for w in out.words if not w.literal)
    assert path.text == "{}"
    assert path.prefix == start  # find's paths start with the starting point, never with `-`
    assert out.via == "find -exec"


@pytest.mark.parametrize("action", ["-execdir", "-okdir"])
def test_find_execdir_paths_cannot_start_with_a_dash(action: str) -> None:
    (out,) = unwrap_find(words(f"/data -type f {action} aws s3 cp {{}} s3://b/ ;"))
    assert [w.value for w in out.words[:3]] == ["aws", "s3", "cp"]
    path = out.words[3]
    assert not path.literal and path.prefix and not path.prefix.startswith("-")


def test_find_runs_each_exec_command() -> None:
    found = unwrap_find(words(". -exec aws s3 ls --profile a ; -print -exec aws s3 ls --profile b ;"))
    assert [shown(out) for out in found] == ["aws s3 ls --profile a", "aws s3 ls --profile b"]


def test_find_exec_without_a_terminator_takes_the_rest() -> None:
    (out,) = unwrap_find(words(". -exec aws s3 ls --profile p"))
    assert shown(out) == "aws s3 ls --profile p"


@pytest.mark.parametrize("args", [". -name '*.log' -print", ". -type f -delete", "/tmp"])
def test_find_without_exec_runs_nothing(args: str) -> None:
    assert unwrap_find(words(args)) == []


# -- nested shells -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, script", [
    ("-c 'aws s3 ls'", "aws s3 ls"),
    ("-lc 'aws s3 ls'", "aws s3 ls"),
    ("-xc 'aws s3 ls'", "aws s3 ls"),
    ("-ce 'aws s3 ls'", "aws s3 ls"),
    ("-e -c 'aws s3 ls'", "aws s3 ls"),
    ("-c -- 'aws s3 ls'", "aws s3 ls"),
    ("-o pipefail -c 'aws s3 ls | head'", "aws s3 ls | head"),
    ("+o posix -c 'aws s3 ls'", "aws s3 ls"),
    ("-O extglob -c 'aws s3 ls'", "aws s3 ls"),
    ("--norc -c 'aws s3 ls'", "aws s3 ls"),
    ("--noprofile --norc -c 'aws s3 ls'", "aws s3 ls"),
    ("--login -c 'aws s3 ls'", "aws s3 ls"),
    ("--rcfile /tmp/rc -c 'aws s3 ls'", "aws s3 ls"),
    ("--init-file /tmp/rc -c 'aws s3 ls'", "aws s3 ls"),
    ("-c 'aws s3 ls \"$1\"' sh s3://b", 'aws s3 ls "$1"'),
])
def test_shell_c_runs_the_first_word_after_the_options(args: str, script: str) -> None:
    parsed = shell_args(words(args))
    assert parsed.script is not None and parsed.script.value == script
    assert not parsed.reads_stdin and not parsed.file


def test_shell_c_without_a_string_runs_nothing() -> None:
    parsed = shell_args(words("-c"))
    assert parsed.script is None and not parsed.reads_stdin and not parsed.file


@pytest.mark.parametrize("args, operand", [
    ("deploy.sh", "deploy.sh"),
    ("deploy.sh --profile p", "deploy.sh"),
    ("-x deploy.sh arg", "deploy.sh"),
    ("-e -u deploy.sh", "deploy.sh"),
    ("-o errexit deploy.sh", "deploy.sh"),
    ("--norc deploy.sh", "deploy.sh"),
    ("-- deploy.sh", "deploy.sh"),
    ("- deploy.sh", "deploy.sh"),
    ("deploy.sh -c 'aws s3 ls'", "deploy.sh"),
])
def test_shell_with_a_file_operand_runs_that_file(args: str, operand: str) -> None:
    """A `-c` after the file is the script's own argument, not the shell's option."""
    parsed = shell_args(words(args))
    assert parsed.file and parsed.operand is not None and parsed.operand.value == operand
    assert parsed.script is None and not parsed.reads_stdin


@pytest.mark.parametrize("args", ["", "-", "-s", "-s -- arg1 arg2", "-s deploy", "-e", "-x -o pipefail", "--norc"])
def test_shell_without_a_script_or_file_reads_stdin(args: str) -> None:
    parsed = shell_args(words(args))
    assert parsed.reads_stdin
    assert parsed.script is None and not parsed.file


def test_shell_with_a_computed_first_operand_reports_it_as_the_file() -> None:
    parsed = shell_args((Word("$SCRIPT", None, ""), lit("arg")))
    assert parsed.file and parsed.operand is not None and parsed.operand.text == "$SCRIPT"


# -- grouped short options, as getopt reads them -------------------------------------------------------------


@pytest.mark.parametrize("wrapper, args", [
    ("sudo", "-iu bob aws s3 ls"),
    ("sudo", "-Eu bob aws s3 ls"),
    ("timeout", "-vk 5 10 aws s3 ls"),
    ("xargs", "-tI {} aws s3 ls"),
    ("xargs", "-0n1 aws s3 ls"),
    ("nice", "-n10 aws s3 ls"),
])
def test_a_grouped_option_whose_last_letter_takes_a_value_takes_the_next_word(wrapper: str, args: str) -> None:
    assert shown(skip_options(words(args), SPECS[wrapper])) == "aws s3 ls"


@pytest.mark.parametrize("wrapper, args", [
    ("xargs", "-l aws s3 ls"),
    ("xargs", "-e aws s3 ls"),
    ("xargs", "-eEND aws s3 ls"),
    ("ionice", "-t aws s3 ls"),
    ("watch", "-d aws s3 ls"),
    ("sudo", "-k aws s3 ls"),
])
def test_options_whose_value_is_optional_or_absent_take_no_word(wrapper: str, args: str) -> None:
    """xargs -l/-e and watch -d take a value only attached; ionice -t takes none; `sudo -k CMD` runs CMD."""
    assert shown(skip_options(words(args), SPECS[wrapper])) == "aws s3 ls"


@pytest.mark.parametrize("args", ["-lU bob", "-Vk"])
def test_a_grouped_option_that_only_prints_runs_nothing(args: str) -> None:
    assert skip_options(words(args + " aws s3 ls"), SPECS["sudo"]).runs is False


@pytest.mark.parametrize("args, script", [
    ("-euo pipefail -c 'aws s3 ls'", "aws s3 ls"),
    ("-o pipefail -ec 'aws s3 ls'", "aws s3 ls"),
    ("+O extglob -c 'aws s3 ls'", "aws s3 ls"),
])
def test_a_shell_option_that_takes_a_name_is_not_the_script(args: str, script: str) -> None:
    found = shell_args(words(args))
    assert found.script is not None and found.script.value == script


@pytest.mark.parametrize("args", ["-xs arg", "-s", "-es -- x"])
def test_s_in_a_group_reads_the_script_from_stdin(args: str) -> None:
    assert shell_args(words(args)).reads_stdin


def test_env_applies_assignments_after_the_end_of_its_options() -> None:
    """GNU env: `env -- A=1 cmd` still sets A (checked with coreutils 9)."""
    out = unwrap_env(words("-- AWS_PROFILE=x AWS_REGION=eu-west-1 aws s3 ls"))
    assert shown(out) == "aws s3 ls"
    assert env_of(out) == [("AWS_PROFILE", "x"), ("AWS_REGION", "eu-west-1")]


@pytest.mark.parametrize("args, script", [
    ("/tmp/lock -c 'aws s3 ls'", "aws s3 ls"),
    ("-w 5 /tmp/lock --command 'aws s3 ls'", "aws s3 ls"),
    ("-c 'aws s3 ls' /tmp/lock", "aws s3 ls"),
    ("/tmp/lock --command=true", "true"),
])
def test_flock_c_names_the_string_it_runs_through_sh(args: str, script: str) -> None:
    found = flock_command(words(args))
    assert found is not None and found.value == script


def test_flock_without_c_runs_its_command_words() -> None:
    assert flock_command(words("/tmp/lock aws s3 ls")) is None
    assert shown(skip_options(words("-w 5 /tmp/lock aws s3 ls"), SPECS["flock"])) == "aws s3 ls"
