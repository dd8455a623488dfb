"""Properties: after ANY sequence of upserts, player changes and time passing, the incrementally
updated board is exactly the board rebuilt from the final rows, and both equal the naive oracle.

The value pools are tiny on purpose (few players, races, MMRs and times) so that ties on MMR and on
last-played time, expiries exactly at the 14-day edge, renames and country moves happen constantly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from leaderboard_oracle import naive_page

from evoladder.domain.ids import CountryCode, PlayerId, RaceCode
from evoladder.domain.leaderboard import BoardBuild, BoardFilter, EntryRecord, Leaderboard, PlayerRecord, _query
from evoladder.domain.leaderboard._radix import lexsort_now
from evoladder.domain.ranks import Letter

START = datetime(2026, 3, 1, tzinfo=UTC)
PIDS = [PlayerId(p) for p in range(1, 8)]
RACES = [RaceCode(r) for r in ("bw_zerg", "bw_terran", "sc2_zerg", "sc2_protoss")]
COUNTRIES = [CountryCode("DE"), CountryCode("KR"), CountryCode("US"), None]
NAMES = ["Alpha", "alpine", "Alfa", "Bravo", "brav", "Ärger", "Zed", "Ωmega", "\U0001d504x", "Abcdefghijk"]
PREFIXES = ["", "a", "AL", "alp", "b", "ä", "z", "ω", "\U0001d504", "abcdefghij", "q"]
MMRS = [1400, 1500, 1500, 1600, 2000]
AGES = [timedelta(0), timedelta(microseconds=1), timedelta(hours=1), timedelta(days=13), timedelta(days=14)]
AGES += [timedelta(days=14, microseconds=1), timedelta(days=20)]
STEPS = [timedelta(0), timedelta(microseconds=1), timedelta(hours=1), timedelta(days=1), timedelta(days=7)]
STEPS += [timedelta(days=15)]

filters = st.builds(
    BoardFilter,
    countries=st.frozensets(st.sampled_from([c for c in COUNTRIES if c] + [CountryCode("ZZ")]), max_size=3),
    races=st.frozensets(st.sampled_from([*RACES, RaceCode("sc2_terran")]), max_size=3),
    letters=st.frozensets(st.sampled_from(list(Letter)), max_size=4),
    best_race_only=st.booleans(),
    name_prefix=st.sampled_from(PREFIXES),
)
CHECKED_FILTERS = [
    BoardFilter(),
    BoardFilter(best_race_only=True),
    BoardFilter(letters=frozenset({Letter.C, Letter.E})),
    BoardFilter(letters=frozenset({Letter.B, Letter.D}), best_race_only=True),
    BoardFilter(races=frozenset({RACES[0], RACES[2]}), best_race_only=True),
    BoardFilter(countries=frozenset({CountryCode("DE"), CountryCode("US")}), name_prefix="a"),
    BoardFilter(letters=frozenset({Letter.D, Letter.E, Letter.F}), races=frozenset(RACES[1:]), best_race_only=True),
]


class IncrementalEqualsRebuild(RuleBasedStateMachine):
    """The model is the committed rows; the board is only ever updated incrementally."""

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.entries: dict[int, EntryRecord] = {}
        self.players: dict[int, PlayerRecord] = {}
        self.ids: dict[tuple[PlayerId, RaceCode], int] = {}
        self.board = Leaderboard(START)

    def _record(self, pid: PlayerId, race: RaceCode, mmr: int, games: int, age: timedelta | None) -> EntryRecord:
        eid = self.ids.setdefault((pid, race), 100 - 3 * len(self.ids))  # ids not in creation order
        return EntryRecord(
            eid, pid, race, mmr, games, games // 2, games - games // 2, 0, None if age is None else self.now - age
        )

    @initialize(
        rows=st.lists(
            st.tuples(st.sampled_from(PIDS), st.sampled_from(RACES), st.sampled_from(MMRS), st.sampled_from(AGES)),
            max_size=25,
        ),
        chunk=st.sampled_from([1, 3, 1000]),
    )
    def build(self, rows: list[tuple[PlayerId, RaceCode, int, timedelta]], chunk: int) -> None:
        for pid, race, mmr, age in rows:
            record = self._record(pid, race, mmr, 1, age)
            self.entries[record.entry_id] = record
        self.board = BoardBuild(START, chunk=chunk, array_chunk=chunk).run(self.entries.values(), ())

    @rule(
        pid=st.sampled_from(PIDS),
        race=st.sampled_from(RACES),
        mmr=st.sampled_from(MMRS),
        games=st.sampled_from([0, 1, 5]),
        age=st.sampled_from([*AGES, None]),
    )
    def upsert(self, pid: PlayerId, race: RaceCode, mmr: int, games: int, age: timedelta | None) -> None:
        record = self._record(pid, race, mmr, games, age)
        self.board.upsert_entry(record)
        self.entries[record.entry_id] = record

    @rule(
        a=st.sampled_from(PIDS),
        b=st.sampled_from(PIDS),
        race=st.sampled_from(RACES),
        delta=st.sampled_from([0, 20, 100]),
    )
    def match(self, a: PlayerId, b: PlayerId, race: RaceCode, delta: int) -> None:
        """Two entries change in one go, both played now (like a match report)."""
        changed = []
        for pid, sign in ((a, 1), (b, -1)):
            eid = self.ids.get((pid, race))
            old = self.entries.get(eid) if eid is not None else None
            if old is not None:
                changed.append(
                    replace(old, mmr=old.mmr + sign * delta, games_played=old.games_played + 1, last_played=self.now)
                )
        self.board.upsert_entries(changed)
        self.entries.update({e.entry_id: e for e in changed})

    @rule(
        pid=st.sampled_from(PIDS),
        name=st.sampled_from(NAMES),
        alts=st.lists(st.sampled_from(NAMES), max_size=4).map(tuple),
        country=st.sampled_from(COUNTRIES),
    )
    def update_player(self, pid: PlayerId, name: str, alts: tuple[str, ...], country: CountryCode | None) -> None:
        record = PlayerRecord(pid, name, alts, country)
        self.board.update_player(record)
        self.players[pid] = record

    @rule(pid=st.sampled_from(PIDS))
    def ban(self, pid: PlayerId) -> None:
        """A banned player's entries leave the board; an upsert later (unban, or a new row) brings them back."""
        gone = [eid for eid, e in self.entries.items() if e.player_id == pid]
        assert self.board.remove_player(pid) == len(gone)
        for eid in gone:
            del self.entries[eid]

    @rule(step=st.sampled_from(STEPS))
    def tick(self, step: timedelta) -> None:
        self.now += step
        self.board.advance(self.now)

    @rule(step=st.sampled_from(STEPS), pid=st.sampled_from(PIDS), race=st.sampled_from(RACES))
    def tick_then_upsert_unseen(self, step: timedelta, pid: PlayerId, race: RaceCode) -> None:
        """Time moves but the board has not read it yet when the next row arrives."""
        self.now += step
        record = self._record(pid, race, 1500, 2, timedelta(0))
        self.board.upsert_entry(record)
        self.entries[record.entry_id] = record

    @rule(f=filters, page=st.integers(0, 3), size=st.sampled_from([1, 2, 5, 40]))
    def any_query_matches_the_oracle(self, f: BoardFilter, page: int, size: int) -> None:
        got = self.board.query(f, page, size, now=self.now)
        assert got == naive_page(self.entries, self.players, self.now, f, page, size)

    @invariant()
    def equals_rebuild_and_oracle(self) -> None:
        rebuilt = Leaderboard.build(self.entries.values(), self.players.values(), self.now)
        for f in CHECKED_FILTERS:
            page = self.board.query(f, 1, 100, now=self.now)
            assert page == rebuilt.query(f, 1, 100, now=self.now)
            assert page == naive_page(self.entries, self.players, self.now, f, 1, 100)
        assert self.board.filter_values(now=self.now) == rebuilt.filter_values(now=self.now)
        for pid, race in self.ids:
            assert self.board.entry_view(pid, race, now=self.now) == rebuilt.entry_view(pid, race, now=self.now)


