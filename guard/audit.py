"""The audit trail: every decision on a command that holds an aws call, as JSON lines.

Records go through loguru to `$XDG_STATE_HOME/aws-guard/audit.jsonl` (default
`~/.local/state/aws-guard/`), rotated at 10 MB and kept 30 days. Importing
loguru costs ~90 ms, more than the hook's whole budget, so the hook hands the
record to a detached `guard audit-write` process and returns at once; Claude
Code never waits for the log. Secrets never reach it: the writer masks values
of secret-like options and variables before the record is stored (the hook
hands it over through a pipe, never through a file).
"""
from __future__ import annotations

import json
import os
import re
import sys
import time

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Iterator

ROTATION = "10 MB"
RETENTION = "30 days"
MAX_COMMAND = 32 * 1024  # a record must fit the pipe to the writer without blocking the hook
MASK = "****"
_SECRET_WORD = r"(?:secret|password|passwd|token|private[-_]?key|key[-_]?material|credential)"
_QUOTED_OR_WORD = r"""(?:'[^']*'|"(?:\\.|[^"\\])*"|[^\s;&|]+)"""
_COMPILED: list[Any] = []


def _patterns() -> list[Any]:
    """Compiled on first use, in the writer process: the hook itself never pays for them."""
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


def path() -> str:
    from guard.paths import xdg

    return os.path.join(xdg("XDG_STATE_HOME", ".local", "state"), "aws-guard", "audit.jsonl")


def entry(event: dict[str, Any], command: str, decision: Any = None, error: str | None = None) -> dict[str, Any]:
    """One audit record; `decision` is a guard.analysis.Decision, or None with `error`."""
    record: dict[str, Any] = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "epoch": round(time.time(), 3),
        "session_id": event.get("session_id"),
        "cwd": event.get("cwd"),
        "tool": event.get("tool_name"),
        "command": command[:MAX_COMMAND],
        "decision": decision.verdict if decision is not None else "deny",
        "reason": decision.reason if decision is not None else error or "",
        "calls": [_call(c) for c in decision.calls] if decision is not None else [],
    }
    return record


def _call(info: Any) -> dict[str, Any]:
    found = info.identity
    return {
        "argv": [w.shown for w in info.invocation.argv][:64],
        "profile": info.profile,
        "profile_source": info.profile_source,
        "account": info.account,
        "service": info.call.service,
        "operation": info.call.operation,
        "rules": [f.rule for f in info.findings],
        "identity": {"account": found.account, "arn": found.arn, "cached": found.cached} if found else None,
    }


def submit(record: dict[str, Any]) -> None:
    """Hand the record to a detached writer process; never raises, never waits."""
    data = (json.dumps(record) + "\n").encode("utf-8", "surrogatepass")
    argv = [sys.executable, "-m", "guard", "audit-write"]
    try:
        read_end, write_end = os.pipe()
        try:
            _spawn(argv, read_end)
        finally:
            os.close(read_end)
        os.write(write_end, data)
        os.close(write_end)
    except OSError:
        return  # the audit must never decide or delay the command


def _spawn(argv: list[str], stdin_fd: int) -> None:
    if hasattr(os, "posix_spawn"):  # no subprocess import on the hook's path
        devnull = os.devnull
        actions = [(os.POSIX_SPAWN_DUP2, stdin_fd, 0),
                   (os.POSIX_SPAWN_OPEN, 1, devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 2, devnull, os.O_WRONLY, 0)]
        os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=actions, setsid=True)
        return
    import subprocess

    subprocess.Popen(argv, stdin=stdin_fd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


def write(lines: str) -> None:
    """Append records (JSON lines) through loguru; runs in the detached writer."""
    from loguru import logger

    logger.remove()
    target = path()
    os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))  # private before loguru opens it
    logger.add(target, format="{message}", rotation=ROTATION, retention=RETENTION, level="INFO",
               encoding="utf-8", catch=True)
    for line in lines.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            logger.info(json.dumps(masked(record)))
    logger.remove()


def read() -> Iterator[tuple[str, int, dict[str, Any] | None]]:
    """Every record of the current and rotated logs, oldest file first: (file, line number, record or None)."""
    folder = os.path.dirname(path())
    try:
        names = sorted(n for n in os.listdir(folder) if n.startswith("audit") and ".jsonl" in n)
    except OSError:
        return
    names.sort(key=lambda n: (n == "audit.jsonl", n))  # rotated files (audit.<date>.jsonl) first
    for name in names:
        yield from _read_file(os.path.join(folder, name))


def _read_file(file: str) -> Iterator[tuple[str, int, dict[str, Any] | None]]:
    with open(file, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                value = json.loads(line)
            except ValueError:
                value = None
            yield file, number, value if isinstance(value, dict) else None
