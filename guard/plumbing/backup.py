"""A copy of a file the guard is about to change, beside it, never overwriting an earlier copy."""
from __future__ import annotations

import os
import shutil
import time


def backup(path: str) -> str:
    """Copy `path` to `path.bak-YYYYmmdd-HHMMSS` (then `-1`, `-2`... within the same second); returns the copy."""
    stamp = f"{path}.bak-{time.strftime('%Y%m%d-%H%M%S')}"
    copy, n = stamp, 1
    while os.path.exists(copy):
        copy = f"{stamp}-{n}"
        n += 1
    shutil.copy2(path, copy)
    return copy
