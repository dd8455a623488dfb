"""Content-addressed replay files: atomic, durable, stored once, nothing left half-written."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from evoladder.store.replay_files import LocalReplayStorage, MemoryReplayStorage, ReplayFileMissing


async def test_files_are_named_by_content_and_stored_once(tmp_path: Path) -> None:
    storage = LocalReplayStorage(tmp_path / "replays")
    data = b"MPQ\x1b" + os.urandom(1000)
    digest = hashlib.sha256(data).hexdigest()
    first, second = await storage.put(data), await storage.put(data)
    assert (first.sha256, first.size, first.created) == (digest, len(data), True)
    assert not second.created and second.location == first.location
    path = tmp_path / "replays" / digest[:2] / f"{digest}.SC2Replay"
    assert Path(first.location) == path and path.read_bytes() == data
    assert await storage.get(digest) == data
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = LocalReplayStorage(tmp_path)
    data = b"MPQ\x1b" + bytes(100)

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        storage.put_blocking(data)
    assert list(tmp_path.rglob("*")) == [tmp_path / hashlib.sha256(data).hexdigest()[:2]]  # empty folder only
    monkeypatch.undo()
    assert storage.put_blocking(data).created


async def test_missing_files_raise_a_typed_error(tmp_path: Path) -> None:
    for storage in (LocalReplayStorage(tmp_path), MemoryReplayStorage()):
        with pytest.raises(ReplayFileMissing):
            await storage.get("0" * 64)
