"""The primary parser: tree-sitter-bash, turned into guard.shell.model records.

tree-sitter is error tolerant and fast; the tree it gives is walked once. Every
node is visited, so command substitutions inside strings, heredoc bodies that
bash expands, test expressions and assignments are all found; the few node
types that matter (commands, pipelines, redirections, assignments) are handled
explicitly.
"""
from __future__ import annotations

import os
import sys

from guard.shell.model import Command, ParseResult, Stdin, Word, simple_command, split_assignment
from guard.shell.words import heredoc_as_string, is_probe, scan_word

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Iterator

_PARSER: Any = None
_SCOPES = frozenset({"subshell", "command_substitution", "process_substitution"})


def _load_binding(package: str) -> Any:
    """Load a package's compiled `_binding` without running its `__init__`.

    tree_sitter_bash/__init__.py imports importlib.resources (about 20 ms here)
    only to serve query files the guard never uses; the hook's start-up budget
    cannot afford that, so the extension module is loaded directly.
    """
    import importlib.machinery as machinery

    for entry in sys.path:
        folder = os.path.join(entry or ".", package)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.startswith("_binding.") and name.endswith((".so", ".pyd")):
                full = f"{package}._binding"
                loader = machinery.ExtensionFileLoader(full, os.path.join(folder, name))
                spec = machinery.ModuleSpec(full, loader, origin=loader.path)
                module = loader.create_module(spec)
                loader.exec_module(module)
                return module
    raise ImportError(f"cannot find the compiled binding of {package}")


def _parser() -> Any:
    global _PARSER
    if _PARSER is None:
        try:
            ts, bash = _load_binding("tree_sitter"), _load_binding("tree_sitter_bash")
        except ImportError:  # an unusual install layout: take the normal, slower path
            import tree_sitter as ts
            import tree_sitter_bash as bash
        _PARSER = ts.Parser(ts.Language(bash.language()))
    return _PARSER


def parse(text: str) -> ParseResult:
    """Parse a command line; on a syntax error say where, and return no commands."""
    source = text.encode("utf-8", "surrogatepass")
    root = _parser().parse(source).root_node
    if root.has_error:
        return ParseResult(error=_describe_error(root), backend="tree-sitter")
    walker = _Walker(source)
    walker.visit(root, ())
    return ParseResult(commands=tuple(walker.commands), backend="tree-sitter")


def _describe_error(root: Any) -> str:
    node = next(_error_nodes(root), root)
    row, col = node.start_point
    what = f"missing {node.type!r}" if node.is_missing else "unexpected text"
    return f"{what} at line {row + 1}, column {col + 1}"


def _error_nodes(node: Any) -> Iterator[Any]:
    if node.is_error or node.is_missing:
        yield node
    for child in node.children:
        if child.has_error:
            yield from _error_nodes(child)


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "surrogatepass")


