"""guard.shell.treesitter.parse: tree-sitter-bash turned into guard.shell.model records.

The tests feed real command lines to the real parser and check the records the
rest of the guard works from: which simple commands bash would run (including
those inside `$( )`, backticks, `<( )` and unquoted heredoc bodies), the subshell
scope each one runs in, what it reads on stdin, its assignments, redirection
targets and line, the value and literal prefix of each word, and where a syntax
error is reported.
"""
from __future__ import annotations

import pytest

from guard.shell.model import Command, ParseResult
from guard.shell.treesitter import parse


def words(result: ParseResult) -> list[list[str]]:
    """Each command's words, literal ones by value and computed ones by their source text."""
    return [[w.shown for w in c.words] for c in result.commands]


def parsed(text: str) -> ParseResult:
    result = parse(text)
    assert result.ok, result.error
    assert result.backend == "tree-sitter"
    return result


def find(result: ParseResult, first: str) -> Command:
    """The one command whose first word is `first`."""
    found = [c for c in result.commands if c.words and c.words[0].shown == first]
    assert len(found) == 1, words(result)
    return found[0]


# -- which commands run ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("a x | b y | c", [["a", "x"], ["b", "y"], ["c"]]),
    ("a && b || c; d", [["a"], ["b"], ["c"], ["d"]]),
    ("a & b", [["a"], ["b"]]),
    ("! a x", [["a", "x"]]),
    ("a |& b", [["a"], ["b"]]),
    ("a\nb\n\nc", [["a"], ["b"], ["c"]]),
    ("a x # b c", [["a", "x"]]),
    ("{ a; b; }", [["a"], ["b"]]),
    ("if a; then b; elif c; then d; else e; fi", [["a"], ["b"], ["c"], ["d"], ["e"]]),
    ("while a; do b; done", [["a"], ["b"]]),
    ("for x in one two; do b $x; done", [["b", "$x"]]),
    ("case $x in up) a;; *) b;; esac", [["a"], ["b"]]),
    ("f() { a; }; f", [["a"], ["f"]]),
    ("[[ -f x ]] && a", [["a"]]),
    ("a=(1 2); b", [["b"]]),
])
def test_lists_pipelines_and_compound_bodies(text: str, expected: list[list[str]]) -> None:
    simple = [[w.shown for w in c.words] for c in parsed(text).commands if c.kind == "simple"]
    assert simple == expected


@pytest.mark.parametrize("text, inner", [
    ("echo $(a x)", ["a", "x"]),
    ("echo `a x`", ["a", "x"]),
    ('echo "got: $(a x) done"', ["a", "x"]),
    ("diff <(a x) y", ["a", "x"]),
    ("tee >(a x)", ["a", "x"]),
    ("x=$(a x)", ["a", "x"]),
    ('export X="$(a x)"', ["a", "x"]),
    ("X=`a x` cmd", ["a", "x"]),
    ("echo ${v:-$(a x)}", ["a", "x"]),
    ("[[ -n $(a x) ]]", ["a", "x"]),
    ('cat <<< "$(a x)"', ["a", "x"]),
    ("echo $(( $(a x) + 1 ))", ["a", "x"]),
    ("cmd > $(a x)", ["a", "x"]),
])
def test_substitutions_are_commands_in_their_own_scope(text: str, inner: list[str]) -> None:
    result = parsed(text)
    command = find(result, inner[0])
    assert [w.shown for w in command.words] == inner
    assert command.scope != ()  # bash runs it in a subshell
    outer = [c for c in result.commands if c is not command]
    assert all(c.scope == () for c in outer)


@pytest.mark.parametrize("text, expected", [
    ("echo '$(a x)'", ["echo", "$(a x)"]),
    ("echo '`a x`'", ["echo", "`a x`"]),
    ('echo "\\$(a x)"', ["echo", "$(a x)"]),
    ('echo "\\`a x\\`"', ["echo", "`a x`"]),
    ("echo \\`a x\\`", ["echo", "`a", "x`"]),
])
def test_quoted_or_escaped_substitutions_are_text(text: str, expected: list[str]) -> None:
    assert [[w.value for w in c.words] for c in parsed(text).commands] == [expected]


def test_substitution_word_is_kept_as_computed_text() -> None:
    echo = parsed("echo $(a x) `b y`").commands[0]
    assert [w.text for w in echo.words] == ["echo", "$(a x)", "`b y`"]
    assert [w.value for w in echo.words] == ["echo", None, None]


def test_two_substitutions_get_different_scopes() -> None:
    result = parsed("echo $(a) `b` <(c)")
    scopes = [find(result, name).scope for name in ("a", "b", "c")]
    assert all(len(s) == 1 for s in scopes)
    assert len(set(scopes)) == 3


