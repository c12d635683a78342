"""Find every AWS CLI call a command line would start.

`scan(text)` parses with tree-sitter-bash, follows wrappers, nested shells,
`eval` and scripts fed to a shell on stdin, and returns the aws invocations
plus the problems that make the answer unprovable (a command name computed at
run time, a script no parser can read). bashlex is consulted as a second
opinion where tree-sitter fails and as a cross-check whenever an aws call was
found; if both parse but find different calls, that is a problem too.
"""
from __future__ import annotations

from guard.plumbing.record import field, record
from guard.shell import treesitter, wrappers
from guard.shell.model import (
    Command,
    EnvChange,
    Invocation,
    ParseResult,
    Stdin,
    Word,
    lit,
)
from guard.shell.words import basename, decode_ansi_c, mentions_aws

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Callable

    Parse = Callable[[str], ParseResult]
    _Handler = Callable[["_Extractor", str, tuple, list, bool, tuple, Command], None]

MAX_DEPTH = 8
# What can stop the guard from proving a command line safe (guard.policy.rules.shell judges each kind).
UNPARSABLE = "unparsable"  # no parser can read it, or a nested script
DISAGREEMENT = "disagreement"  # the two parsers find different aws calls
COMPUTED = "computed"  # a command name or script known only at run time


@record(frozen=True)
class Problem:
    """Something about the command line that stops the guard from proving it safe."""

    kind: str  # UNPARSABLE, DISAGREEMENT or COMPUTED
    message: str