class _Walker:
    """Collects commands in source order, with their subshell scope."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.commands: list[Command] = []
        self._next_scope = 0
        self._heredoc_cursor = 0  # where the next heredoc body may start: after the last delimiter line
        self._heredocs: dict[int, tuple[str, int]] = {}  # each heredoc's body, by its operator's position

    def _new_scope(self, scope: tuple[int, ...]) -> tuple[int, ...]:
        self._next_scope += 1
        return scope + (self._next_scope,)

    def visit(self, node: Any, scope: tuple[int, ...], stdin: Stdin | None = None) -> Command | None:
        """Visit a node; return the command it is, when it is one (for pipes)."""
        kind = node.type
        if kind == "command":
            return self._command(node, scope, stdin)
        if kind == "redirected_statement":
            return self._redirected(node, scope, stdin)
        if kind == "pipeline":
            self._pipeline(node.children, scope, None)
            return None
        if kind in ("declaration_command", "variable_assignment", "variable_assignments"):
            self._assignment(node, scope)
            return None
        if kind == "unset_command":
            words = words_of([c for c in node.children[1:] if c.is_named])
            self._emit(Command(words=words, scope=scope, kind="unset", line=node.start_point[0] + 1))
            return None
        inner = self._new_scope(scope) if kind in _SCOPES else scope
        self.visit_children(node, inner)
        return None

    def visit_children(self, node: Any, scope: tuple[int, ...]) -> None:
        for child in node.children:
            self.visit(child, scope)

    def _emit(self, command: Command) -> Command:
        self.commands.append(command)
        return command

    def _command(self, node: Any, scope: tuple[int, ...], stdin: Stdin | None, extra: list[Any] | None = None,
                 redirect_targets: list[Word] | None = None) -> Command:
        word_nodes: list[Any] = []
        assignments: list[tuple[str, Word]] = []
        targets = list(redirect_targets or [])
        for i, child in enumerate(node.children):
            field = node.field_name_for_child(i)
            if child.type == "variable_assignment":
                assignments.append(_assignment_of(child))
            elif child.type == "command_name":
                word_nodes.append(child.children[0])
            elif field == "argument":
                word_nodes.append(child)
            elif child.type == "herestring_redirect":
                stdin = _herestring(child)
            elif child.type == "file_redirect":
                word_nodes.extend(_extra_destinations(child))
                targets.extend(_target(child))
        words = words_of(word_nodes + (extra or []))
        command = self._emit(simple_command(words, tuple(assignments), scope, stdin, node.start_point[0] + 1,
                                            tuple(targets)))
        for child in node.children:  # substitutions inside the words and values run too
            inner = child.child_by_field_name("value") if child.type == "variable_assignment" else child
            if inner is not None:
                self.visit(inner, scope)
        return command

    def _redirected(self, node: Any, scope: tuple[int, ...], stdin: Stdin | None) -> Command | None:
        redirects = [c for i, c in enumerate(node.children) if node.field_name_for_child(i) == "redirect"]
        extra: list[Any] = []
        targets: list[Word] = []
        for redirect in redirects:
            stdin = self._stdin_of(redirect) or stdin
            extra.extend(_extra_destinations(redirect))
            targets.extend(_target(redirect))
        body = node.child_by_field_name("body")
        if body is not None and body.type == "command":
            command: Command | None = self._command(body, scope, stdin, extra, targets)
        else:
            command = self.visit(body, scope, stdin) if body is not None else None
            if targets:  # `{ ...; } < f`, `while ...; done > f`: the files still count
                self._emit(Command((), scope=scope, kind="redirect", line=node.start_point[0] + 1,
                                   redirects=tuple(targets)))
        for redirect in redirects:
            self._redirect_rest(redirect, scope, command)
        return command

    def _redirect_rest(self, redirect: Any, scope: tuple[int, ...], command: Command | None) -> None:
        """Visit what hangs off a redirection.

        tree-sitter-bash attaches what follows a heredoc operator on the same
        line (`cat <<EOF | bash`, `cat <<EOF && aws ...`) to the heredoc node
        itself; a pipeline there reads from the redirected command. Heredoc
        bodies are handled by _heredoc_body.
        """
        for child in redirect.children:
            if child.type == "pipeline" and child.children and child.children[0].type in ("|", "|&"):
                self._pipeline(child.children, scope, command)
            elif child.type != "heredoc_body":
                self.visit(child, scope)
        if redirect.type == "heredoc_redirect":
            self._heredoc_body(redirect, scope)

    def _heredoc_text(self, redirect: Any) -> tuple[str, int]:
        """The heredoc's body as bash reads it, and the row it starts on.

        Taken from the source, from the line after the operator (or after the
        previous heredoc's delimiter line) to the delimiter line: tree-sitter-bash
        can mistake a body for words of the command line (a `\\"` in it does
        that), leaving its heredoc_body node empty. `<<-` strips leading tabs.
        """
        if redirect.start_byte not in self._heredocs:
            self._heredocs[redirect.start_byte] = self._read_heredoc(redirect)
        return self._heredocs[redirect.start_byte]

    def _read_heredoc(self, redirect: Any) -> tuple[str, int]:
        end = next((c for c in redirect.children if c.type == "heredoc_end"), None)
        line_end = self.source.find(b"\n", redirect.start_byte)
        if end is None or line_end < 0 or line_end >= end.start_byte:
            body = next((c for c in redirect.children if c.type == "heredoc_body"), None)
            return (_text(body) if body is not None else ""), redirect.start_point[0] + 1
        start = max(line_end + 1, self._heredoc_cursor)
        stop = self.source.rfind(b"\n", 0, end.start_byte) + 1
        self._heredoc_cursor = end.end_byte + 1
        text = self.source[start:max(start, stop)].decode("utf-8", "surrogatepass")
        if redirect.children and redirect.children[0].type == "<<-":
            text = "".join(line.lstrip("\t") for line in text.splitlines(keepends=True))
        return text, self.source.count(b"\n", 0, start)

    def _stdin_of(self, redirect: Any) -> Stdin | None:
        if redirect.type == "heredoc_redirect":
            return Stdin(source="heredoc", text=self._heredoc_text(redirect)[0])
        if redirect.type == "herestring_redirect":
            return _herestring(redirect)
        if redirect.type == "file_redirect" and redirect.children and _text(redirect.children[0]) == "<":
            return Stdin(source="file")
        return None

    def _heredoc_body(self, redirect: Any, scope: tuple[int, ...]) -> None:
        """An unquoted heredoc body runs its $( ) and backticks, wherever they stand.

        tree-sitter-bash misses substitutions on indented lines and backticks in
        bodies, so the body is parsed again as the double-quoted string it
        behaves like. A quoted delimiter (<<'EOF') makes the body plain text.
        """
        start = next((c for c in redirect.children if c.type == "heredoc_start"), None)
        if start is None or any(q in _text(start) for q in "'\\\""):
            return
        text, row = self._heredoc_text(redirect)
        if "$" not in text and "`" not in text:
            return
        inner = parse(heredoc_as_string(text))
        if not inner.ok:
            body = next((c for c in redirect.children if c.type == "heredoc_body"), None)
            if body is not None:
                self.visit_children(body, scope)
            return
        self._adopt(inner.commands, scope, row)

    def _adopt(self, commands: tuple[Command, ...], scope: tuple[int, ...], row: int) -> None:
        """Commands of a nested parse, placed under `scope` with subshell ids of this walk's own."""
        fresh: dict[int, int] = {}
        for command in commands:
            if command.scope == () and is_probe(command.words):
                continue
            inner = tuple(fresh.setdefault(s, self._new_scope(())[0]) for s in command.scope)
            self._emit(Command(command.words, command.assignments, scope + inner, command.stdin, command.kind,
                               row + command.line, command.redirects))

    def _pipeline(self, children: list[Any], scope: tuple[int, ...], producer: Command | None) -> None:
        for child in children:
            if child.type in ("|", "|&"):
                continue
            pipe = Stdin(source="pipe", producer=producer) if producer is not None or child is not children[0] else None
            producer = self.visit(child, self._new_scope(scope), pipe)

    def _assignment(self, node: Any, scope: tuple[int, ...]) -> None:
        """`export A=1`, `declare -x A`, bare `A=1 B=2`: all change what later calls see."""
        nodes = _assignment_nodes(node)
        named = [] if node.type == "variable_assignment" else [c for c in node.children if c.is_named]
        words = list(words_of([c for c in named if c.type not in _ASSIGNMENT_TYPES]))
        if node.type == "declaration_command":
            keyword = _text(node.children[0])
            words.insert(0, Word(keyword, keyword, keyword))
        assignments = [_assignment_of(n) for n in nodes]
        if node.type == "declaration_command":  # `export "A=1"` assigns too: tree-sitter-bash sees a string there
            assignments += [split_assignment(w) for w in words[1:] if w.value is None or "=" in w.value]
            words = words[:1] + [w for w in words[1:] if not (w.value is None or "=" in w.value)]
        self._emit(Command(tuple(words), tuple(assignments), scope, kind="assign", line=node.start_point[0] + 1))
        for child in nodes:
            value = child.child_by_field_name("value")
            if value is not None:
                self.visit(value, scope)


_ASSIGNMENT_TYPES = frozenset({"variable_assignment", "variable_assignments"})


def _assignment_nodes(node: Any) -> list[Any]:
    if node.type == "variable_assignment":
        return [node]
    found: list[Any] = []
    for child in node.children:
        if child.type in _ASSIGNMENT_TYPES:
            found.extend(_assignment_nodes(child))
    return found


def _assignment_of(node: Any) -> tuple[str, Word]:
    name = node.child_by_field_name("name")
    value = node.child_by_field_name("value")
    key = _text(name) if name is not None else ""
    if value is None:
        return key, Word("", "", "")
    return key, word_of(value)


def _herestring(node: Any) -> Stdin:
    word = word_of(node.children[-1])
    return Stdin(source="herestring", text=word.value if word.value is not None else None)


def word_of(node: Any) -> Word:
    """Quote removal on a word node's source text (guard.shell.words.scan_word)."""
    text = _text(node)
    value, prefix, unquoted = scan_word(text)
    return Word(text, value, prefix, unquoted)


def words_of(nodes: list[Any]) -> tuple[Word, ...]:
    """Words from argument nodes; nodes with no blank between them are one shell word.

    tree-sitter-bash sometimes splits one word into several argument nodes
    (`a=[\\{x\\},y]`, `$"text"`); bash sees one word wherever no blank separates them.
    """
    groups: list[list[Any]] = []
    for node in sorted(nodes, key=lambda n: n.start_byte):
        if groups and groups[-1][-1].end_byte == node.start_byte:
            groups[-1].append(node)
        else:
            groups.append([node])
    return tuple(_joined(group) for group in groups)


def _joined(group: list[Any]) -> Word:
    if len(group) == 1:
        return word_of(group[0])
    text = b"".join(n.text for n in group).decode("utf-8", "surrogatepass")
    value, prefix, unquoted = scan_word(text)
    return Word(text, value, prefix, unquoted)


def _target(redirect: Any) -> list[Word]:
    """The file a redirection opens (its first destination)."""
    if redirect.type != "file_redirect":
        return []
    found = [c for i, c in enumerate(redirect.children) if redirect.field_name_for_child(i) == "destination"]
    return [word_of(found[0])] if found else []


def _extra_destinations(redirect: Any) -> list[Any]:
    """`cmd > f arg2 arg3`: bash takes only `f` as the file; tree-sitter hangs the rest on the redirect."""
    if redirect.type != "file_redirect":
        return []
    found = [c for i, c in enumerate(redirect.children) if redirect.field_name_for_child(i) == "destination"]
    return found[1:]