def test_nested_substitution_scope_extends_the_outer_one() -> None:
    result = parsed('echo "$(a "$(b)")"')
    a, b = find(result, "a"), find(result, "b")
    assert len(b.scope) == len(a.scope) + 1 and b.scope[: len(a.scope)] == a.scope


def test_subshells_nest_and_end() -> None:
    result = parsed("(a; (b)); c")
    a, b, c = (find(result, n) for n in "abc")
    assert len(a.scope) == 1
    assert b.scope[:1] == a.scope and len(b.scope) == 2
    assert c.scope == ()


def test_export_inside_subshell_does_not_cover_later_commands() -> None:
    result = parsed("(export A=1); b")
    export, b = result.commands
    assert export.kind == "assign" and export.assignments[0][0] == "A"
    assert len(export.scope) > len(b.scope)
    assert b.scope[: len(export.scope)] != export.scope


def test_export_at_top_level_covers_later_commands() -> None:
    export, b = parsed("export A=1; (b)").commands
    assert export.scope == ()
    assert b.scope[: len(export.scope)] == export.scope and len(b.scope) == 1


def test_each_pipeline_element_has_its_own_subshell() -> None:
    a, b, c = parsed("a | b | c").commands
    assert {len(a.scope), len(b.scope), len(c.scope)} == {1}
    assert len({a.scope, b.scope, c.scope}) == 3


# -- stdin ------------------------------------------------------------------------------------------------


def test_pipe_producer_is_recorded_on_the_consumer() -> None:
    echo, shell = parsed("echo x | bash").commands
    assert echo.stdin is None
    assert shell.stdin is not None and shell.stdin.source == "pipe"
    assert shell.stdin.producer == echo
    assert [w.value for w in shell.stdin.producer.words] == ["echo", "x"]


def test_each_stage_of_a_pipeline_reads_the_previous_one() -> None:
    a, b, c = parsed("a | b | c").commands
    assert b.stdin is not None and b.stdin.producer == a
    assert c.stdin is not None and c.stdin.producer == b


def test_pipe_from_a_compound_command_has_no_visible_producer() -> None:
    result = parsed("{ echo x; } | bash")
    shell = find(result, "bash")
    assert shell.stdin is not None and shell.stdin.source == "pipe"
    assert shell.stdin.producer is None


def test_heredoc_producer_piped_to_a_shell() -> None:
    result = parsed("cat <<'EOF' | bash\necho hi\nEOF")
    shell = find(result, "bash")
    assert shell.stdin is not None and shell.stdin.producer is not None
    producer = shell.stdin.producer
    assert [w.value for w in producer.words] == ["cat"]
    assert producer.stdin is not None and producer.stdin.text == "echo hi\n"


def test_input_redirection_is_a_file_on_stdin() -> None:
    command = parsed("sort < list.txt").commands[0]
    assert command.stdin is not None and command.stdin.source == "file"
    assert command.stdin.text is None and command.stdin.producer is None


@pytest.mark.parametrize("text, value", [('cat <<< "hi there"', "hi there"), ("cat <<< 'a b'", "a b"),
                                         ('cat <<< "$x"', None)])
def test_herestring_text_after_quote_removal(text: str, value: str | None) -> None:
    command = parsed(text).commands[0]
    assert command.stdin is not None and command.stdin.source == "herestring"
    assert command.stdin.text == value


def test_heredoc_body_is_the_stdin_text() -> None:
    command = parsed("cat <<EOF\nline one\nline two\nEOF").commands[0]
    assert command.stdin is not None
    assert (command.stdin.source, command.stdin.text) == ("heredoc", "line one\nline two\n")


def test_command_after_a_heredoc_operator_runs() -> None:
    result = parsed("cat <<EOF && b x\nbody\nEOF")
    assert words(result) == [["cat"], ["b", "x"]]
    assert result.commands[0].stdin is not None and result.commands[0].stdin.text == "body\n"


@pytest.mark.parametrize("body", [
    "$(a x)\n",
    "text `a x` text\n",
    "  $(a x)\n",
    "\t$(a x)\n",
    '{"id": "$(a x)"}\n',
    "${v:-$(a x)}\n",
])
def test_unquoted_heredoc_body_substitutions_are_commands(body: str) -> None:
    result = parsed(f"cat <<EOF\n{body}EOF")
    inner = find(result, "a")
    assert [w.value for w in inner.words] == ["a", "x"]
    assert inner.scope != () and inner.line == 2


@pytest.mark.parametrize("opener", ["<<'EOF'", '<<"EOF"', "<<\\EOF"])
def test_quoted_heredoc_delimiter_makes_the_body_text(opener: str) -> None:
    result = parsed(f"cat {opener}\n$(a x) `b y`\nEOF")
    assert words(result) == [["cat"]]
    assert result.commands[0].stdin is not None
    assert result.commands[0].stdin.text == "$(a x) `b y`\n"


