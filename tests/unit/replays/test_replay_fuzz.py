"""Hostile input: every byte string gives a ReplaySummary or ReplayUnreadable, never another
exception, and archives built to inflate or loop are refused before they can allocate."""

from __future__ import annotations

import bz2
import io
import struct
import zlib
from functools import cache
from pathlib import Path

import mpyq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evoladder.domain.replay import ReplaySummary, ReplayUnreadable
from evoladder.workers.mpq_guard import MAX_MEMBER_BYTES
from evoladder.workers.parse import parse_replay_bytes

SEED_FILES = ("evo/khione-sel__official__eu.SC2Replay", "sc2/b75800_334.SC2Replay", "sc2/b16291_014.SC2Replay")


@cache
def seeds(shared_dir: Path) -> tuple[bytes, ...]:
    """A few real replays to mutate: two eras of the format, and the mod."""
    return tuple((shared_dir / "fixtures" / "replays" / name).read_bytes() for name in SEED_FILES)


def parse_or_unreadable(data: bytes) -> None:
    outcome: ReplaySummary | ReplayUnreadable
    try:
        outcome = parse_replay_bytes(data)
    except ReplayUnreadable as exc:
        outcome = exc
    assert isinstance(outcome, ReplaySummary) or outcome.reason


@st.composite
def mutated_replays(draw: st.DrawFn, available: tuple[bytes, ...]) -> bytes:
    data = bytearray(draw(st.sampled_from(available)))
    kind = draw(st.sampled_from(["flip", "header", "truncate", "splice"]))
    if kind == "truncate":
        return bytes(data[: draw(st.integers(0, len(data)))])
    if kind == "splice":
        at = draw(st.integers(0, len(data)))
        return bytes(data[:at] + draw(st.binary(max_size=512)) + data[at:])
    limit = 2048 if kind == "header" else len(data)  # the header and tables sit at the front
    for _ in range(draw(st.integers(1, 24))):
        data[draw(st.integers(0, min(limit, len(data)) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


def hostile(available: tuple[bytes, ...]) -> st.SearchStrategy[bytes]:
    """Mutated and truncated real replays, random bytes, and random bytes behind MPQ magic."""
    return st.one_of(
        mutated_replays(available),
        st.binary(max_size=4096),
        st.binary(max_size=1024).map(lambda b: b"MPQ\x1b" + b),
        st.binary(max_size=1024).map(lambda b: b"MPQ\x1a" + b),
    )


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=4096), st.binary(max_size=2048).map(lambda b: b"MPQ\x1b" + b)))
def test_random_bytes_give_a_summary_or_unreadable(data: bytes) -> None:
    parse_or_unreadable(data)


@pytest.mark.shared
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_hostile_bytes_give_a_summary_or_unreadable(shared_dir: Path, data: st.DataObject) -> None:
    parse_or_unreadable(data.draw(hostile(seeds(shared_dir))))


@pytest.mark.shared
@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_ten_thousand_hostile_inputs(shared_dir: Path, data: st.DataObject) -> None:
    parse_or_unreadable(data.draw(hostile(seeds(shared_dir))))


def _replace_member(replay: bytes, member: str, payload: bytes) -> bytes:
    archive = mpyq.MPQArchive(io.BytesIO(replay), listfile=False)
    block = archive.block_table[archive.get_hash_table_entry(member).block_table_index]
    assert len(payload) <= block.archived_size, "payload must fit the member's stored size"
    start = block.offset + archive.header["offset"]
    patched = bytearray(replay)
    patched[start : start + len(payload)] = payload
    return bytes(patched)


@pytest.mark.shared
def test_a_bzip2_bomb_is_refused_before_inflating(shared_dir: Path) -> None:
    replay = (shared_dir / "fixtures/replays/evo/khione-sel__official__eu.SC2Replay").read_bytes()
    bomb = b"\x10" + bz2.compress(bytes(4 * MAX_MEMBER_BYTES))  # ~130 bytes for 32 MiB
    with pytest.raises(ReplayUnreadable, match="inflates"):
        parse_replay_bytes(_replace_member(replay, "replay.initData", bomb))


@pytest.mark.shared
def test_a_bomb_hidden_behind_a_small_bzip2_stream_is_refused(shared_dir: Path) -> None:
    replay = (shared_dir / "fixtures/replays/evo/khione-sel__official__eu.SC2Replay").read_bytes()
    bomb = b"\x10" + bz2.compress(b"tiny") + bz2.compress(bytes(4 * MAX_MEMBER_BYTES)) + b"junk"
    with pytest.raises(ReplayUnreadable, match="inflates"):
        parse_replay_bytes(_replace_member(replay, "replay.details", bomb))


@pytest.mark.shared
def test_a_zlib_member_within_the_cap_is_left_to_sc2reader(shared_dir: Path) -> None:
    replay = (shared_dir / "fixtures/replays/evo/khione-sel__official__eu.SC2Replay").read_bytes()
    garbage = b"\x02" + zlib.compress(b"\x00" * 10_000)
    with pytest.raises(ReplayUnreadable, match="sc2reader"):
        parse_replay_bytes(_replace_member(replay, "replay.details", garbage))


def test_implausible_table_sizes_are_refused() -> None:
    header = struct.pack("<4sIIHHIIII", b"MPQ\x1a", 32, 1 << 20, 0, 3, 32, 32, 1 << 24, 16)
    with pytest.raises(ReplayUnreadable, match="tables"):
        parse_replay_bytes(header + bytes(64))


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"hello", "not an MPQ archive"), (b"MPQ\x1a" + bytes(8), "not an MPQ archive")],
)
def test_garbage_is_unreadable_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReplayUnreadable, match=reason):
        parse_replay_bytes(data)


def test_oversized_files_are_refused_without_reading_them() -> None:
    with pytest.raises(ReplayUnreadable, match="larger than"):
        parse_replay_bytes(b"MPQ\x1b" + bytes(2 << 20), max_bytes=1 << 20)
