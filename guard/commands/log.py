"""`guard log`: the audit trail as a readable table, filtered."""
from __future__ import annotations

import json
import os
import re
import sys
import time

from guard.audit import trail
from guard.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def since_epoch(text: str, now: float | None = None) -> float:
    """`90m`, `1h`, `2d`, `1w` ago, or a date `2026-11-28` / `2026-11-28T10:00`."""
    now = time.time() if now is None else now
    match = re.fullmatch(r"(\d+)\s*([smhdw])", text.strip())
    if match:
        return now - int(match.group(1)) * _UNITS[match.group(2)]
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return time.mktime(time.strptime(text.strip(), fmt))
        except ValueError:
            continue
    raise UsageError(f"log: --since {text!r}: expected a duration like 30m, 1h, 2d, or a date like 2026-11-28")


def _keep(record: dict[str, Any], since: float | None, decision: str | None, profile: str | None) -> bool:
    if since is not None and float(record.get("epoch") or 0) < since:
        return False
    if decision is not None and record.get("decision") != decision:
        return False
    return profile is None or any(c.get("profile") == profile for c in record.get("calls") or [])


def run(since: str | None, decision: str | None, profile: str | None, as_json: bool, out: IO[str] = sys.stdout) -> int:
    cutoff = since_epoch(since) if since else None
    records = [r for _, _, r in trail.read(os.environ) if r is not None and _keep(r, cutoff, decision, profile)]
    records.sort(key=lambda r: float(r.get("epoch") or 0))  # detached writers may append out of order
    if as_json:
        for record in records:
            out.write(json.dumps(record) + "\n")
        return 0
    if not records:
        out.write(f"no audit records match (log: {trail.path(os.environ)})\n")
        return 0
    out.write(render(records))
    return 0


def render(records: list[dict[str, Any]]) -> str:
    """One row per decision; a deny or ask carries its reason on the line below."""
    rows = [("TIME", "DECISION", "PROFILE", "ACCOUNT", "COMMAND", "")]
    for record in records:
        calls = record.get("calls") or []
        profiles = ",".join(dict.fromkeys(str(c.get("profile") or "-") for c in calls)) or "-"
        accounts = ",".join(dict.fromkeys(_account(c) for c in calls)) or "-"
        command = " ".join(str(record.get("command", "")).split())
        reason = str(record.get("reason") or "") if record.get("decision") != "pass" else ""
        rows.append((str(record.get("time", ""))[:19].replace("T", " "), str(record.get("decision")), profiles,
                     accounts, command[:70] + ("..." if len(command) > 70 else ""), reason))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines: list[str] = []
    for row in rows:
        lines.append("  ".join([c.ljust(w) for c, w in zip(row[:4], widths)] + [row[4]]))
        if row[5]:
            lines.append(" " * (sum(widths) + 8) + "-> " + row[5][:200])
    return "\n".join(lines) + "\n"


def _account(call: dict[str, Any]) -> str:
    identity = call.get("identity") or {}
    return identity.get("account") or call.get("account") or "-"
