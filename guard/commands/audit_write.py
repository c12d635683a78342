"""`guard audit-write` (internal): the detached writer the hook hands audit records to (see guard.audit)."""
from __future__ import annotations

import sys


def run() -> int:
    from guard import audit

    audit.write(sys.stdin.read())
    return 0
