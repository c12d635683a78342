"""Tests for guard.shell.bashlex_loader.

Every load runs in a fresh interpreter: bashlex lives in sys.modules once
imported, so an in-process second load would never touch the cache.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMAND = "aws s3 ls --profile x | grep y"

_LOAD_AND_DUMP = f"""
import json
from guard.shell.bashlex_loader import load_bashlex
bashlex = load_bashlex()
print(json.dumps([node.dump() for node in bashlex.parse({COMMAND!r})]))
"""

_PLAIN_DUMP = f"""
import json
import bashlex
print(json.dumps([node.dump() for node in bashlex.parse({COMMAND!r})]))
"""


def _run(code: str, cache_home: Path) -> list[str]:
    """Run ``code`` in a new interpreter with XDG_CACHE_HOME set; return its JSON output."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dumps: list[str] = json.loads(result.stdout)
    return dumps


def _cache_file(cache_home: Path) -> Path:
    files = list((cache_home / "aws-guard").glob("bashlex-lr-*.bin"))
    assert len(files) == 1, files
    return files[0]


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def test_cached_load_parses_like_cold_load(cache_home: Path) -> None:
    cold = _run(_LOAD_AND_DUMP, cache_home)
    cached_file = _cache_file(cache_home)
    before = cached_file.stat()

    warm = _run(_LOAD_AND_DUMP, cache_home)

    after = cached_file.stat()
    # Same inode and mtime: the warm run read the cache instead of rebuilding it.
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert warm == cold == _run(_PLAIN_DUMP, cache_home)
    assert "PipelineNode" in warm[0]


def test_corrupt_cache_is_ignored_and_replaced(cache_home: Path) -> None:
    expected = _run(_LOAD_AND_DUMP, cache_home)
    cached_file = _cache_file(cache_home)
    garbage = b"\x00not a cache file" * 64
    cached_file.write_bytes(garbage)

    assert _run(_LOAD_AND_DUMP, cache_home) == expected

    repaired = _cache_file(cache_home)
    assert repaired.read_bytes() != garbage
    before = repaired.stat()
    assert _run(_LOAD_AND_DUMP, cache_home) == expected
    # The replacement is a valid cache: it is now reused, not rewritten.
    assert repaired.stat().st_ino == before.st_ino


def test_cache_file_is_private(cache_home: Path) -> None:
    _run(_LOAD_AND_DUMP, cache_home)

    assert stat.S_IMODE(_cache_file(cache_home).stat().st_mode) == 0o600
    assert stat.S_IMODE((cache_home / "aws-guard").stat().st_mode) == 0o700
    # No temp files left behind by the atomic write.
    assert [p.name for p in (cache_home / "aws-guard").iterdir()] == [_cache_file(cache_home).name]


def test_unusable_cache_location_still_loads(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")

    assert _run(_LOAD_AND_DUMP, blocker) == _run(_PLAIN_DUMP, blocker)