def test_heredoc_body_lines_without_substitution_are_not_commands() -> None:
    assert words(parsed("cat <<EOF\na x\nb y\nEOF")) == [["cat"]]


def test_indented_heredoc_substitution() -> None:
    result = parsed("cat <<-EOF\n\t$(a x)\n\tEOF")
    assert [w.value for w in find(result, "a").words] == ["a", "x"]


# -- assignments and unset -------------------------------------------------------------------------------


def test_a_backslashed_quote_in_a_heredoc_body_does_not_hide_it() -> None:
    """tree-sitter-bash reads such a body as words of the command line; the guard reads it as bash does."""
    text = 'bash <<EOF\necho \\"x\naws s3 rb s3://prod --profile Prod\necho y\\"\nEOF'
    (shell,) = parsed(text).commands
    assert shell.stdin is not None and shell.stdin.text == 'echo \\"x\naws s3 rb s3://prod --profile Prod\necho y\\"\n'
    found = parsed('cat <<EOF\n\\"don\'t $(aws s3 rb s3://b --profile Prod) won\'t\\"\nEOF')
    assert ["aws", "s3", "rb", "s3://b", "--profile", "Prod"] in words(found)


def test_a_dash_heredoc_strips_leading_tabs_from_every_line() -> None:
    (cat,) = parsed("cat <<-EOF\n\tbody\n\t\tmore\n\tEOF").commands
    assert cat.stdin is not None and cat.stdin.text == "body\nmore\n"
    assert ["aws", "s3", "ls"] in words(parsed("cat <<-EOF\n\t$(aws s3 ls)\n\tEOF"))


def test_heredoc_body_commands_do_not_share_a_scope_with_an_earlier_subshell() -> None:
    found = parsed("(export AWS_PROFILE=p); cat <<EOF\n$(aws s3 ls)\nEOF")
    export, aws = find(found, "export"), find(found, "aws")
    assert export.scope and aws.scope[:len(export.scope)] != export.scope


def test_heredoc_body_commands_keep_their_redirections() -> None:
    found = parsed("cat <<EOF\n$(echo x > ~/.aws/credentials)\nEOF")
    assert [w.shown for w in find(found, "echo").redirects] == ["~/.aws/credentials"]


@pytest.mark.parametrize("text, head, assigned", [
    ("export A=1 B", ["export", "B"], [("A", "1")]),
    ("declare -x A=1", ["declare", "-x"], [("A", "1")]),
    ("A=1 B=2", [], [("A", "1"), ("B", "2")]),
    ("local x=1 y", ["local", "y"], [("x", "1")]),
    ("readonly R=v", ["readonly"], [("R", "v")]),
    ("typeset -i n=3", ["typeset", "-i"], [("n", "3")]),
    ('export A="x y"', ["export"], [("A", "x y")]),
    ("export A=", ["export"], [("A", "")]),
    ("export -n A", ["export", "-n", "A"], []),
])
def test_assignments(text: str, head: list[str], assigned: list[tuple[str, str]]) -> None:
    (command,) = parsed(text).commands
    assert command.kind == "assign"
    assert [w.value for w in command.words] == head
    assert [(k, v.value) for k, v in command.assignments] == assigned


def test_computed_assignment_value_runs_its_substitution() -> None:
    result = parsed("export A=$(b)")
    export, inner = result.commands
    assert export.assignments[0][0] == "A" and export.assignments[0][1].value is None
    assert export.assignments[0][1].text == "$(b)"
    assert [w.value for w in inner.words] == ["b"] and inner.scope != ()


def test_assignment_value_prefix_before_an_expansion() -> None:
    (command,) = parsed("A=pre$x").commands
    value = command.assignments[0][1]
    assert (value.value, value.prefix) == (None, "pre")


@pytest.mark.parametrize("text, expected", [
    ("unset A B", ["A", "B"]),
    ("unset -v A", ["-v", "A"]),
])
def test_unset(text: str, expected: list[str]) -> None:
    (command,) = parsed(text).commands
    assert command.kind == "unset"
    assert [w.value for w in command.words] == expected


def test_inline_assignments_belong_to_the_command() -> None:
    (command, inner) = parsed("A=1 B=$(b) cmd arg").commands
    assert command.kind == "simple"
    assert [w.value for w in command.words] == ["cmd", "arg"]
    assert [(k, v.value) for k, v in command.assignments] == [("A", "1"), ("B", None)]
    assert [w.value for w in inner.words] == ["b"]


def test_assignment_after_the_command_name_is_an_argument() -> None:
    (command,) = parsed("cmd A=1").commands
    assert command.assignments == ()
    assert [w.value for w in command.words] == ["cmd", "A=1"]


