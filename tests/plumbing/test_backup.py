"""guard.plumbing.backup: a copy of a file about to change, never overwriting an earlier copy."""
from __future__ import annotations

from pathlib import Path

from guard.plumbing.backup import backup


def test_each_backup_keeps_the_content_it_had_even_within_one_second(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    copies = []
    for content in ("first", "second", "third"):
        target.write_text(content)
        copies.append(Path(backup(str(target))))
    assert [c.read_text() for c in copies] == ["first", "second", "third"]
    assert len(set(copies)) == 3 and all(c.name.startswith("settings.json.bak-") for c in copies)


def test_a_backup_keeps_the_files_mode(tmp_path: Path) -> None:
    target = tmp_path / "policy.yaml"
    target.write_text("version: 1\n")
    target.chmod(0o600)
    assert Path(backup(str(target))).stat().st_mode & 0o777 == 0o600
