"""guard.shell.bashlex.parse: bashlex turned into the same guard.shell.model records as tree-sitter's.

bashlex is the guard's second opinion. The tests show its own contract (the
commands, scopes, stdin, assignments, redirections and words it reports, and
how it reports a parse failure), that it agrees with guard.shell.treesitter
command for command on a table of ordinary command lines (the agreement the
guard's cross-check relies on), and the idioms where bashlex fails and the
guard must rely on tree-sitter alone, or the reverse.
"""
from __future__ import annotations

import pytest

from guard.shell import treesitter
from guard.shell.bashlex import parse
from guard.shell.model import Command, ParseResult


def words(result: ParseResult) -> list[list[str]]:
    """Each command's words, literal ones by value and computed ones by their source text."""
    return [[w.shown for w in c.words] for c in result.commands]


def parsed(text: str) -> ParseResult:
    result = parse(text)
    assert result.ok, result.error
    assert result.backend == "bashlex"
    return result


def find(result: ParseResult, first: str) -> Command:
    found = [c for c in result.commands if c.words and c.words[0].shown == first]
    assert len(found) == 1, words(result)
    return found[0]


def summary(result: ParseResult) -> list[tuple[str, list[str | None], list[tuple[str, str | None]]]]:
    """What the cross-check compares: each command's kind, word values and assignments."""
    return [(c.kind, [w.value for w in c.words], [(k, v.value) for k, v in c.assignments]) for c in result.commands]


# -- both parsers agree ----------------------------------------------------------------------------------


AGREED = [
    "aws s3 ls --profile p",
    "a x | b y | c",
    "a && b || c; d",
    "a & b; wait",
    "! a x",
    "a |& b",
    "a\nb\n\nc",
    "a x # b c",
    "(a; (b)); c",
    "{ a; b; }",
    "if a; then b; else c; fi",
    "while a; do b; done",
    "until a; do b; done",
    "for x in one two; do b $x; done",
    "f() { a; }; f",
    "function f { a; }",
    "echo $(a x) `b y`",
    'echo "got: $(a x)"',
    "echo $(echo $(a x))",
    "diff <(a x) >(b y)",
    "mapfile -t arr < <(a x)",
    "x=$(a x) y=`b y`",
    'export ID="$(a x)"',
    "echo ${v:-$(a x)}",
    'cat <<< "$(a x)"',
    "export A=1 B",
    "declare -x A=1",
    "local x=1 y",
    "readonly R=1",
    "A=1 B=2",
    "export A=1; unset A B",
    "A=1 B=$x cmd arg",
    "cmd A=1",
    "cmd arg > out 2>> err < in",
    "cmd > f extra",
    "cmd 2>&1 | tee log",
    "{ a; } > log",
    "while read l; do a $l; done < list",
    "cat <<EOF\nbody $(a x)\nEOF",
    "cat <<EOF | bash\necho hi\nEOF",
    "cat <<EOF && b\nbody\nEOF",
    "cat <<-EOF\n\t$(a x)\n\tEOF",
    "echo 'it''s' \"a\"'b'c $'\\x61ws' a\\ b",
    "echo 'a\"b' '$x' \"$y\" pre\"$(a)\"post",
    "cmd --profile=$X *.txt {a,b} ~",
    "echo \"a\nb\" && c",
    "aws s3 ls \\\n  --profile p",
    "echo ${x//a/b} ${#y} ${z:0:1}",
    "sudo -u bob env A=1 aws s3 ls",
]


@pytest.mark.parametrize("text", AGREED)
def test_both_parsers_find_the_same_commands(text: str) -> None:
    theirs = treesitter.parse(text)
    assert theirs.ok, theirs.error
    mine = parsed(text)
    assert summary(mine) == summary(theirs)
    assert mine.commands  # an empty answer would agree vacuously


# The two parsers nest `! cmd` and a heredoc'd command at the head of a pipeline differently.
SAME_DEPTH = [t for t in AGREED if not t.startswith("!") and "<<EOF |" not in t]


@pytest.mark.parametrize("text", SAME_DEPTH)
def test_both_parsers_nest_scopes_alike(text: str) -> None:
    """Scope numbers are each parser's own; how deep in subshells each command runs is fixed by bash."""
    theirs, mine = treesitter.parse(text), parsed(text)
    assert [len(c.scope) for c in mine.commands] == [len(c.scope) for c in theirs.commands]


# -- where bashlex fails and tree-sitter does not (the guard then uses tree-sitter alone) ------------------


