"""Claude Code's session transcripts, `~/.claude/projects/<project>/<session>.jsonl`.

One JSON object per line; an assistant message's `content` holds `tool_use`
blocks with `name` and `input.command`. Unknown line types are skipped; a
malformed line is reported to the caller and reading goes on.
"""
from __future__ import annotations

import json

from guard.errors import UsageError

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Iterator


def commands(path: str, problems: list[str]) -> Iterator[tuple[int, str, str]]:
    """(line number, tool name, command) for each shell tool_use in one transcript."""
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except OSError as error:
        raise UsageError(f"replay: {path}: cannot read: {error.strerror}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError as error:
                problems.append(f"{path}:{number}: not JSON ({error}); skipped")
                continue
            yield from ((number, tool, command) for tool, command in tool_uses(entry))


def tool_uses(entry: Any) -> Iterator[tuple[str, str]]:
    """(tool name, command) of the shell tool calls in one transcript entry."""
    message = entry.get("message") if isinstance(entry, dict) and entry.get("type") == "assistant" else None
    content = message.get("content") if isinstance(message, dict) else None
    for block in content if isinstance(content, list) else []:
        if isinstance(block, dict) and block.get("type") == "tool_use":
            command = (block.get("input") or {}).get("command") if isinstance(block.get("input"), dict) else None
            if isinstance(command, str):
                yield str(block.get("name")), command
