"""The audit trail: every decision on a command that holds an aws call, as JSON lines.

Records go through loguru to `$XDG_STATE_HOME/aws-guard/audit.jsonl` (default
`~/.local/state/aws-guard/`), rotated at 10 MB and kept 30 days. Importing
loguru costs ~90 ms, more than the hook's whole budget, so the hook hands the
record to a detached `guard audit-write` process and returns at once; Claude
Code never waits for the log. Secrets never reach it: the writer masks them
(guard.audit.masking) before the record is stored (the hook hands it over
through a pipe, never through a file).
"""
from __future__ import annotations

import json
import os
import sys
import time

from guard.plumbing import paths

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Iterator, Mapping

    from guard.policy.model import CallInfo, Decision

ROTATION = "10 MB"
RETENTION = "30 days"
MAX_COMMAND = 32 * 1024  # a record must fit the pipe to the writer without blocking the hook


def path(env: Mapping[str, str]) -> str:
    return os.path.join(paths.state_dir(env), "audit.jsonl")


def entry(event: dict[str, Any], command: str, decision: Decision | None = None,
          error: str | None = None) -> dict[str, Any]:
    """One audit record; `decision` is None when the guard refused without deciding (`error` says why)."""
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


def _call(info: CallInfo) -> dict[str, Any]:
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


def submit(record: dict[str, Any], env: Mapping[str, str]) -> None:
    """Hand the record to a detached writer process; never raises, never waits."""
    data = (json.dumps(record) + "\n").encode("utf-8", "surrogatepass")
    argv = [sys.executable, "-m", "guard", "audit-write"]
    try:
        read_end, write_end = os.pipe()
        try:
            _spawn(argv, read_end, env)
        finally:
            os.close(read_end)
        os.write(write_end, data)
        os.close(write_end)
    except OSError:
        return  # the audit must never decide or delay the command


def _spawn(argv: list[str], stdin_fd: int, env: Mapping[str, str]) -> None:
    if hasattr(os, "posix_spawn"):  # no subprocess import on the hook's path
        devnull = os.devnull
        actions = [(os.POSIX_SPAWN_DUP2, stdin_fd, 0),
                   (os.POSIX_SPAWN_OPEN, 1, devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 2, devnull, os.O_WRONLY, 0)]
        os.posix_spawn(argv[0], argv, dict(env), file_actions=actions, setsid=True)
        return
    import subprocess

    subprocess.Popen(argv, stdin=stdin_fd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, env=dict(env))


def write(lines: str, env: Mapping[str, str]) -> None:
    """Append records (JSON lines) through loguru; runs in the detached writer."""
    from loguru import logger

    from guard.audit.masking import masked

    logger.remove()
    target = path(env)
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


def read(env: Mapping[str, str]) -> Iterator[tuple[str, int, dict[str, Any] | None]]:
    """Every record of the current and rotated logs, oldest file first: (file, line number, record or None)."""
    folder = os.path.dirname(path(env))
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