@pytest.mark.parametrize("text", [
    "[[ -f x ]] && a",
    "[[ $x =~ ^a(b)$ ]] && a",
    "a=(1 2); b",
    "declare -a arr=(1 2)",
    "declare -A m=([k]=1)",
    "echo $((1 + 2))",
    "echo $(( $(a) + 1 ))",
    "echo $[1 + 2]",
    "for ((i = 0; i < 3; i++)); do a; done",
    "coproc a",
    "select x in a b; do a; done",
    "time -p a",
    "case $x in up) a;; esac",
    "cat <<'EOF'\n$(a)\nEOF",
    'cat <<"EOF"\n$(a)\nEOF\n',
    "cat <<\\EOF\nbody\nEOF",
    "git commit -m \"$(cat <<'EOF'\nmessage\nEOF\n)\"",
    "echo `a \\`b\\``",
])
def test_idioms_bashlex_cannot_parse(text: str) -> None:
    result = parse(text)
    assert not result.ok
    assert result.commands == () and result.backend == "bashlex"
    assert treesitter.parse(text).ok


@pytest.mark.parametrize("text, expected", [
    ("exec 3<>/dev/tcp/example.com/80; a x", [["exec"], ["a", "x"]]),
    ("cat <<EOF; a x\nbody\nEOF", [["cat"], ["a", "x"]]),
])
def test_bashlex_reads_what_tree_sitter_cannot(text: str, expected: list[list[str]]) -> None:
    assert not treesitter.parse(text).ok
    assert words(parsed(text)) == expected


# -- parse failures --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, error", [
    ('echo "unterminated', "MatchedPairError"),
    ("echo $(a", "MatchedPairError"),
    ("if a; then", "ParsingError"),
    ("echo )", "ParsingError"),
    ("a ;; b", "ParsingError"),
    ("fi", "ParsingError"),
])
def test_failure_names_the_error(text: str, error: str) -> None:
    result = parse(text)
    assert not result.ok and result.commands == ()
    assert result.error is not None and result.error.startswith(error + ": ")
    assert "position" in result.error


# -- bashlex's own records -------------------------------------------------------------------------------


def test_pipe_producer_is_recorded_on_the_consumer() -> None:
    echo, shell = parsed("echo x | bash").commands
    assert echo.stdin is None
    assert shell.stdin is not None and shell.stdin.source == "pipe"
    assert shell.stdin.producer == echo


def test_each_stage_of_a_pipeline_reads_the_previous_one_in_its_own_subshell() -> None:
    a, b, c = parsed("a | b | c").commands
    assert b.stdin is not None and b.stdin.producer == a
    assert c.stdin is not None and c.stdin.producer == b
    assert {len(a.scope), len(b.scope), len(c.scope)} == {1} and len({a.scope, b.scope, c.scope}) == 3


def test_pipe_from_a_compound_command_has_no_visible_producer() -> None:
    shell = find(parsed("{ echo x; } | bash"), "bash")
    assert shell.stdin is not None and shell.stdin.source == "pipe" and shell.stdin.producer is None


def test_heredoc_piped_to_a_shell() -> None:
    result = parsed("cat <<EOF | bash\necho hi\nEOF")
    cat, shell = find(result, "cat"), find(result, "bash")
    assert shell.stdin is not None and shell.stdin.producer == cat
    assert cat.stdin is not None and cat.stdin.text == "echo hi\n"
    assert len(cat.scope) == len(shell.scope) == 1 and cat.scope != shell.scope


def test_export_inside_subshell_does_not_cover_later_commands() -> None:
    export, b = parsed("(export A=1); b").commands
    assert export.kind == "assign" and len(export.scope) == 1
    assert b.scope == ()


def test_substitutions_get_their_own_scopes() -> None:
    result = parsed('echo $(a) `b` <(c) "$(d "$(e)")"')
    a, b, c, d, e = (find(result, n) for n in "abcde")
    assert all(len(s.scope) == 1 for s in (a, b, c, d))
    assert len({a.scope, b.scope, c.scope, d.scope}) == 4
    assert e.scope[:1] == d.scope and len(e.scope) == 2
    assert find(result, "echo").scope == ()


@pytest.mark.parametrize("text, expected", [("echo '$(a x)'", "$(a x)"), ('echo "\\$(a x)"', "$(a x)"),
                                            ("echo '`a x`'", "`a x`")])
def test_quoted_substitutions_are_text(text: str, expected: str) -> None:
    assert [[w.value for w in c.words] for c in parsed(text).commands] == [["echo", expected]]


def test_declaration_splits_assignments_from_options_and_names() -> None:
    command, inner = parsed("declare -x A=1 B C=$(d)").commands
    assert command.kind == "assign" and [w.value for w in inner.words] == ["d"]
    assert [w.value for w in command.words] == ["declare", "-x", "B"]
    assert [(k, v.value) for k, v in command.assignments] == [("A", "1"), ("C", None)]
    assert command.assignments[1][1].text == "$(d)"


