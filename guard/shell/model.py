"""What the shell parsers hand to the rest of the guard: words, commands, stdin.

Both parser back ends (tree-sitter-bash and bashlex) produce these records, so
everything downstream (wrappers, recursion into `bash -c`, the AWS CLI rules) is
written once and the two back ends can be compared call for call.
"""
from __future__ import annotations

from guard.plumbing.record import record


@record(frozen=True)
class Word:
    """One shell word.

    `value` is the word after quote removal, or None when part of it is only
    known at run time (an expansion, a command substitution, a glob or brace
    expansion). `prefix` is the literal text before the first run-time part: it
    tells whether a computed word could start with `-` and so act as an option.
    """

    text: str
    value: str | None
    prefix: str = ""
    unquoted: tuple[str, ...] = ()  # expansions outside quotes: bash splits their results into words

    @property
    def literal(self) -> bool:
        return self.value is not None

    @property
    def shown(self) -> str:
        return self.value if self.value is not None else self.text


def lit(value: str) -> Word:
    """A word known in full: used for words the guard makes itself (`env -S` splits)."""
    return Word(text=value, value=value, prefix=value)


@record(frozen=True)
class Stdin:
    """What a command reads on standard input, when the command line says.

    `text` is a heredoc body or here-string; `producer` is the command on the
    left of a pipe. Both None: a file or something else the guard cannot see.
    """

    source: str  # "heredoc" | "herestring" | "pipe" | "file"
    text: str | None = None
    producer: "Command | None" = None


@record(frozen=True)
class Command:
    """A simple command, a bare assignment, an export/declare or an unset.

    `scope` is the path of subshells the command runs in: an `export` reaches
    the later commands whose scope starts with its own (bash runs `( )`, `$( )`
    and each pipeline element in a subshell).
    """

    words: tuple[Word, ...]
    assignments: tuple[tuple[str, Word], ...] = ()
    scope: tuple[int, ...] = ()
    stdin: Stdin | None = None
    kind: str = "simple"  # "simple" | "assign" (export, declare, NAME=v) | "unset" | "redirect" (of a compound)
    line: int = 1
    redirects: tuple[Word, ...] = ()  # the files of its redirections (`< f`, `> f`, `2>> f`)


@record(frozen=True)
class ParseResult:
    """The commands one back end found, or why it could not parse."""

    commands: tuple[Command, ...] = ()
    error: str | None = None
    backend: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


@record
class EnvChange:
    """How the command line changes one environment variable for a call."""

    value: Word | None  # None: unset
    how: str  # "inline" | "export" | "env" (the env wrapper)


@record(frozen=True)
class Invocation:
    """A program the command line would start, after looking through wrappers.

    `argv[0]` is the program word. `env` holds the changes the command text
    makes to the environment of this program; `env_cleared` means `env -i`.
    `via` lists the wrappers and shells it was found through, for messages.
    """

    argv: tuple[Word, ...]
    env: tuple[tuple[str, EnvChange], ...] = ()
    env_cleared: bool = False
    via: tuple[str, ...] = ()
    line: int = 1

    def env_value(self, name: str) -> EnvChange | None:
        for key, change in reversed(self.env):
            if key == name:
                return change
        return None


DECLARE = frozenset({"export", "declare", "typeset", "local", "readonly"})


def simple_command(words: tuple[Word, ...], assignments: tuple[tuple[str, Word], ...], scope: tuple[int, ...],
                   stdin: Stdin | None, line: int, redirects: tuple[Word, ...] = ()) -> Command:
    """A command as either parser found it: a declaration or `unset` by its first word, else a plain one.

    tree-sitter-bash reads `! export A=1` and `export "A=1"` as plain commands,
    and bashlex every declaration; both still change what later calls see.
    """
    if words and words[0].value in DECLARE:
        named = [split_assignment(w) for w in words[1:] if w.value is None or "=" in w.value]
        rest = [w for w in words[1:] if not (w.value is None or "=" in w.value)]
        return Command((words[0], *rest), tuple(named), scope, kind="assign", line=line)
    if words and words[0].value == "unset":
        return Command(words[1:], (), scope, kind="unset", line=line)
    if not words and assignments:
        return Command((), assignments, scope, kind="assign", line=line)
    return Command(words, assignments, scope, stdin, line=line, redirects=redirects)


def split_assignment(word: Word) -> tuple[str, Word]:
    """`NAME=value` as (NAME, the value's word); the value of a computed word is computed too.

    The name of a computed word is read by quote removal of the text before its
    first `=`: in `"AWS_CONFIG_FILE=$(cat f)"` it is AWS_CONFIG_FILE.
    """
    if word.value is not None:
        name, _, value = word.value.partition("=")
        return name, Word(value, value, value)
    from guard.shell.words import scan_word

    head, _, rest = word.text.partition("=")
    unquoted = scan_word(head)[0]  # a quote opened before the `=` and closed after it still removes
    return unquoted if unquoted is not None else head, Word(rest, None, "")
