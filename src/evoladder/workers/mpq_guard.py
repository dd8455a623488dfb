"""Refuse replay archives that would make sc2reader allocate far more memory than any real replay.

Why: sc2reader reads the archive with mpyq, which inflates each member with ``zlib.decompress`` /
``bz2.decompress`` and no output limit, and decrypts the archive's tables in a pure-Python loop
sized by the header. A few hundred kilobytes of crafted input can therefore ask for gigabytes or
seconds of CPU. Before sc2reader runs we re-walk exactly the members it reads at our load level,
the same way mpyq does, but inflate with a hard output cap, and we bound the table sizes.

The real fixtures need at most 32 table entries and about 5 KiB per member; the caps are orders of
magnitude above that. This costs a fraction of a millisecond (members are tiny) and is a first line
of defence; the worker processes also run under an address-space limit.
"""

from __future__ import annotations

import bz2
import io
import struct
import zlib

import mpyq

from evoladder.domain.replay import ReplayUnreadable

MEMBERS_READ = (
    "replay.initData.backup",
    "replay.details.backup",
    "replay.attributes.events",
    "replay.initData",
    "replay.details",
    "replay.message.events",
)
"""The archive members sc2reader reads at load level 2 (levels 0-2 of ``Replay.__init__``)."""

_BARE = mpyq.MPQArchive.__new__(mpyq.MPQArchive)
_NAME_HASHES = {name: (_BARE._hash(name, "HASH_A"), _BARE._hash(name, "HASH_B")) for name in MEMBERS_READ}
"""mpyq hashes a member's name on every lookup, in pure Python; these six never change."""

MAX_TABLE_ENTRIES = 1 << 14
MAX_MEMBER_BYTES = 8 << 20

_EXISTS = 0x80000000
_SINGLE_UNIT = 0x01000000
_SECTOR_CRC = 0x04000000
_COMPRESS = 0x00000200
_ZLIB = 2
_BZIP2 = 16


def check_archive(data: bytes) -> None:
    """Raise ``ReplayUnreadable`` if ``data`` is not an MPQ archive or would inflate past the caps.

    Members that are merely malformed are left for sc2reader to reject; only size is judged here.
    """
    archive = mpyq.MPQArchive.__new__(mpyq.MPQArchive)
    archive.file = io.BytesIO(data)
    try:
        header = archive.read_header()
    except Exception:
        raise ReplayUnreadable("not an MPQ archive") from None
    archive.header = header
    try:
        hash_entries = int(header["hash_table_entries"])
        block_entries = int(header["block_table_entries"])
        if hash_entries > MAX_TABLE_ENTRIES or block_entries > MAX_TABLE_ENTRIES:
            raise ReplayUnreadable("archive tables are implausibly large")
        archive.hash_table = archive.read_table("hash")
        archive.block_table = archive.read_table("block")
    except ReplayUnreadable:
        raise
    except Exception:
        raise ReplayUnreadable("archive tables are corrupt") from None
    for name in MEMBERS_READ:
        _check_member(archive, data, name)


def _check_member(archive: mpyq.MPQArchive, data: bytes, name: str) -> None:
    # The entry mpyq's get_hash_table_entry would pick: the first one with both name hashes.
    hash_a, hash_b = _NAME_HASHES[name]
    entry = next((e for e in archive.hash_table if e.hash_a == hash_a and e.hash_b == hash_b), None)
    if entry is None or not 0 <= entry.block_table_index < len(archive.block_table):
        return
    block = archive.block_table[entry.block_table_index]
    if not block.flags & _EXISTS or block.archived_size == 0 or not block.flags & _COMPRESS:
        return
    if block.size > MAX_MEMBER_BYTES:
        raise ReplayUnreadable(f"archive member {name} is implausibly large")
    start = block.offset + archive.header["offset"]
    raw = data[start : start + block.archived_size]
    if block.flags & _SINGLE_UNIT:
        _inflate_bounded(raw, MAX_MEMBER_BYTES, name)
        return
    sector_size = 512 << archive.header["sector_size_shift"]
    sectors = block.size // sector_size + 1 + (1 if block.flags & _SECTOR_CRC else 0)
    try:
        positions = struct.unpack_from(f"<{sectors + 1}I", raw)
    except struct.error:
        return
    budget = MAX_MEMBER_BYTES
    for i in range(len(positions) - (2 if block.flags & _SECTOR_CRC else 1)):
        budget -= _inflate_bounded(raw[positions[i] : positions[i + 1]], budget, name)


def _inflate_bounded(chunk: bytes, budget: int, name: str) -> int:
    """Inflate like mpyq would, but stop past ``budget`` bytes; return the inflated size."""
    if not chunk:
        return 0
    kind, body = chunk[0], chunk[1:]
    try:
        if kind == _ZLIB:
            size = len(zlib.decompressobj(15).decompress(body, budget + 1))
        elif kind == _BZIP2:
            size = _bunzip_bounded(body, budget)
        else:
            return len(chunk)
    except (zlib.error, OSError, EOFError, ValueError):
        return 0  # not valid compressed data: sc2reader will fail on it, without a big allocation
    if size > budget:
        raise ReplayUnreadable(f"archive member {name} inflates past {MAX_MEMBER_BYTES >> 20} MiB")
    return size


def _bunzip_bounded(body: bytes, budget: int) -> int:
    # bz2.decompress (what mpyq calls) also inflates any further streams concatenated after the
    # first, so a bomb may hide behind a small leading stream: follow them all, within the budget.
    # Like bz2.decompress, bytes after a stream that do not form another stream end the data.
    total = 0
    while body and total <= budget:
        decompressor = bz2.BZ2Decompressor()
        try:
            total += len(decompressor.decompress(body, max_length=budget + 1 - total))
        except (OSError, EOFError, ValueError):
            break
        if not decompressor.eof:
            break
        body = decompressor.unused_data
    return total
