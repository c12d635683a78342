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
from typing import Any, Iterator

from guard.shell.model import Command, ParseResult, Stdin, Word
from guard.shell.words import decode_ansi_c, unescape_double, unescape_unquoted

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
    walker = _Walker()
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

    def __init__(self) -> None:
        self.commands: list[Command] = []
        self._next_scope = 0

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
            words = tuple(word_of(c) for c in node.children[1:] if c.is_named)
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

    def _command(self, node: Any, scope: tuple[int, ...], stdin: Stdin | None) -> Command:
        words: list[Word] = []
        assignments: list[tuple[str, Word]] = []
        for i, child in enumerate(node.children):
            field = node.field_name_for_child(i)
            if child.type == "variable_assignment":
                assignments.append(_assignment_of(child))
            elif child.type == "command_name":
                words.append(word_of(child.children[0]))
            elif field == "argument":
                words.append(word_of(child))
            elif child.type == "herestring_redirect":
                stdin = _herestring(child)
        command = self._emit(Command(tuple(words), tuple(assignments), scope, stdin, line=node.start_point[0] + 1))
        for child in node.children:  # substitutions inside the words and values run too
            inner = child.child_by_field_name("value") if child.type == "variable_assignment" else child
            if inner is not None:
                self.visit(inner, scope)
        return command

    def _redirected(self, node: Any, scope: tuple[int, ...], stdin: Stdin | None) -> Command | None:
        redirects = [c for i, c in enumerate(node.children) if node.field_name_for_child(i) == "redirect"]
        for redirect in redirects:
            stdin = _stdin_of(redirect) or stdin
        body = node.child_by_field_name("body")
        command = self.visit(body, scope, stdin) if body is not None else None
        for redirect in redirects:
            self._redirect_rest(redirect, scope, command)
        return command

    def _redirect_rest(self, redirect: Any, scope: tuple[int, ...], command: Command | None) -> None:
        """Visit what hangs off a redirection.

        tree-sitter-bash attaches what follows a heredoc operator on the same
        line (`cat <<EOF | bash`, `cat <<EOF && aws ...`) to the heredoc node
        itself; a pipeline there reads from the redirected command.
        """
        for child in redirect.children:
            if child.type == "pipeline" and child.children and child.children[0].type in ("|", "|&"):
                self._pipeline(child.children, scope, command)
            else:
                self.visit(child, scope)

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
        words = [word_of(c) for c in named if c.type not in _ASSIGNMENT_TYPES]
        if node.type == "declaration_command":
            keyword = _text(node.children[0])
            words.insert(0, Word(keyword, keyword, keyword))
        assignments = tuple(_assignment_of(n) for n in nodes)
        self._emit(Command(tuple(words), assignments, scope, kind="assign", line=node.start_point[0] + 1))
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


def _stdin_of(redirect: Any) -> Stdin | None:
    if redirect.type == "heredoc_redirect":
        body = next((c for c in redirect.children if c.type == "heredoc_body"), None)
        return Stdin(source="heredoc", text=_text(body) if body is not None else "")
    if redirect.type == "herestring_redirect":
        return _herestring(redirect)
    if redirect.type == "file_redirect" and redirect.children and _text(redirect.children[0]) == "<":
        return Stdin(source="file")
    return None


def _herestring(node: Any) -> Stdin:
    word = word_of(node.children[-1])
    return Stdin(source="herestring", text=word.value if word.value is not None else None)


def word_of(node: Any) -> Word:
    """Quote removal on a word node; value None where bash computes it at run time."""
    text = _text(node)
    parts = _literal_parts(node)
    if parts is None:
        return Word(text, None, _prefix(node))
    return Word(text, "".join(parts), "".join(parts))


def _literal_parts(node: Any) -> list[str] | None:
    kind = node.type
    if kind in ("word", "number", "extglob_pattern", "variable_name"):
        value, glob = unescape_unquoted(_text(node))
        return None if glob else [value]
    if kind == "raw_string":
        return [_text(node)[1:-1]]
    if kind == "ansi_c_string":
        return [decode_ansi_c(_text(node)[2:-1])]
    if kind in ("string", "translated_string"):
        return _string_parts(node)
    if kind == "concatenation":
        return _concatenation_parts(node)
    return None


def _string_parts(node: Any) -> list[str] | None:
    out: list[str] = []
    for child in node.children:
        if child.type == "string_content":
            out.append(unescape_double(_text(child)))
        elif child.type not in ('"', "$"):
            return None
    return out


def _concatenation_parts(node: Any) -> list[str] | None:
    texts = [_text(c) for c in node.children]
    if "{" in texts and "}" in texts and any("," in t or ".." in t for t in texts):
        return None  # brace expansion: {a,b} becomes several words
    out: list[str] = []
    for child in node.children:
        parts = _literal_parts(child)
        if parts is None:
            return None
        out.extend(parts)
    return out


def _prefix(node: Any) -> str:
    """The literal start of a computed word (empty when it starts computed)."""
    if node.type == "word":
        value, _ = unescape_unquoted(_text(node))
        return value.split("*")[0].split("?")[0].split("[")[0]
    if node.type not in ("concatenation", "string"):
        return ""
    out: list[str] = []
    for child in node.children:
        if child.type == '"':
            continue
        parts = [unescape_double(_text(child))] if child.type == "string_content" else _literal_parts(child)
        if parts is None:
            out.append(_prefix(child))
            break
        out.extend(parts)
    return "".join(out)
