"""A small on-disk cache under the user's cache directory (XDG_CACHE_HOME).

Entries are JSON files named by a digest of everything that decides them, so a
changed input simply misses. Files are written atomically with mode 0600 in a
0700 directory: they can hold account ids and ARNs. Any error reading or
writing the cache is a miss, never a failure.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Any


def root() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "aws-guard")


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def get(bucket: str, key: str) -> Any:
    try:
        with open(os.path.join(root(), bucket, key + ".json"), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def put(bucket: str, key: str, value: Any) -> None:
    folder = os.path.join(root(), bucket)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        tmp = os.path.join(folder, f".tmp-{os.getpid()}-{key}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(value, handle)
        os.replace(tmp, os.path.join(folder, key + ".json"))
    except (OSError, TypeError, ValueError):
        return


def drop(bucket: str, key: str) -> None:
    try:
        os.unlink(os.path.join(root(), bucket, key + ".json"))
    except OSError:
        return