@record
class Scan:
    calls: list[Invocation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    parser: str = ""
    words: list[Word] = field(default_factory=list)  # every word and redirection target seen (protected files)


def scan(text: str, extra_wrappers: frozenset[str] = frozenset(), also: tuple[str, ...] = ()) -> Scan:
    """The aws calls in `text`, the words it holds, and what stops the guard from proving it safe.

    Text that cannot mention aws, and holds none of the strings in `also` (the
    files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name), is not parsed at all.
    """
    if not mentions_aws(text) and not any(s in text for s in also):
        return Scan()
    try:
        return _scan(text, extra_wrappers)
    except RecursionError:
        return Scan(problems=[Problem(UNPARSABLE, "the command is nested too deeply for the guard to check")])


def _scan(text: str, extra_wrappers: frozenset[str]) -> Scan:
    primary = treesitter.parse(text)
    if primary.ok:
        found = _extract(primary, text, _parse_with_fallback, extra_wrappers)
        if found.calls:
            _cross_check(text, found, extra_wrappers)
        return found
    second = _bashlex_parse(text)
    if second.ok:
        return _extract(second, text, _bashlex_parse, extra_wrappers)
    message = f"no shell parser can read this command (tree-sitter: {primary.error}; bashlex: {second.error})"
    return Scan(problems=[Problem(UNPARSABLE, message)])


def _bashlex_parse(text: str) -> ParseResult:
    from guard.shell import bashlex  # imported only when a second opinion is needed

    return bashlex.parse(text)


def _parse_with_fallback(text: str) -> ParseResult:
    primary = treesitter.parse(text)
    if primary.ok:
        return primary
    second = _bashlex_parse(text)
    return second if second.ok else primary


def _cross_check(text: str, found: Scan, extra_wrappers: frozenset[str]) -> None:
    second = _bashlex_parse(text)
    if not second.ok:
        return  # bashlex cannot read many common idioms; tree-sitter's answer stands
    other = _extract(second, text, _bashlex_parse, extra_wrappers)
    mine, theirs = _signatures(found.calls), _signatures(other.calls)
    if mine != theirs:
        found.problems.append(Problem(DISAGREEMENT, _disagreement(mine, theirs)))


def _signatures(calls: list[Invocation]) -> list[str]:
    def show(word: Word) -> str:
        return word.value if word.value is not None else "<computed>"

    out = []
    for call in calls:
        env = " ".join(f"{k}={show(c.value) if c.value else '<unset>'}" for k, c in call.env if k.startswith("AWS"))
        out.append((env + " " if env else "") + " ".join(show(w) for w in call.argv))
    return sorted(out)


def _disagreement(mine: list[str], theirs: list[str]) -> str:
    return ("the two shell parsers disagree on the aws calls in this command "
            f"(tree-sitter: {mine or 'none'}; bashlex: {theirs or 'none'}); rewrite it more simply")


def _extract(result: ParseResult, text: str, parse: Parse, extra_wrappers: frozenset[str], depth: int = 0) -> Scan:
    extractor = _Extractor(text, parse, extra_wrappers, depth)
    extractor.run(result.commands)
    return Scan(extractor.calls, extractor.problems, result.backend, extractor.words)


class _Extractor:
    def __init__(self, text: str, parse: Parse, extra_wrappers: frozenset[str], depth: int) -> None:
        self.text = text
        self.parse = parse
        self.extra_wrappers = extra_wrappers
        self.depth = depth
        self.calls: list[Invocation] = []
        self.problems: list[Problem] = []
        self._exports: list[tuple[tuple[int, ...], str, EnvChange]] = []
        self.words: list[Word] = []
        self._base_env: tuple[tuple[str, EnvChange], ...] = ()

    def run(self, commands: tuple[Command, ...], base_env: tuple[tuple[str, EnvChange], ...] = ()) -> None:
        self._base_env = base_env
        for command in commands:
            self.words.extend(command.words + command.redirects + tuple(v for _, v in command.assignments))
            if command.kind == "assign":
                self._record_assignments(command)
            elif command.kind == "unset":
                self._record_unset(command)
            else:
                env = self._visible_env(command.scope) + [(k, EnvChange(v, "inline")) for k, v in command.assignments]
                self._program(command.words, env, False, (), command)

    def _record_assignments(self, command: Command) -> None:
        keyword = command.words[0].value if command.words else None
        flags = {w.value for w in command.words[1:] if w.value and w.value.startswith(("-", "+"))}
        if keyword == "export" and "-n" in flags:
            for name, _ in command.assignments:
                self._exports.append((command.scope, name, EnvChange(None, "export")))
            return
        exported = keyword == "export" or any("x" in f for f in flags if f.startswith("-"))
        for name, value in command.assignments:
            self._exports.append((command.scope, name, EnvChange(value, "export" if exported else "shell")))
        if exported:  # `A=1; export A` exports the value set before
            for word in command.words[1:]:
                earlier = self._current(command.scope, word.value or "")
                if earlier is not None and earlier.value is not None:
                    self._exports.append((command.scope, word.value or "", EnvChange(earlier.value, "export")))

    def _record_unset(self, command: Command) -> None:
        for word in command.words:
            if word.value and not word.value.startswith("-"):
                self._exports.append((command.scope, word.value, EnvChange(None, "export")))

    def _current(self, scope: tuple[int, ...], name: str) -> EnvChange | None:
        for change_name, change in reversed(self._visible_env(scope)):
            if change_name == name:
                return change
        return None

    def _visible_env(self, scope: tuple[int, ...]) -> list[tuple[str, EnvChange]]:
        seen = [(name, change) for s, name, change in self._exports if scope[: len(s)] == s]
        return list(self._base_env) + seen

    def _program(self, words: tuple[Word, ...], env: list[tuple[str, EnvChange]], cleared: bool,
                 via: tuple[str, ...], command: Command) -> None:
        if not words:
            return
        head = words[0]
        if not head.literal:
            self._problem(COMPUTED, f"the command name `{head.text}` is computed at run time, so the guard "
                          "cannot tell whether it runs aws; write the command name literally")
            return
        name = basename(head.value or "")
        if name == "aws":
            self.calls.append(Invocation(words, tuple(env), cleared, via, command.line))
            return
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, name, words, env, cleared, via, command)
        elif name in self.extra_wrappers:
            self._through(wrappers.skip_options(words[1:], wrappers.USER_WRAPPER), name, env, cleared, via, command)
        elif name.startswith(wrappers.PYTHONS):
            self._python(words, env, cleared, via, command)

    def _problem(self, kind: str, message: str) -> None:
        if all(p.message != message for p in self.problems):
            self.problems.append(Problem(kind, message))

    def _through(self, out: wrappers.Unwrapped, name: str, env: list[tuple[str, EnvChange]], cleared: bool,
                 via: tuple[str, ...], command: Command) -> None:
        if out.dynamic is not None:
            self._problem(COMPUTED, f"`{name}` is given `{out.dynamic.text}`, computed at run time, so the guard "
                          "cannot tell what it runs; write it literally")
            return
        if not out.runs:
            return
        new_env = [] if out.env_cleared else list(env)
        self._program(out.words, new_env + out.env, cleared or out.env_cleared, via + (out.via or name,), command)

    # -- handlers -----------------------------------------------------------------

    def _wrapper(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        self._through(wrappers.skip_options(words[1:], wrappers.SPECS[name]), name, env, cleared, via, command)

    def _env(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        self._through(wrappers.unwrap_env(words[1:]), name, env, cleared, via, command)

    def _sudo(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        self._through(wrappers.unwrap_sudo(words[1:]), name, env, cleared, via, command)

    def _runtime(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        self._through(wrappers.unwrap_runtime_args(name, words[1:]), name, env, cleared, via, command)

    def _find(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        for out in wrappers.unwrap_find(words[1:]):
            self._through(out, name, env, cleared, via, command)

    def _watch(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        """watch runs its arguments joined by spaces through `sh -c`, unless -x is given."""
        out = wrappers.skip_options(words[1:], wrappers.SPECS["watch"])
        if any(w.value in ("-x", "--exec") for w in words[1:]):
            self._through(out, name, env, cleared, via, command)
            return
        self._nested_words(out.words, "watch", env, cleared, via, command)

    def _flock(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        """`flock FILE -c 'cmd'` runs its string through `sh -c`; `flock FILE cmd args` runs cmd."""
        script = wrappers.flock_command(words[1:])
        if script is not None:
            self._nested(script, "flock -c", env, cleared, via, command)
        else:
            self._wrapper(name, words, env, cleared, via, command)

    def _coproc(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        """`coproc CMD` and `coproc [NAME] { CMD; }`: tree-sitter-bash reads both as a command named coproc."""
        args = words[1:]
        if args and args[0].value in ("{", "("):
            args = args[1:]
        elif len(args) > 1 and args[1].value in ("{", "("):
            args = args[2:]
        self._program(args, env, cleared, via + ("coproc",), command)

    def _source(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        """`source FILE`/`. FILE` run a file the guard cannot see; a computed one (`<(echo ...)`) is a problem."""
        if len(words) > 1 and not words[1].literal:
            self._problem(COMPUTED, f"`{name}` runs `{words[1].text}`, computed at run time; the guard cannot see "
                          "the commands in it")

    def _eval(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        self._nested_words(words[1:], "eval", env, cleared, via, command)

    def _shell(self, name: str, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        args = words[1:]
        if name == "busybox":
            if not args or basename(args[0].value or "") not in wrappers.SHELLS:
                return
            args = args[1:]
        parsed = wrappers.shell_args(args)
        if parsed.file and parsed.operand is not None and not parsed.operand.literal:
            self._source(name, (words[0], parsed.operand), env, cleared, via, command)
        elif parsed.script is not None:
            self._nested(parsed.script, f"{name} -c", env, cleared, via, command)
        elif parsed.reads_stdin and command.stdin is not None:
            self._nested_stdin(command.stdin, name, env, cleared, via, command)

    def _python(self, words: tuple[Word, ...], env: list, cleared: bool, via: tuple, command: Command) -> None:
        """`python -m awscli ...` is the AWS CLI v1 too."""
        values = [w.value for w in words]
        for i in range(1, len(values) - 1):
            if values[i] == "-m" and values[i + 1] == "awscli":
                self._program((lit("aws"),) + words[i + 2:], env, cleared, via + (f"{values[0]} -m awscli",), command)
                return
            if values[i] is None or not (values[i] or "").startswith("-"):
                return

    # -- nested scripts -----------------------------------------------------------

    def _nested_words(self, words: tuple[Word, ...], how: str, env: list, cleared: bool, via: tuple, command: Command) -> None:
        if any(not w.literal for w in words):
            bad = next(w for w in words if not w.literal)
            self._problem(COMPUTED, f"`{how}` runs `{bad.text}`, computed at run time; the guard cannot see the command")
            return
        self._nested(lit(" ".join(w.value or "" for w in words)), how, env, cleared, via, command)

    def _nested_stdin(self, stdin: Stdin, name: str, env: list, cleared: bool, via: tuple, command: Command) -> None:
        text = stdin.text if stdin.source != "pipe" else _output_of(stdin.producer)
        if text is None:
            if stdin.source == "pipe" and stdin.producer is not None and _prints(stdin.producer):
                self._problem(COMPUTED, f"the script piped into `{name}` is computed at run time")
            return
        self._nested(lit(text), f"{name} reading stdin", env, cleared, via, command)

    def _nested(self, script: Word, how: str, env: list, cleared: bool, via: tuple, command: Command) -> None:
        if script.value is None:
            self._problem(COMPUTED, f"the script given to `{how}` ({script.text}) is computed at run time; "
                          "the guard cannot see what it runs")
            return
        if self.depth >= MAX_DEPTH:
            self._problem(COMPUTED, f"scripts nested more than {MAX_DEPTH} deep")
            return
        if not mentions_aws(script.value):
            return
        result = self.parse(script.value)
        if not result.ok:
            self._problem(UNPARSABLE, f"the script given to `{how}` cannot be parsed ({result.error})")
            return
        inner = _Extractor(self.text, self.parse, self.extra_wrappers, self.depth + 1)
        inner.run(result.commands, tuple(env))
        for call in inner.calls:
            self.calls.append(Invocation(call.argv, call.env, call.env_cleared or cleared, via + (how,) + call.via, command.line))
        for problem in inner.problems:
            self._problem(problem.kind, problem.message)
        self.words.extend(inner.words)


def _prints(producer: Command) -> bool:
    return bool(producer.words) and producer.words[0].value in ("echo", "printf")


def _output_of(producer: Command | None) -> str | None:
    """What `echo`, `printf` or `cat <<EOF` write to a pipe, when the text says."""
    if producer is None or not producer.words or any(not w.literal for w in producer.words):
        return None
    name = basename(producer.words[0].value or "")
    args = [w.value or "" for w in producer.words[1:]]
    if name == "echo":
        while args and args[0] in ("-n", "-e", "-E", "-ne", "-en"):
            args = args[1:]
        return " ".join(args)
    if name == "printf" and args:
        return _printf(args[0], args[1:])
    if name == "cat" and not args and producer.stdin is not None:
        return producer.stdin.text
    return None


def _printf(fmt: str, args: list[str]) -> str | None:
    """printf's output for formats using only %s, %b and %%; None for anything else.

    The format is reused while arguments remain, as printf(1) does.
    """
    pieces = _printf_pieces(fmt)
    if any(p.startswith("%") and p not in ("%s", "%b", "%") for p in pieces):
        return None
    out: list[str] = []
    rest = list(args)
    while True:
        used = 0
        for piece in pieces:
            if piece in ("%s", "%b"):
                value = rest.pop(0) if rest else ""
                out.append(decode_ansi_c(value) if piece == "%b" else value)
                used += 1
            else:
                out.append(piece)
        if not rest or used == 0:
            return "".join(out)


def _printf_pieces(fmt: str) -> list[str]:
    pieces: list[str] = []
    i = 0
    while i < len(fmt):
        j = fmt.find("%", i)
        if j < 0 or j + 1 >= len(fmt):
            pieces.append(decode_ansi_c(fmt[i:]))
            break
        pieces.append(decode_ansi_c(fmt[i:j]))
        directive = fmt[j:j + 2]
        pieces.append("%" if directive == "%%" else directive)
        i = j + 2
    return pieces


_HANDLERS: dict[str, _Handler] = {name: _Extractor._wrapper for name in wrappers.SPECS}
_HANDLERS.update({
    "env": _Extractor._env,
    "sudo": _Extractor._sudo,
    "xargs": _Extractor._runtime,
    "parallel": _Extractor._runtime,
    "find": _Extractor._find,
    "watch": _Extractor._watch,
    "flock": _Extractor._flock,
    "eval": _Extractor._eval,
    "coproc": _Extractor._coproc,
    "source": _Extractor._source,
    ".": _Extractor._source,
})
_HANDLERS.update({name: _Extractor._shell for name in wrappers.SHELLS})