IncrementalEqualsRebuild.TestCase.settings = settings(
    max_examples=75, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestIncrementalEqualsRebuild = IncrementalEqualsRebuild.TestCase


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(PIDS),
            st.sampled_from(RACES),
            st.sampled_from(MMRS),
            st.sampled_from(AGES),
            st.sampled_from([0, 1, 3]),
        ),
        max_size=40,
    ),
    players=st.lists(
        st.tuples(
            st.sampled_from(PIDS),
            st.sampled_from(NAMES),
            st.lists(st.sampled_from(NAMES), max_size=3),
            st.sampled_from(COUNTRIES),
        )
    ),
    f=filters,
    page=st.integers(-1, 4),
    size=st.sampled_from([1, 3, 40]),
    dedupe_ratio=st.sampled_from([0, _query.DEDUPE_RATIO, 10**9]),  # force each best-after-letters path
)
def test_any_built_board_and_filter_match_the_oracle(
    rows: list[tuple[PlayerId, RaceCode, int, timedelta, int]],
    players: list[tuple[PlayerId, str, list[str], CountryCode | None]],
    f: BoardFilter,
    page: int,
    size: int,
    dedupe_ratio: int,
) -> None:
    entries: dict[int, EntryRecord] = {}
    ids: dict[tuple[PlayerId, RaceCode], int] = {}
    for pid, race, mmr, age, games in rows:
        eid = ids.setdefault((pid, race), 500 - len(ids))
        entries[eid] = EntryRecord(eid, pid, race, mmr, games, games, 0, 0, START - age)
    people = {pid: PlayerRecord(pid, name, tuple(alts), country) for pid, name, alts, country in players}
    board = Leaderboard.build(entries.values(), people.values(), START)
    with mock.patch.object(_query, "DEDUPE_RATIO", dedupe_ratio):
        got = board.query(f, page, size, now=START)
    assert got == naive_page(entries, people, START, f, page, size)


@settings(max_examples=200, deadline=None)
@given(
    data=st.integers(1, 300).flatmap(
        lambda m: st.tuples(
            arrays(np.int64, m, elements=st.integers(-3, 3)),
            arrays(np.int64, m, elements=st.sampled_from([-(2**63), -1, 0, 1, 2**40, 2**63 - 1])),
            arrays(np.int64, m, elements=st.integers(-(2**20), 2**20)),
        )
    ),
    chunk=st.sampled_from([1, 7, 64]),
)
def test_radix_lexsort_equals_numpy_lexsort(data: tuple[np.ndarray, np.ndarray, np.ndarray], chunk: int) -> None:
    a, b, c = data
    assert (lexsort_now([a, b, c], chunk) == np.lexsort((c, b, a))).all()
