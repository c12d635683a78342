"""A small on-disk cache under a directory the caller names (the guard's: guard.plumbing.paths.cache_dir).

An entry is found by its key material (a string holding everything that
decides it). The file name is a CRC-32 and the length of that material, and
the entry stores the material itself, compared on every read: no collision
can hand back the wrong entry, and no hashlib import (about 3 ms, mostly
OpenSSL) is paid on the hook's path. Callers keep secrets out of the material.
Files are written atomically with mode 0600 in a 0700 directory: they can hold
account ids and ARNs. Any error reading or writing the cache is a miss.
"""
from __future__ import annotations

import json
import os
import zlib

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any


class Cache:
    """Entries under `root`, grouped in buckets (one folder each: "identity", "policies")."""

    def __init__(self, root: str) -> None:
        self.root = root

    def _path(self, bucket: str, material: str) -> str:
        data = material.encode("utf-8", "surrogatepass")
        return os.path.join(self.root, bucket, f"{zlib.crc32(data):08x}-{len(data)}.json")

    def get(self, bucket: str, material: str) -> Any:
        try:
            with open(self._path(bucket, material), encoding="utf-8") as handle:
                entry = json.load(handle)
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != material:
            return None
        return entry.get("value")

    def put(self, bucket: str, material: str, value: Any) -> None:
        path = self._path(bucket, material)
        tmp = f"{path}.tmp-{os.getpid()}"
        try:
            text = json.dumps({"key": material, "value": value})  # before any file exists: a bad value leaves none
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except (OSError, TypeError, ValueError):
            self._discard(tmp)

    @staticmethod
    def _discard(tmp: str) -> None:
        try:
            os.unlink(tmp)
        except OSError:
            return

