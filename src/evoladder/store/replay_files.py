"""Where replay files live: content-addressed by SHA-256, behind a small storage interface.

Why content addressing: the same file uploaded twice (both players, a retry, a double click) is
stored once, and a file's name proves its content. Why an interface: a deployment on several
machines will want an S3-compatible bucket; the services only ever call ``put``/``get``.

``LocalReplayStorage`` writes ``<root>/<sha[:2]>/<sha>.SC2Replay`` atomically: a temporary file in
the same folder, flushed and fsynced, renamed over the final name, then the folder fsynced. A
reader therefore sees either no file or the whole file, and once ``put`` returns the bytes survive
a crash or power loss. The blocking work runs in a thread so the event loop never waits on a disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

SUFFIX = ".SC2Replay"


class ReplayFileMissing(LookupError):
    """No stored file has that hash (deleted by hand, or a different storage was configured)."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    size: int
    created: bool
    """False when the same bytes were already stored."""
    location: str
    """Where the file is, for admins (a path, or a bucket URL)."""


class ReplayStorage(Protocol):
    """Stores replay bytes by content. Implementations must be safe to call from many tasks."""

    async def put(self, data: bytes) -> StoredFile:
        """Store ``data`` durably (it survives a crash once this returns); idempotent."""
        ...

    async def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; raises ``ReplayFileMissing``."""
        ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalReplayStorage:
    """Files under a folder on the local filesystem (by default ``<data_dir>/replays``)."""

    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        self.root = Path(root)
        self._fsync = fsync

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}{SUFFIX}"

    async def put(self, data: bytes) -> StoredFile:
        return await asyncio.to_thread(self.put_blocking, bytes(data))

    async def get(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self.get_blocking, sha256)

    def put_blocking(self, data: bytes) -> StoredFile:
        digest = sha256_hex(data)
        final = self.path_for(digest)
        if final.is_file() and final.stat().st_size == len(data):
            return StoredFile(digest, len(data), False, str(final))
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".incoming-", suffix=".tmp", dir=final.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                if self._fsync:
                    os.fsync(out.fileno())
            os.replace(tmp, final)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        if self._fsync:
            _fsync_dir(final.parent)
        return StoredFile(digest, len(data), True, str(final))

    def get_blocking(self, sha256: str) -> bytes:
        try:
            return self.path_for(sha256).read_bytes()
        except FileNotFoundError:
            raise ReplayFileMissing(sha256) from None


class MemoryReplayStorage:
    """Bytes kept in a dict: for tests and benchmarks that must not measure or fill a disk."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def put(self, data: bytes) -> StoredFile:
        digest = sha256_hex(data)
        created = digest not in self.files
        self.files.setdefault(digest, bytes(data))
        return StoredFile(digest, len(data), created, f"memory:{digest}")

    async def get(self, sha256: str) -> bytes:
        try:
            return self.files[sha256]
        except KeyError:
            raise ReplayFileMissing(sha256) from None


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
