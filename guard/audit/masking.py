"""What the audit log may store: secrets in commands and argv replaced by ****.

The patterns are compiled on first use, in the detached writer process
(guard.audit.trail): the hook itself never pays for them.
"""
from __future__ import annotations

import re

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Pattern

MASK = "****"
_SECRET_WORD = r"(?:secret|password|passwd|token|private[-_]?key|key[-_]?material|credential)"
_QUOTED_OR_WORD = r"""(?:'[^']*'|"(?:\\.|[^"\\])*"|[^\s;&|]+)"""
_COMPILED: list[Pattern[str]] = []


def _patterns() -> list[Pattern[str]]:
    if not _COMPILED:
        _COMPILED.extend([
            # AWS_SECRET_ACCESS_KEY=..., DB_PASSWORD="..."
            re.compile(rf"(\b[A-Za-z_]*{_SECRET_WORD}[A-Za-z_]*=){_QUOTED_OR_WORD}", re.I),
            # --secret-access-key X, --session-token=X, --password X
            re.compile(rf"(--[\w-]*{_SECRET_WORD}[\w-]*(?:=|\s+)){_QUOTED_OR_WORD}", re.I),
            # aws configure set aws_secret_access_key X (config keys are lower case)
            re.compile(rf"(\b(?:aws_secret_access_key|aws_session_token|aws_security_token)\s+){_QUOTED_OR_WORD}"),
            # a secret option on its own, as an argv word: the next word is its value
            re.compile(rf"--[\w-]*{_SECRET_WORD}[\w-]*|aws_secret_access_key|aws_session_token|aws_security_token",
                       re.I),
        ])
    return _COMPILED


def mask(text: str) -> str:
    for pattern in _patterns()[:3]:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


def mask_argv(words: list[str]) -> list[str]:
    """Mask the word after a secret option (`--password X`) and secret values inside words."""
    option = _patterns()[3]
    out: list[str] = []
    for i, word in enumerate(words):
        hidden = i > 0 and option.fullmatch(words[i - 1]) is not None
        out.append(MASK if hidden else mask(word))
    return out


def masked(record: dict[str, Any]) -> dict[str, Any]:
    """The record as it may be stored: secrets in the command, the reason and each argv replaced by ****."""
    out = dict(record)
    out["command"] = mask(str(record.get("command", "")))
    out["reason"] = mask(str(record.get("reason", "")))
    out["calls"] = [dict(c, argv=mask_argv([str(w) for w in c.get("argv", [])])) for c in record.get("calls") or []]
    return out