def test_bare_assignments() -> None:
    (command,) = parsed("A=1 B='x y'").commands
    assert command.kind == "assign" and command.words == ()
    assert [(k, v.value) for k, v in command.assignments] == [("A", "1"), ("B", "x y")]


def test_unset() -> None:
    (command,) = parsed("unset -v A B").commands
    assert command.kind == "unset"
    assert [w.value for w in command.words] == ["-v", "A", "B"]


def test_inline_assignments_belong_to_the_command() -> None:
    (command,) = parsed("A=1 B=2 cmd C=3").commands
    assert command.kind == "simple"
    assert [(k, v.value) for k, v in command.assignments] == [("A", "1"), ("B", "2")]
    assert [w.value for w in command.words] == ["cmd", "C=3"]


def test_redirect_targets_and_file_stdin() -> None:
    (command,) = parsed("cmd > out 2>> err < in").commands
    assert [w.value for w in command.redirects] == ["out", "err", "in"]
    assert command.stdin is not None and command.stdin.source == "file"


def test_duplicating_a_descriptor_opens_no_file() -> None:
    (command,) = parsed("cmd 2>&1 > out").commands
    assert [w.value for w in command.redirects] == ["out"]


def test_redirect_of_a_compound_command_is_recorded() -> None:
    records = [c for c in parsed("{ a; b; } > log").commands if c.kind == "redirect"]
    assert [[w.value for w in r.redirects] for r in records] == [["log"]]
    assert records[0].words == ()


def test_heredoc_text_excludes_the_delimiter_line() -> None:
    (command,) = parsed("cat <<EOF\nline one\nline two\nEOF").commands
    assert command.stdin is not None
    assert (command.stdin.source, command.stdin.text) == ("heredoc", "line one\nline two\n")


def test_indented_heredoc_text() -> None:
    (command,) = parsed("cat <<-EOF\n\tbody\n\tEOF").commands
    assert command.stdin is not None and command.stdin.text == "body\n"


@pytest.mark.parametrize("body", ["$(a x)\n", "text `a x` text\n", "  $(a x)\n", '{"id": "$(a x)"}\n'])
def test_unquoted_heredoc_body_substitutions_are_commands(body: str) -> None:
    inner = find(parsed(f"cat <<EOF\n{body}EOF"), "a")
    assert [w.value for w in inner.words] == ["a", "x"] and inner.scope != ()


@pytest.mark.parametrize("text, value", [('cat <<< "hi there"', "hi there"), ("cat <<< 'a b'", "a b"),
                                         ('cat <<< "$x"', None)])
def test_herestring(text: str, value: str | None) -> None:
    (command,) = parsed(text).commands
    assert command.stdin is not None and command.stdin.source == "herestring"
    assert command.stdin.text == value


def test_line_numbers() -> None:
    result = parsed("a\nb\n\nc\ncat <<EOF\nx\nEOF\nd")
    assert [(c.words[0].value, c.line) for c in result.commands] == [
        ("a", 1), ("b", 2), ("c", 4), ("cat", 5), ("d", 8)]


@pytest.mark.parametrize("raw, value, prefix", [
    ("'a\"b'", 'a"b', 'a"b'),
    ("'$x'", "$x", "$x"),
    ("\"a\"'b'c", "abc", "abc"),
    ("'it''s'", "its", "its"),
    ("$'\\x61ws'", "aws", "aws"),
    ("--profile=$X", None, "--profile="),
    ('pre"$(a)"post', None, "pre"),
    ("{a,b}", None, ""),
])
def test_word_values_follow_bash_quote_removal(raw: str, value: str | None, prefix: str) -> None:
    command = parsed(f"cmd {raw}").commands[0]
    word = command.words[1]
    assert (word.text, word.value, word.prefix) == (raw, value, prefix)


def test_substitutions_in_text_bashlex_keeps_get_scopes_of_their_own() -> None:
    """A heredoc body or `${x:-$(...)}` is parsed again; its subshells must not reuse an earlier one's id."""
    for text in ("(export AWS_PROFILE=p); cat <<EOF\n$(aws s3 ls)\nEOF", "(export A=1); echo ${x:-$(aws s3 ls)}"):
        result = parse(text)
        assert result.ok, result.error
        export = next(c for c in result.commands if c.words and c.words[0].value == "export")
        aws = next(c for c in result.commands if c.words and c.words[0].value == "aws")
        assert aws.scope[:len(export.scope)] != export.scope, text


def test_commands_found_in_heredoc_bodies_keep_their_redirections() -> None:
    result = parse("cat <<EOF\n$(echo x > ~/.aws/credentials)\nEOF")
    echo = next(c for c in result.commands if c.words and c.words[0].value == "echo")
    assert [w.shown for w in echo.redirects] == ["~/.aws/credentials"]
