"""The index's building blocks against the obvious implementations, and its GC-invisibility."""

from __future__ import annotations

import gc
import heapq
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from leaderboard_oracle import naive_page

from evoladder.domain.ids import CountryCode, PlayerId, RaceCode
from evoladder.domain.leaderboard import BoardFilter, EntryRecord, Leaderboard, PlayerRecord
from evoladder.domain.leaderboard._columns import IntMap
from evoladder.domain.leaderboard._expiry import ExpiryHeap
from evoladder.domain.leaderboard._names import encode_name, encode_names

NOW = datetime(2026, 4, 1, tzinfo=UTC)


@settings(deadline=None)  # the shared CI box can stall any single example
@given(st.lists(st.one_of(st.integers(-(2**62), 2**62), st.none()), max_size=300))
def test_expiry_heap_pops_like_heapq(ops: list[int | None]) -> None:
    heap, reference = ExpiryHeap(capacity=4), []  # tiny capacity: growth is exercised too
    for i, op in enumerate(ops):
        if op is None:
            if reference:
                assert heap.pop()[0] == heapq.heappop(reference)[0]
        else:
            heap.push(op, i)
            heapq.heappush(reference, (op, i))
        assert len(heap) == len(reference)
        if reference:
            assert heap.min_key() == reference[0][0]


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(-(2**70), 2**70), st.integers()), max_size=200))
def test_int_map_is_a_dict(pairs: list[tuple[int, int]]) -> None:
    shards: IntMap[int] = IntMap()
    plain: dict[int, int] = {}
    for key, value in pairs:
        shards[key] = value
        plain[key] = value
    assert len(shards) == len(plain)
    for key, value in plain.items():
        assert key in shards and shards[key] == value and shards.get(key) == value
    assert shards.get(2**71) is None and (2**71) not in shards


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=14), max_size=8))
def test_batch_name_encoding_equals_one_by_one(names: list[str]) -> None:
    first, second = encode_names(names)
    assert [(int(a), int(b)) for a, b in zip(first, second, strict=True)] == [encode_name(n) for n in names]


def test_many_countries_use_the_lookup_table_path() -> None:
    countries = [CountryCode(f"C{k:02d}") for k in range(25)]
    players = [PlayerRecord(PlayerId(p), f"P{p}", (), countries[p % 25]) for p in range(100)]
    entries = [
        EntryRecord(
            e, PlayerId(e % 100), RaceCode(["bw_zerg", "sc2_zerg"][e // 100]), 1000 + (e * 37) % 500, 3, 1, 2, 0, NOW
        )
        for e in range(200)
    ]
    board = Leaderboard.build(entries, players, NOW)
    wanted = BoardFilter(countries=frozenset(countries[:18]) | {CountryCode("ZZ")}, best_race_only=True)
    assert board.query(wanted, 1, 500, now=NOW) == naive_page(
        {e.entry_id: e for e in entries}, {p.player_id: p for p in players}, NOW, wanted, 1, 500
    )


def test_a_built_board_gives_the_garbage_collector_nothing_to_walk() -> None:
    """20k entries but only a few dozen GC-tracked objects: no million-item lists to traverse."""
    entries = [
        EntryRecord(
            i, PlayerId(i // 3), RaceCode(f"r{i % 3}"), 1500 + i % 400, 5, 2, 3, 0, NOW - timedelta(hours=i % 300)
        )
        for i in range(20_000)
    ]
    players = [PlayerRecord(PlayerId(p), f"Name{p}", (f"Alt{p}",), CountryCode("DE")) for p in range(7000)]
    gc.collect()
    before = len(gc.get_objects())
    board = Leaderboard.build(entries, players, NOW)
    del entries, players
    gc.collect()
    assert len(gc.get_objects()) - before < 300
    assert board.ranked_count == 20_000
