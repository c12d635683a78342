"""The second opinion: bashlex, turned into the same records as tree-sitter's.

bashlex is an independent implementation of bash's grammar (a port of bash's
own yacc parser). It fails on many modern idioms, so it is only asked where
tree-sitter reports errors and to cross-check commands that hold an aws call.
Its import is slow (it rebuilds LR tables), so guard.shell.bashlex_loader
serves it from a cache where it can.
"""
from __future__ import annotations

from guard.shell.model import Command, ParseResult, Stdin, Word, simple_command, split_assignment
from guard.shell.words import heredoc_as_string, is_probe, scan_word

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any

_SCOPED = frozenset({"commandsubstitution", "processsubstitution"})


def _bashlex() -> Any:
    try:
        from guard.shell.bashlex_loader import load_bashlex
    except ImportError:  # pragma: no cover - the loader ships with the package
        import bashlex

        return bashlex
    return load_bashlex()


def parse(text: str) -> ParseResult:
    bashlex = _bashlex()
    try:
        trees = bashlex.parse(text)
    except Exception as error:  # bashlex raises several error types, and some bugs as plain errors
        return ParseResult(error=f"{type(error).__name__}: {error}", backend="bashlex")
    walker = _Walker(text)
    for tree in trees:
        walker.visit(tree, ())
    return ParseResult(commands=tuple(walker.commands), backend="bashlex")


class _Walker:
    def __init__(self, text: str) -> None:
        self.text = text
        self.commands: list[Command] = []
        self._next_scope = 0

    def _new_scope(self, scope: tuple[int, ...]) -> tuple[int, ...]:
        self._next_scope += 1
        return scope + (self._next_scope,)

    def _line(self, node: Any) -> int:
        return self.text.count("\n", 0, node.pos[0]) + 1

    def visit(self, node: Any, scope: tuple[int, ...], stdin: Stdin | None = None) -> Command | None:
        kind = node.kind
        if kind == "command":
            return self._command(node, scope, stdin)
        if kind == "pipeline":
            self._pipeline(node, scope)
        elif kind == "compound" and node.list and getattr(node.list[0], "word", "") == "(":
            self._children(node, self._new_scope(scope))
            self._compound_redirects(node, scope)
        elif kind in _SCOPED:
            self.visit(node.command, self._new_scope(scope))
        else:
            self._children(node, scope)
            self._compound_redirects(node, scope)
        return None

    def _compound_redirects(self, node: Any, scope: tuple[int, ...]) -> None:
        targets = [t for r in getattr(node, "redirects", None) or [] for t in self._target(r)]
        if targets:
            self.commands.append(Command((), scope=scope, kind="redirect", line=self._line(node),
                                         redirects=tuple(targets)))

    def _children(self, node: Any, scope: tuple[int, ...]) -> None:
        for child in _child_nodes(node):
            self.visit(child, scope)

    def _pipeline(self, node: Any, scope: tuple[int, ...]) -> None:
        """Each element of a real pipeline runs in a subshell; `! cmd` alone (bashlex's one-part pipeline) does not."""
        parts = [p for p in node.parts if p.kind not in ("pipe", "reservedword")]
        if len(parts) == 1 and not any(p.kind == "pipe" for p in node.parts):
            self.visit(parts[0], scope)
            return
        producer: Command | None = None
        for i, part in enumerate(parts):
            stdin = None if i == 0 else Stdin(source="pipe", producer=producer)
            producer = self.visit(part, self._new_scope(scope), stdin)

    def _command(self, node: Any, scope: tuple[int, ...], stdin: Stdin | None) -> Command:
        words: list[Word] = []
        assignments: list[tuple[str, Word]] = []
        targets: list[Word] = []
        for part in node.parts:
            if part.kind == "assignment" and not words:
                assignments.append(split_assignment(self._word(part)))
            elif part.kind in ("word", "assignment"):
                words.append(self._word(part))
            elif part.kind == "redirect":
                stdin = self._stdin(part) or stdin
                targets.extend(self._target(part))
        command = simple_command(tuple(words), tuple(assignments), scope, stdin, self._line(node), tuple(targets))
        self.commands.append(command)
        for part in node.parts:  # substitutions inside words and heredocs run too
            self._substitutions(part, scope)
        return command

    def _target(self, redirect: Any) -> list[Word]:
        output = getattr(redirect, "output", None)
        if redirect.type in ("<<", "<<-", "<<<") or output is None or not hasattr(output, "pos"):
            return []
        return [self._word(output)]

    def _substitutions(self, node: Any, scope: tuple[int, ...]) -> None:
        if node.kind in _SCOPED:
            self.visit(node, scope)
            return
        if node.kind == "redirect" and getattr(node, "heredoc", None) is not None:
            self._heredoc_substitutions(node, scope)
        if node.kind == "parameter" and isinstance(getattr(node, "value", None), str):
            self._reparse(node.value, node, scope)
        for child in _child_nodes(node):
            self._substitutions(child, scope)

    def _heredoc_substitutions(self, redirect: Any, scope: tuple[int, ...]) -> None:
        """bashlex keeps heredoc bodies as text; an unquoted body runs its $( ) and ` `."""
        if _quoted_delimiter(self.text, redirect):
            return
        self._reparse(_heredoc_text(redirect.heredoc.value), redirect, scope)

    def _reparse(self, text: str, node: Any, scope: tuple[int, ...]) -> None:
        """Commands in text that bashlex keeps as a string (heredoc bodies, ${x:-$(...)})."""
        if "$(" not in text and "`" not in text:
            return
        inner = parse(heredoc_as_string(text))
        fresh: dict[int, int] = {}  # the nested parse's subshell ids, renumbered as this walk's own
        for command in inner.commands:
            if command.scope == () and is_probe(command.words):
                continue
            nested = tuple(fresh.setdefault(s, self._new_scope(())[0]) for s in command.scope)
            self.commands.append(Command(command.words, command.assignments, scope + nested, command.stdin,
                                         command.kind, self._line(node), command.redirects))

    def _stdin(self, redirect: Any) -> Stdin | None:
        kind = redirect.type
        if kind in ("<<", "<<-") and getattr(redirect, "heredoc", None) is not None:
            return Stdin(source="heredoc", text=_heredoc_text(redirect.heredoc.value))
        if kind == "<<<":
            word = self._word(redirect.output)
            return Stdin(source="herestring", text=word.value)
        if kind == "<":
            return Stdin(source="file")
        return None

    def _word(self, node: Any) -> Word:
        """Word boundaries from bashlex, values from the source text.

        bashlex's own quote removal is wrong in several cases (quotes inside
        single quotes, `$` in single quotes, adjacent quoted parts), so the
        value is computed from the raw text like tree-sitter's.
        """
        raw = self.text[node.pos[0]:node.pos[1]]
        value, prefix, unquoted = scan_word(raw)
        return Word(raw, value, prefix, unquoted)


def _child_nodes(node: Any) -> list[Any]:
    out: list[Any] = []
    for attr in ("parts", "list"):
        out.extend(getattr(node, attr, None) or [])
    for attr in ("command", "output"):
        child = getattr(node, attr, None)
        if child is not None and hasattr(child, "kind"):
            out.append(child)
    return out


def _heredoc_text(value: str) -> str:
    """bashlex's heredoc value ends with the delimiter line; drop it."""
    body, _, _ = value.rpartition("\n")
    return body + "\n" if body else ""


def _quoted_delimiter(text: str, redirect: Any) -> bool:
    output = text[redirect.output.pos[0]:redirect.output.pos[1]]
    return any(q in output for q in ("'", '"', "\\"))
