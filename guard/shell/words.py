"""Quote removal and the cheap text test that decides whether to parse at all."""
from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Iterator

_GLOB = frozenset("*?[")
_ANSI_SIMPLE = {
    "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
    "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}


def mentions_aws(text: str) -> bool:
    """Could this text start the AWS CLI? A fast, conservative pre-filter.

    Quotes and backslashes are dropped first so that `a\\ws`, `'a'ws` and
    `"aw"s` still match; ANSI-C strings (`$'\\x61ws'`) can spell anything, so
    their presence alone means "parse it". Case is ignored: AWS_PROFILE and
    friends count as mentions too.
    """
    if "aws" in text or "AWS" in text:
        return True
    if "$'" in text:
        decoded = decode_ansi_strings(text)
        if decoded is None:
            return True
        text = decoded
    folded = text.replace("\\", "").replace("'", "").replace('"', "").replace("\n", "")
    return "aws" in folded.lower()


def decode_ansi_c(body: str) -> str:
    """Decode the inside of $'...' the way bash does (bash manual, 3.1.2.4)."""
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 >= len(body):
            out.append(ch)
            i += 1
            continue
        i = _decode_escape(body, i + 1, out)
    return "".join(out)


def _decode_escape(body: str, i: int, out: list[str]) -> int:
    """Decode one escape starting after the backslash at i-1; return the next index."""
    ch = body[i]
    if ch in _ANSI_SIMPLE:
        out.append(_ANSI_SIMPLE[ch])
        return i + 1
    spec = {"x": (16, 2), "u": (16, 4), "U": (16, 8)}.get(ch)
    if spec is not None:
        return _decode_number(body, i + 1, spec[0], spec[1], out, fallback="\\" + ch)
    if ch in "01234567":
        return _decode_number(body, i, 8, 3, out, fallback="\\")
    if ch == "c" and i + 1 < len(body):
        out.append(chr(ord(body[i + 1]) & 0x1F))
        return i + 2
    out.append("\\" + ch)
    return i + 1


def _decode_number(body: str, i: int, base: int, width: int, out: list[str], fallback: str) -> int:
    digits = "0123456789abcdefABCDEF"[: base if base <= 10 else 22]
    j = i
    while j < len(body) and j - i < width and body[j] in digits:
        j += 1
    if j == i:
        out.append(fallback)
        return i
    out.append(chr(int(body[i:j], base) % 0x110000))
    return j


def basename(program: str) -> str:
    """Commands are matched by basename: /usr/local/bin/aws is aws."""
    return program.rstrip("/").rsplit("/", 1)[-1]


_SPECIAL_PARAMS = frozenset("@*#?$!-0123456789")


def scan_word(raw: str) -> tuple[str | None, str, tuple[str, ...]]:
    """Quote removal on a word's source text, the way bash does it.

    Returns (value, prefix, unquoted): value is None when part of the word is
    computed at run time (an expansion, a glob, a brace expansion); prefix is
    the literal text before the first such part; unquoted lists the
    expansions outside double quotes, whose results bash splits into more
    words. Used where a parser's own quote removal cannot be trusted (bashlex).
    """
    state = _WordState(raw)
    while state.i < len(raw):
        state.step()
    brace = _brace_start(raw)
    value = None if state.dynamic or brace >= 0 else "".join(state.out)
    prefix = state.prefix if state.prefix is not None else "".join(state.out)
    if brace >= 0:  # the text before the brace is all that is known: `{--profile,}` can start with a dash
        before, before_prefix, _ = scan_word(raw[:brace])
        prefix = min(prefix, before if before is not None else before_prefix, key=len)
    return value, prefix, tuple(state.unquoted)


class _WordState:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.i = 0
        self.quote = ""
        self.out: list[str] = []
        self.dynamic = False
        self.prefix: str | None = None
        self.unquoted: list[str] = []

    def step(self) -> None:
        raw, i, c = self.raw, self.i, self.raw[self.i]
        if self.quote == "'":
            self.quote = "" if c == "'" else "'"
            self._take(c if c != "'" else "", 1)
        elif c == "\\":
            self._backslash()
        elif c == "'" and not self.quote:
            self.quote = "'"
            self.i += 1
        elif c == '"':
            self.quote = "" if self.quote == '"' else '"'
            self.i += 1
        elif not self.quote and raw.startswith("$'", i):
            end = _ansi_end(raw, i + 2)
            self._take(decode_ansi_c(raw[i + 2:end]), end + 1 - i)
        elif not self.quote and raw.startswith('$"', i):
            self.quote = '"'
            self.i += 2
        elif c in "$`":
            self._expansion()
        elif not self.quote and raw.startswith(("<(", ">("), i):
            self._computed()  # process substitution: a /dev/fd path, never split
            self.i = _matching(raw, i + 1, "(", ")")
        else:
            if not self.quote and c in _GLOB:
                self._computed()
            self._take(c, 1)

    def _take(self, text: str, width: int) -> None:
        self.out.append(text)
        self.i += width

    def _backslash(self) -> None:
        nxt = self.raw[self.i + 1] if self.i + 1 < len(self.raw) else ""
        if self.quote == '"' and nxt not in '$`"\\\n':
            self._take("\\", 1)
        elif nxt:
            self._take("" if nxt == "\n" else nxt, 2)
        else:
            self._take("\\", 1)

    def _computed(self) -> None:
        if self.prefix is None:
            self.prefix = "".join(self.out)
        self.dynamic = True

    def _expansion(self) -> None:
        end = expansion_end(self.raw, self.i)
        if end is None:
            self._take(self.raw[self.i], 1)
            return
        self._computed()
        text = self.raw[self.i:end]
        if not self.quote and not text.startswith("$(("):
            self.unquoted.append(text)
        self.i = end


def _ansi_end(raw: str, i: int) -> int:
    while i < len(raw) and raw[i] != "'":
        i += 2 if raw[i] == "\\" else 1
    return min(i, len(raw))


def expansion_end(raw: str, i: int) -> int | None:
    """Where the expansion starting at raw[i] (`$x`, `${..}`, `$(..)`, backticks) ends; None: a literal `$`."""
    if raw[i] == "`":
        j = i + 1
        while j < len(raw) and raw[j] != "`":
            j += 2 if raw[j] == "\\" else 1
        return min(j + 1, len(raw))
    nxt = raw[i + 1] if i + 1 < len(raw) else ""
    if not nxt:
        return None
    if nxt in "({":
        return _matching(raw, i + 1, nxt, ")" if nxt == "(" else "}")
    if nxt.isalpha() or nxt == "_":
        j = i + 1
        while j < len(raw) and (raw[j].isalnum() or raw[j] == "_"):
            j += 1
        return j
    return i + 2 if nxt in _SPECIAL_PARAMS else None


def _unquoted(raw: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """(index, character) of each character of raw[start:] outside quotes and not escaped by a backslash."""
    quote = ""
    i = start
    while i < len(raw):
        c = raw[i]
        if c == "\\" and quote != "'":
            i += 2
            continue
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        else:
            yield i, c
        i += 1


def _matching(raw: str, i: int, opening: str, closing: str) -> int:
    """The index after the bracket that closes the one at raw[i]."""
    depth = 0
    for j, c in _unquoted(raw, i):
        if c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(raw)


def _brace_start(raw: str) -> int:
    """Where an unquoted `{a,b}` or `{1..3}` starts (bash turns the word into several); -1 when there is none."""
    opened: list[int] = []
    for i, c in _unquoted(raw):
        if c == "{":
            opened.append(i)
        elif c == "}":
            if opened:
                opened.pop()
        elif opened and (c == "," or raw.startswith("..", i)):
            return opened[0]
    return -1


HEREDOC_PROBE = ": "


def heredoc_as_string(body: str) -> str:
    """An unquoted heredoc body, as a `:` command whose argument has the same expansions.

    In a heredoc a backslash escapes only $ ` \\ and newline, as inside double
    quotes, and `"` is an ordinary character. So `"` is escaped, and a backslash
    before `"` (two literal characters in a heredoc) becomes `\\\\\\"`. The `:`
    command itself is dropped by the caller (see is_probe).
    """
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body) and body[i + 1] in "$`\\\n":
            out.append(body[i:i + 2])  # the same escape inside double quotes
            i += 2
            continue
        out.append({"\\": "\\\\", '"': '\\"'}.get(c, c))
        i += 1
    return HEREDOC_PROBE + '"' + "".join(out) + '"'


def is_probe(words: tuple) -> bool:
    return bool(words) and words[0].value == ":"


def decode_ansi_strings(text: str) -> str | None:
    """`text` with each $'...' replaced by what it spells; None when one is unterminated."""
    out: list[str] = []
    i = 0
    while True:
        j = text.find("$'", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        end = _ansi_end(text, j + 2)
        if end >= len(text):
            return None
        out.append(text[i:j])
        out.append(decode_ansi_c(text[j + 2:end]))
        i = end + 1
