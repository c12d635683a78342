"""Quote removal and the cheap text test that decides whether to parse at all."""
from __future__ import annotations

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
    if "$'" in text:
        return True
    if "aws" in text or "AWS" in text:
        return True
    folded = text.replace("\\", "").replace("'", "").replace('"', "").replace("\n", "")
    return "aws" in folded.lower()


def unescape_unquoted(text: str) -> tuple[str, bool]:
    """Remove backslashes from an unquoted word; report unescaped glob characters.

    bash: a backslash outside quotes keeps the next character literal and a
    backslash-newline is removed. An unescaped `*`, `?` or `[` makes the word a
    pattern whose expansion depends on the file system.
    """
    out: list[str] = []
    glob = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
            continue
        glob = glob or ch in _GLOB
        out.append(ch)
        i += 1
    return "".join(out), glob


def unescape_double(text: str) -> str:
    """Inside double quotes a backslash escapes only $ ` " \\ and newline (bash manual, 3.1.2.3)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in '$`"\\\n':
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


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
