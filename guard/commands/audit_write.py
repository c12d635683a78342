"""`guard audit-write` (internal): the detached writer the hook hands audit records to (see guard.audit.trail)."""
from __future__ import annotations

import os
import sys


def run() -> int:
    from guard.audit import trail

    trail.write(sys.stdin.read(), os.environ)
    return 0
