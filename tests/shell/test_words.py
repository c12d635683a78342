"""guard.shell.words: the aws pre-filter, ANSI-C strings, basenames and quote removal on a word's text.

The tests show that the pre-filter lets through every spelling of `aws` that
bash would still run, that `$'...'` decodes as bash decodes it, that quote
removal gives the word bash would pass (or None when bash computes it at run
time, with the literal start and the unquoted expansions that bash would
split), and that an unquoted heredoc body turns into a string with the same
expansions.
"""
from __future__ import annotations

import pytest

from guard.shell.model import Word, lit
from guard.shell.words import (
    HEREDOC_PROBE,
    basename,
    decode_ansi_c,
    decode_ansi_strings,
    expansion_end,
    heredoc_as_string,
    is_probe,
    mentions_aws,
    scan_word,
)

# -- the pre-filter ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "aws s3 ls --profile CustomerA",
    "cd infra && /usr/local/bin/aws sts get-caller-identity",
    "AWS_PROFILE=CustomerA terraform plan",
    "export AWS_REGION=eu-west-1",
    "Aws s3 ls",
    "a\\ws s3 ls",
    "'a'ws s3 ls",
    '"aw"s s3 ls',
    "a\\\nws s3 ls",
    "$'\\x61ws' s3 ls",
    "$'\\141\\167\\163' s3 ls",
    "$'a'ws s3 ls",
    "echo $'unterminated",
    "bash -c 'a\"w\"s s3 ls'",
])
def test_every_spelling_of_aws_is_a_mention(text: str) -> None:
    assert mentions_aws(text)


@pytest.mark.parametrize("text", [
    "ls -la",
    "git status && git diff --stat",
    "python -m pytest -q tests/",
    "echo 'a' 'w' 's'",
    "printf $'\\x62\\x63'",
    "$'\\x61' ws",
    "kubectl get pods -n default",
])
def test_commands_without_aws_need_no_parse(text: str) -> None:
    assert not mentions_aws(text)


# -- ANSI-C strings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body, expected", [
    ("plain", "plain"),
    ("a\\tb\\nc", "a\tb\nc"),
    ("\\a\\b\\f\\r\\v", "\a\b\f\r\v"),
    ("\\e[0m", "\x1b[0m"),
    ("\\E[1m", "\x1b[1m"),
    ("it\\'s", "it's"),
    ('say \\"hi\\"', 'say "hi"'),
    ("back\\\\slash", "back\\slash"),
    ("\\?", "?"),
    ("\\x61ws", "aws"),
    ("\\x414", "A4"),
    ("\\x4", "\x04"),
    ("\\101\\102", "AB"),
    ("\\0101", "\b1"),
    ("\\1234", "S4"),
    ("\\u00e9", "\u00e9"),
    ("\\U0001F600", "\U0001F600"),
    ("\\cA\\ca", "\x01\x01"),
    ("\\x2d\\x2dprofile", "--profile"),
])
def test_ansi_c_escapes_decode_as_in_bash(body: str, expected: str) -> None:
    assert decode_ansi_c(body) == expected


@pytest.mark.parametrize("body, expected", [
    ("\\q", "\\q"),
    ("\\8", "\\8"),
    ("\\xg", "\\xg"),
    ("\\x", "\\x"),
    ("\\u", "\\u"),
    ("\\c", "\\c"),
    ("ends\\", "ends\\"),
])
def test_unknown_or_incomplete_escapes_keep_their_backslash(body: str, expected: str) -> None:
    assert decode_ansi_c(body) == expected


@pytest.mark.parametrize("text, expected", [
    ("aws s3 ls", "aws s3 ls"),
    ("$'\\x61ws' s3 ls", "aws s3 ls"),
    ("echo $'a\\tb' and $'c'", "echo a\tb and c"),
    ("echo $'it\\'s' done", "echo it's done"),
    ("$'a'$'ws'", "aws"),
])
def test_ansi_strings_are_replaced_by_what_they_spell(text: str, expected: str) -> None:
    assert decode_ansi_strings(text) == expected


@pytest.mark.parametrize("text", ["echo $'open", "echo $'it\\'s", "$'a' $'b"])
def test_an_unterminated_ansi_string_cannot_be_decoded(text: str) -> None:
    assert decode_ansi_strings(text) is None


# -- basenames -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("program, expected", [
    ("aws", "aws"),
    ("/usr/local/bin/aws", "aws"),
    ("./aws", "aws"),
    ("../venv/bin/aws", "aws"),
    ("/opt/aws/", "aws"),
    ("/usr/bin/timeout", "timeout"),
    ("aws.exe", "aws.exe"),
])
def test_programs_are_matched_by_basename(program: str, expected: str) -> None:
    assert basename(program) == expected


