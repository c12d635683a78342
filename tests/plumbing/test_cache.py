"""guard.plumbing.cache: the on-disk cache of verdicts and parsed policies."""
from __future__ import annotations

import os
import stat
import zlib
from pathlib import Path

import pytest

from guard.plumbing.cache import Cache

# Two keys of the same length with the same CRC-32: they share one file name.
COLLIDING = ("plumless", "buckeroo")
IDENTITY = "profile=CustomerA\0config=/home/me/.aws/config@1700000000\0endpoint="


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_then_get_gives_the_value_back(tmp_path: Path) -> None:
    cache = Cache(str(tmp_path / "cache"))
    value = {"account": "222222222222", "arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/s",
             "expires": 1700000900.5, "regions": ["eu-west-1"], "mfa": True, "note": None}
    cache.put("identity", IDENTITY, value)
    assert cache.get("identity", IDENTITY) == value
    assert Cache(str(tmp_path / "cache")).get("identity", IDENTITY) == value  # another process reads it too


@pytest.mark.parametrize("value", [0, "", [], {}, False, "aws s3 ls", [1, [2, {"3": 4}]]])
def test_any_json_value_round_trips(tmp_path: Path, value: object) -> None:
    cache = Cache(str(tmp_path))
    cache.put("policies", "k", value)
    assert cache.get("policies", "k") == value


def test_put_replaces_the_entry_for_the_same_key(tmp_path: Path) -> None:
    cache = Cache(str(tmp_path))
    cache.put("identity", IDENTITY, "old")
    cache.put("identity", IDENTITY, "new")
    assert cache.get("identity", IDENTITY) == "new"
    assert len(_files(tmp_path)) == 1


def test_an_unknown_key_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(str(tmp_path))
    assert cache.get("identity", IDENTITY) is None
    cache.put("identity", IDENTITY, "x")
    assert cache.get("identity", IDENTITY + "!") is None
    assert cache.get("identity", "") is None


def test_keys_with_the_same_crc32_never_get_each_others_entry(tmp_path: Path) -> None:
    first, second = COLLIDING
    assert first != second and len(first) == len(second)
    assert zlib.crc32(first.encode()) == zlib.crc32(second.encode())
    cache = Cache(str(tmp_path))
    cache.put("identity", first, "first's verdict")
    assert cache.get("identity", first) == "first's verdict"
    assert cache.get("identity", second) is None
    cache.put("identity", second, "second's verdict")
    assert cache.get("identity", second) == "second's verdict"
    assert cache.get("identity", first) is None  # a miss, never the other's entry


def test_keys_with_unicode_and_lone_surrogates_round_trip(tmp_path: Path) -> None:
    cache = Cache(str(tmp_path))
    for key in ("profile=Kundé A", "cwd=/tmp/\udcff-bytes", "日本"):
        cache.put("policies", key, key.upper())
    for key in ("profile=Kundé A", "cwd=/tmp/\udcff-bytes", "日本"):
        assert cache.get("policies", key) == key.upper()


def test_entries_are_private_to_the_user(tmp_path: Path) -> None:
    root = tmp_path / "aws-guard"
    Cache(str(root)).put("identity", IDENTITY, {"account": "222222222222"})
    [entry] = _files(root)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert entry.parent == root / "identity"
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700
    assert not [p for p in entry.parent.iterdir() if ".tmp-" in p.name]  # written atomically: no temp file left


@pytest.mark.parametrize("content", [
    b"", b"{", b"not json", b"\xff\xfe\x00", b"[1, 2]", b'"just a string"', b"null",
    b'{"value": "no key"}', b'{"key": "someone else", "value": "theirs"}',
])
def test_a_corrupt_or_foreign_file_is_a_miss(tmp_path: Path, content: bytes) -> None:
    cache = Cache(str(tmp_path))
    cache.put("identity", IDENTITY, "mine")
    [entry] = _files(tmp_path)
    entry.write_bytes(content)
    assert cache.get("identity", IDENTITY) is None


@pytest.mark.parametrize("make", ["file", "file-parent"])
def test_an_unwritable_root_makes_put_a_silent_no_op(tmp_path: Path, make: str) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache would go")
    root = blocker if make == "file" else blocker / "cache"
    cache = Cache(str(root))
    cache.put("identity", IDENTITY, "value")  # no exception
    assert cache.get("identity", IDENTITY) is None
    assert blocker.read_text() == "a file where the cache would go"


def test_a_value_that_is_not_json_is_not_stored(tmp_path: Path) -> None:
    cache = Cache(str(tmp_path))
    cache.put("identity", IDENTITY, {1, 2})  # no exception
    assert cache.get("identity", IDENTITY) is None


def test_buckets_are_separate(tmp_path: Path) -> None:
    cache = Cache(str(tmp_path))
    cache.put("identity", IDENTITY, "an identity")
    assert cache.get("policies", IDENTITY) is None
    cache.put("policies", IDENTITY, "a policy")
    assert cache.get("identity", IDENTITY) == "an identity"
    assert cache.get("policies", IDENTITY) == "a policy"
    assert sorted(os.listdir(tmp_path)) == ["identity", "policies"]


def test_a_value_that_cannot_be_stored_leaves_no_file_behind(tmp_path: Path) -> None:
    cache = Cache(str(tmp_path / "cache"))
    cache.put("b", "key", {"a": {1, 2}})  # a set is not JSON
    assert cache.get("b", "key") is None
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").rglob("*"))
