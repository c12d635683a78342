"""guard.shell.model: the words, commands and calls both parser back ends hand on.

The tests show that a word is literal exactly when its value is known, that
messages show a word by its value or else by its source text, that `lit()`
makes a word known in full, that a parse result is ok exactly when it has no
error, and that a call's environment is read as bash applies it: the last
change to a name wins, and an unset is a change too.
"""
from __future__ import annotations

import pytest

from guard.shell.model import Command, EnvChange, Invocation, ParseResult, Word, lit


@pytest.mark.parametrize("word, literal, shown", [
    (Word("s3", "s3", "s3"), True, "s3"),
    (Word("'my bucket'", "my bucket", "my bucket"), True, "my bucket"),
    (Word('""', "", ""), True, ""),
    (Word("$BUCKET", None, ""), False, "$BUCKET"),
    (Word('s3://"$B"/k', None, "s3://"), False, 's3://"$B"/k'),
    (Word("*.json", None, ""), False, "*.json"),
])
def test_a_word_is_literal_when_its_value_is_known_and_shown_by_value_or_text(word: Word, literal: bool,
                                                                              shown: str) -> None:
    assert word.literal is literal
    assert word.shown == shown


@pytest.mark.parametrize("value", ["aws", "--profile", "", "s3://b/my key", "$HOME"])
def test_lit_makes_a_word_known_in_full(value: str) -> None:
    word = lit(value)
    assert word.literal
    assert (word.text, word.value, word.prefix, word.unquoted) == (value, value, value, ())
    assert word.shown == value


def test_words_compare_and_hash_by_content() -> None:
    assert lit("aws") == Word("aws", "aws", "aws")
    assert lit("aws") != Word("aws", None, "")
    assert len({lit("aws"), Word("aws", "aws", "aws"), lit("s3")}) == 2


def test_words_cannot_be_changed() -> None:
    word = lit("aws")
    with pytest.raises(AttributeError):
        word.value = "rm"  # type: ignore[misc]
    assert word.value == "aws"


@pytest.mark.parametrize("result, ok", [
    (ParseResult(commands=(Command((lit("aws"),)),), backend="tree-sitter"), True),
    (ParseResult(backend="bashlex"), True),
    (ParseResult(error="unexpected token `)' at line 1", backend="bashlex"), False),
    (ParseResult(error="", backend="tree-sitter"), False),
])
def test_a_parse_result_is_ok_exactly_when_it_has_no_error(result: ParseResult, ok: bool) -> None:
    assert result.ok is ok


def call(*env: tuple[str, EnvChange]) -> Invocation:
    return Invocation(argv=(lit("aws"), lit("s3"), lit("ls")), env=env)


def test_env_value_is_none_for_a_name_the_command_line_does_not_touch() -> None:
    assert call().env_value("AWS_PROFILE") is None
    assert call(("AWS_REGION", EnvChange(lit("eu-west-1"), "inline"))).env_value("AWS_PROFILE") is None


def test_env_value_gives_the_change_made_to_that_name() -> None:
    region = ("AWS_REGION", EnvChange(lit("eu-west-1"), "inline"))
    found = call(region, ("AWS_PROFILE", EnvChange(lit("CustomerA"), "export"))).env_value("AWS_PROFILE")
    assert found is not None and found.value == lit("CustomerA") and found.how == "export"


@pytest.mark.parametrize("changes, expected", [
    ([("export", "a"), ("inline", "b")], ("b", "inline")),
    ([("inline", "b"), ("export", "a")], ("a", "export")),
    ([("export", "a"), ("env", "b"), ("env", "c")], ("c", "env")),
    ([("export", "a"), ("env", None)], (None, "env")),
    ([("env", None), ("inline", "b")], ("b", "inline")),
])
def test_the_last_change_to_a_name_wins(changes: list[tuple[str, str | None]],
                                        expected: tuple[str | None, str]) -> None:
    """`export AWS_PROFILE=a; AWS_PROFILE=b aws ...` runs with b; `env -u AWS_PROFILE` then leaves it unset."""
    env = [("AWS_PROFILE", EnvChange(lit(v) if v is not None else None, how)) for how, v in changes]
    env.insert(1, ("AWS_REGION", EnvChange(lit("eu-west-1"), "inline")))  # other names do not interfere
    found = call(*env).env_value("AWS_PROFILE")
    assert found is not None
    assert (found.value.shown if found.value is not None else None, found.how) == expected


def test_an_unset_is_a_change_not_an_absence() -> None:
    """`env -u AWS_PROFILE aws ...`: the guard must know the variable is removed, not fall back to the shell's."""
    found = call(("AWS_PROFILE", EnvChange(None, "env"))).env_value("AWS_PROFILE")
    assert found is not None
    assert found.value is None


def test_env_names_are_case_sensitive() -> None:
    found = call(("aws_profile", EnvChange(lit("x"), "inline"))).env_value("AWS_PROFILE")
    assert found is None