# -- quote removal: words known in full ----------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("s3", "s3"),
    ("'it'\\''s'", "it's"),
    ('"say \\"hi\\""', 'say "hi"'),
    ('"a\\b"', "a\\b"),
    ('"\\n"', "\\n"),
    ('"\\\\"', "\\"),
    ("\\\\", "\\"),
    ('"\\`"', "`"),
    ('"\\$HOME"', "$HOME"),
    ("\\$HOME", "$HOME"),
    ("'$HOME'", "$HOME"),
    ("a\\ b", "a b"),
    ("'\"'", '"'),
    ('"\'"', "'"),
    ("s3://b/\"my key\"", "s3://b/my key"),
    ("--profile='CustomerA'", "--profile=CustomerA"),
    ("a$", "a$"),
    ('"$"', "$"),
    ("$%", "$%"),
])
def test_quote_removal_gives_the_word_bash_passes(raw: str, expected: str) -> None:
    value, prefix, unquoted = scan_word(raw)
    assert value == expected
    assert prefix == expected
    assert unquoted == ()


@pytest.mark.parametrize("raw, expected", [
    ('"a\\\nb"', "ab"),
    ("a\\\nb", "ab"),
    ("'a\\\nb'", "a\\\nb"),
])
def test_backslash_newline_joins_lines_except_in_single_quotes(raw: str, expected: str) -> None:
    assert scan_word(raw)[0] == expected


@pytest.mark.parametrize("raw, expected", [
    ("$'it\\'s'", "it's"),
    ("$'\\x2d\\x2dprofile'", "--profile"),
    ("$'a\\tb'", "a\tb"),
    ("$'\\101\\x42\\u0043'", "ABC"),
    ("--profile=$'Cust'omerA", "--profile=CustomerA"),
    ('$"hello"', "hello"),
    ('"$\'x\'"', "$'x'"),
])
def test_ansi_c_and_locale_strings_in_a_word(raw: str, expected: str) -> None:
    assert scan_word(raw)[0] == expected


@pytest.mark.parametrize("raw, expected", [
    ("\\*.txt", "*.txt"),
    ('"*.txt"', "*.txt"),
    ("'*.txt'", "*.txt"),
    ('"file?"', "file?"),
    ("'[ab]'", "[ab]"),
    ("\\[ab]", "[ab]"),
])
def test_quoted_or_escaped_glob_characters_are_literal(raw: str, expected: str) -> None:
    assert scan_word(raw) == (expected, expected, ())


# -- quote removal: words computed at run time ---------------------------------------------------------------


@pytest.mark.parametrize("raw, prefix, unquoted", [
    ("$B", "", ("$B",)),
    ('"$B"', "", ()),
    ("${B}", "", ("${B}",)),
    ('"${B}"', "", ()),
    ("s3://$B/key", "s3://", ("$B",)),
    ('s3://"$B"/key', "s3://", ()),
    ("--profile=$P", "--profile=", ("$P",)),
    ('--profile="$P"', "--profile=", ()),
    ("$(whoami)", "", ("$(whoami)",)),
    ('"$(whoami)"', "", ()),
    ("`date +%s`", "", ("`date +%s`",)),
    ("x-$1", "x-", ("$1",)),
    ("$?", "", ("$?",)),
    ("${arr[@]}", "", ("${arr[@]}",)),
    ("a$x$y", "a", ("$x", "$y")),
    ('"$x"$y', "", ("$y",)),
    ("'lit'$x", "lit", ("$x",)),
    ("$'--'$x", "--", ("$x",)),
    ("$10", "", ("$1",)),
    ('"s3://b/$(date +%F)/"', "s3://b/", ()),
])
def test_expansions_make_a_word_computed(raw: str, prefix: str, unquoted: tuple[str, ...]) -> None:
    assert scan_word(raw) == (None, prefix, unquoted)


def test_arithmetic_expansion_is_computed_but_not_listed_for_splitting() -> None:
    """An unquoted $(( )) gives a number, never several words."""
    assert scan_word("$((N + 1))") == (None, "", ())
    assert scan_word("part-$((N*2))-$x") == (None, "part-", ("$x",))


@pytest.mark.parametrize("raw, prefix", [
    ("*.txt", ""),
    ("logs/*.gz", "logs/"),
    ("file?", "file"),
    ("data[12].csv", "data"),
    ("<(aws s3 ls)", ""),
    (">(tee log)", ""),
])
def test_globs_and_process_substitutions_are_computed_and_never_split(raw: str, prefix: str) -> None:
    assert scan_word(raw) == (None, prefix, ())


@pytest.mark.parametrize("raw", ["{a,b}", "x{a,b}", "s3://b/{1..3}", "-{a,b}", "pre{x,y}post", "a{b..c}d", "{a,}"])
def test_unquoted_brace_expansion_makes_several_words(raw: str) -> None:
    assert scan_word(raw)[0] is None


@pytest.mark.parametrize("raw, expected", [
    ('"{a,b}"', "{a,b}"),
    ("'{a,b}'", "{a,b}"),
    ("\\{a,b\\}", "{a,b}"),
    ("{a\\,b}", "{a,b}"),
    ("{a}", "{a}"),
    ("{}", "{}"),
    ("a,b", "a,b"),
    ("x..y", "x..y"),
])
def test_braces_without_unquoted_comma_or_range_are_literal(raw: str, expected: str) -> None:
    assert scan_word(raw)[0] == expected