def test_export_in_a_pipeline_runs_in_a_subshell() -> None:
    _, export = parsed("a | export A=1").commands
    assert export.kind == "assign" and export.scope != ()


# -- redirections ----------------------------------------------------------------------------------------


def test_redirect_targets_in_order() -> None:
    (command,) = parsed("cmd arg > out.txt 2>> err.log < in.txt").commands
    assert [w.value for w in command.words] == ["cmd", "arg"]
    assert [w.value for w in command.redirects] == ["out.txt", "err.log", "in.txt"]
    assert command.stdin is not None and command.stdin.source == "file"


@pytest.mark.parametrize("text", ["cmd &> f", "cmd >| f", "cmd &>> f", "cmd 2> f"])
def test_other_file_redirections(text: str) -> None:
    assert [w.value for w in parsed(text).commands[0].redirects] == ["f"]


def test_words_after_a_redirect_target_are_arguments() -> None:
    (command,) = parsed("cmd > f extra arg").commands
    assert [w.value for w in command.words] == ["cmd", "extra", "arg"]
    assert [w.value for w in command.redirects] == ["f"]


def test_computed_redirect_target() -> None:
    (command,) = parsed('cmd > "$HOME/out"').commands
    assert command.redirects[0].value is None and command.redirects[0].text == '"$HOME/out"'


@pytest.mark.parametrize("text", ["{ a; b; } > log", "while read x; do a; done < log", "(a) 2>> log"])
def test_redirect_of_a_compound_command_is_recorded(text: str) -> None:
    records = [c for c in parsed(text).commands if c.kind == "redirect"]
    assert len(records) == 1
    assert records[0].words == () and [w.value for w in records[0].redirects] == ["log"]


# -- lines -----------------------------------------------------------------------------------------------


def test_line_numbers_of_later_commands() -> None:
    assert [c.line for c in parsed("a\nb\n\nc").commands] == [1, 2, 4]


def test_line_after_a_multiline_string() -> None:
    assert [c.line for c in parsed('echo "a\nb" && c').commands] == [1, 2]


def test_lines_in_and_after_a_heredoc() -> None:
    result = parsed("echo one\ncat <<EOF\nline1\n$(a)\n  $(b)\nEOF\necho after")
    assert [(c.words[0].shown, c.line) for c in result.commands] == [
        ("echo", 1), ("cat", 2), ("a", 4), ("b", 5), ("echo", 7)]


# -- words -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, value, prefix", [
    ("plain", "plain", "plain"),
    ("'a b'", "a b", "a b"),
    ('"a b"', "a b", "a b"),
    ("a\\ b", "a b", "a b"),
    ("\"a\"'b'c", "abc", "abc"),
    ("'a\"b'", 'a"b', 'a"b'),
    ("'$x'", "$x", "$x"),
    ("$'\\x61ws'", "aws", "aws"),
    ('$"text"x', "textx", "textx"),
    ("--profile=$X", None, "--profile="),
    ('"$y"', None, ""),
    ('pre"$(a)"post', None, "pre"),
    ("*.txt", None, ""),
    ("s3://b/{a,b}", None, "s3://b/"),
    ("${x:-d}", None, ""),
])
def test_word_value_and_prefix(raw: str, value: str | None, prefix: str) -> None:
    (command,) = [c for c in parsed(f"cmd {raw}").commands if c.words[0].value == "cmd"]
    assert len(command.words) == 2
    word = command.words[1]
    assert (word.text, word.value, word.prefix) == (raw, value, prefix)


def test_unquoted_expansions_are_listed_for_word_splitting() -> None:
    (command,) = parsed('cmd $a "$b" c$d').commands
    assert [w.unquoted for w in command.words[1:]] == [("$a",), (), ("$d",)]


def test_adjacent_nodes_form_one_word() -> None:
    (command,) = parsed("cmd a=[\\{x\\},y]").commands
    assert [w.text for w in command.words] == ["cmd", "a=[\\{x\\},y]"]


def test_line_continuation_joins_the_command() -> None:
    (command,) = parsed("cmd a \\\n  b").commands
    assert [w.value for w in command.words] == ["cmd", "a", "b"]


# -- syntax errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, where", [
    ('echo "unterminated', "line 1, column 6"),  # the opening quote
    ('a\nb "c', "line 2, column 3"),
    ("if a; then", "missing 'fi' at line 1, column 11"),  # the end of the text
    ("echo $(a", "missing ')' at line 1, column 9"),
])
def test_syntax_error_says_where(text: str, where: str) -> None:
    result = parse(text)
    assert not result.ok
    assert result.error is not None and where in result.error
    assert result.commands == () and result.backend == "tree-sitter"