# -- where an expansion ends ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, start, end", [
    ("$HOME/x", 0, 5),
    ("a$B_1-c", 1, 5),
    ("${x:-default}rest", 0, 13),
    ("${x:-${y}}z", 0, 10),
    ("$(echo hi)!", 0, 10),
    ("$(echo $(date))x", 0, 15),
    ('$(echo ")")x', 0, 11),
    ("$(echo ')')x", 0, 11),
    ("`date`x", 0, 6),
    ("`echo \\`x\\``y", 0, 12),
    ("$?x", 0, 2),
    ("$1x", 0, 2),
    ("$@", 0, 2),
])
def test_expansion_end_finds_the_closing_character(raw: str, start: int, end: int) -> None:
    assert expansion_end(raw, start) == end


@pytest.mark.parametrize("raw", ["$", "a$", "$%", "$ x", "$/"])
def test_a_dollar_that_starts_nothing_is_literal(raw: str) -> None:
    assert expansion_end(raw, raw.index("$")) is None


def test_an_unclosed_substitution_runs_to_the_end() -> None:
    assert expansion_end("$(echo hi", 0) == len("$(echo hi")
    assert expansion_end("`date", 0) == len("`date")


# -- heredoc bodies ------------------------------------------------------------------------------------------


def argument_of(probe: str) -> tuple[str | None, str, tuple[str, ...]]:
    """Quote removal on the one argument of the `:` command heredoc_as_string builds."""
    assert probe.startswith(HEREDOC_PROBE)
    return scan_word(probe[len(HEREDOC_PROBE):])


@pytest.mark.parametrize("body, printed", [
    ("plain text", "plain text"),
    ('{"bucket": "b", "key": "k"}', '{"bucket": "b", "key": "k"}'),
    ("it's 'quoted'", "it's 'quoted'"),
    ("price: \\$5", "price: $5"),
    ("a \\\\ b", "a \\ b"),
    ("tab\\t stays", "tab\\t stays"),
    ("line one\nline two", "line one\nline two"),
    ("*.txt {a,b} ~", "*.txt {a,b} ~"),
])
def test_a_heredoc_body_without_expansions_reads_as_cat_prints_it(body: str, printed: str) -> None:
    """`printed` is what `cat <<EOF` prints for `body` in bash."""
    assert argument_of(heredoc_as_string(body)) == (printed, printed, ())


@pytest.mark.parametrize("body, prefix", [
    ("$(aws s3 ls --profile p)", ""),
    ('{"id": "$(aws sts get-caller-identity)"}', '{"id": "'),
    ("id: `aws sts get-caller-identity`", "id: "),
    ("home is $HOME", "home is "),
    ("\t  ${x:-$(aws s3 ls)}", "\t  "),
])
def test_a_heredoc_body_keeps_its_expansions_quoted(body: str, prefix: str) -> None:
    """Expansions in a heredoc run but are never split: they read as inside double quotes."""
    assert argument_of(heredoc_as_string(body)) == (None, prefix, ())


@pytest.mark.parametrize("raw, prefix", [
    ("{--profile,}", ""),
    ("{-p,x}", ""),
    ("x{--profile,}", "x"),
    ("'a'{b,c}", "a"),
    ("$X{a,b}", ""),
    ("pre{a,b}$X", "pre"),
    ("a{b}{--c,d}", "a{b}"),
])
def test_a_brace_expansion_is_known_only_up_to_its_opening_brace(raw: str, prefix: str) -> None:
    """`{--profile,}` becomes `--profile` in bash: the prefix must not claim the word starts with `{`."""
    assert scan_word(raw)[:2] == (None, prefix)


@pytest.mark.parametrize("body, printed", [
    ('say \\"hi\\"', 'say \\"hi\\"'),
    ('\\"don\'t\\"', '\\"don\'t\\"'),
    ('a \\x b', 'a \\x b'),
    ('\\', '\\'),
])
def test_a_backslash_before_a_quote_stays_two_characters_in_a_heredoc(body: str, printed: str) -> None:
    """In a heredoc `\\"` is a backslash and a quote (bash's `cat <<EOF` prints both)."""
    assert argument_of(heredoc_as_string(body)) == (printed, printed, ())


def test_a_substitution_after_a_backslashed_quote_still_counts_as_run() -> None:
    body = '\\"don\'t $(aws s3 rb s3://b --profile Prod) won\'t\\"'
    assert argument_of(heredoc_as_string(body)) == (None, '\\"don\'t ', ())


def test_an_escaped_dollar_in_a_heredoc_stays_text() -> None:
    assert argument_of(heredoc_as_string("cost \\$(not run)"))[0] == "cost $(not run)"


def test_backslash_newline_in_a_heredoc_joins_lines() -> None:
    assert argument_of(heredoc_as_string("aws s3 \\\nls"))[0] == "aws s3 ls"


@pytest.mark.parametrize("words, expected", [
    ((lit(":"), lit("body")), True),
    ((lit(":"),), True),
    ((lit("cat"), lit(":")), False),
    ((Word("$(:)", None, ""),), False),
    ((), False),
])
def test_is_probe_recognises_the_colon_command(words: tuple[Word, ...], expected: bool) -> None:
    assert is_probe(words) is expected
