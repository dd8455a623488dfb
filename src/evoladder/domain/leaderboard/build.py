"""Building a leaderboard from a full snapshot, in steps short enough to interleave with an event loop.

The service reads every player and rating at start and must keep answering meanwhile; a 1M-row
build is ~2-4 s of CPU, so it is cut into units of bounded size and the caller yields between them::

    build = BoardBuild(now)
    for _ in build.steps(entries, players):
        await asyncio.sleep(0)        # let the loop run; each unit is ~1 ms
    board = build.result()

Rows can also be fed as they arrive (``add_players`` / ``add_entries`` with batches of ~250, e.g.
one database page each) before running ``steps()`` for the finishing phases. Give it
``expected_entries`` / ``expected_players`` then (a ``COUNT(*)``), or its arrays grow by doubling,
and the last doubling is one ~20-40 ms copy at 1M rows. After the build, drop the row objects: the
board keeps none of them. Why steps rather than a thread: the Python-level parts (reading 1M
records) hold the GIL, and a thread holding it delays the loop by up to the interpreter's 5 ms
switch interval at every switch (measured in ``bench/bench_leaderboard.py``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sized
from datetime import datetime
from itertools import islice
from typing import Any

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.leaderboard._columns import NO_TIME
from evoladder.domain.leaderboard._names import NAME_SLOTS, encode_names
from evoladder.domain.leaderboard._radix import DEFAULT_CHUNK, lexsort_steps
from evoladder.domain.leaderboard._state import NAME_SEPARATOR, BoardState
from evoladder.domain.leaderboard.board import Leaderboard
from evoladder.domain.leaderboard.model import EntryRecord, PlayerRecord, to_micros


def _sorted_steps(keys: list[NDArray[np.int64]], chunk: int, phase: str) -> Generator[str, None, NDArray[np.int64]]:
    """:func:`lexsort_steps`, relabelled: yields ``phase`` per unit and returns the permutation."""
    sort = lexsort_steps(keys, chunk)
    while True:
        try:
            next(sort)
        except StopIteration as done:
            permutation: NDArray[np.int64] = done.value
            return permutation
        yield phase


def _gather_steps(
    values: NDArray[np.int64], indices: NDArray[np.int64], chunk: int, phase: str
) -> Generator[str, None, NDArray[np.int64]]:
    """``values[indices]`` into a fresh array, a chunk per step."""
    out = np.empty(len(indices), np.int64)
    for a in range(0, len(indices), chunk):
        out[a : a + chunk] = values[indices[a : a + chunk]]
        yield phase
    return out


def _with_headroom(rows: int) -> int:
    """Capacity for ``rows`` plus 1/8 spare, so the first upserts after a build do not copy columns."""
    return rows + rows // 8 + 1024


_RACE_BITS = (1 << np.arange(16)).astype(np.int64)


class BoardBuild:
    """One build of a :class:`Leaderboard`; see the module docstring. Single use."""

    def __init__(
        self,
        now: datetime,
        *,
        expected_entries: int = 0,
        expected_players: int = 0,
        chunk: int = 250,
        array_chunk: int = DEFAULT_CHUNK,
    ) -> None:
        """Start a build as of ``now``.

        ``expected_*`` (e.g. a ``COUNT(*)`` taken before streaming rows in) size the arrays once:
        without them a streamed build grows its columns by doubling, and the copy at the last
        doubling is one step of ~20-40 ms at 1M rows. ``chunk`` is the rows per Python-level step,
        ``array_chunk`` the rows per vectorised step.
        """
        if chunk < 1 or array_chunk < 1:
            raise ValueError("chunk sizes must be positive")
        self._state = BoardState(to_micros(now))
        self._state.players.reserve(_with_headroom(expected_players))
        self._state.slots.reserve(_with_headroom(expected_entries))
        self._state.order.cols.reserve(_with_headroom(expected_entries))
        self._chunk = chunk
        self._array_chunk = array_chunk
        self._board: Leaderboard | None = None

    # -- feeding rows ------------------------------------------------------------------------------

    def add_players(self, players: Iterable[PlayerRecord]) -> None:
        """Register players (~2 us each: batches of ~250 keep a step near 0.5 ms). A repeated id replaces."""
        self._open()
        state = self._state
        batch = list(players)
        rows = state.player_rows([record.player_id for record in batch])
        texts: list[list[str]] = [[] for _ in range(NAME_SLOTS)]
        countries = []
        for idx, record in zip(rows, batch, strict=True):
            alts = tuple(record.alt_names)
            state.labels[idx] = NAME_SEPARATOR.join((record.name, *alts))
            for k, text in enumerate((record.name, *alts[: NAME_SLOTS - 1], "", "")[:NAME_SLOTS]):
                texts[k].append(text)
            if len(alts) >= NAME_SLOTS:
                state.name_overflow.add(idx)
            else:
                state.name_overflow.discard(idx)
            countries.append(state.country_idx(record.country))
        where = np.asarray(rows, dtype=np.int64)
        state.players["country"][where] = countries
        for k in range(NAME_SLOTS):
            state.players[f"key1_{k}"][where], state.players[f"key2_{k}"][where] = encode_names(texts[k])

    def add_entries(self, entries: Iterable[EntryRecord]) -> None:
        """Register entries (~2 us each: batches of ~250 keep a step near 0.5 ms). Ids must be unique."""
        self._open()
        state = self._state
        batch = list(entries)
        first = state.slots.append_rows(len(batch))
        columns: dict[str, list[int]] = {name: [] for name in ("eid", "player", "race", "mmr", "lp", "neglp")}
        games: dict[str, list[int]] = {name: [] for name in ("played", "won", "lost", "drawn")}
        by_race = state.players["slots"]
        for offset, entry in enumerate(batch):
            s = first + offset
            if entry.entry_id in state.eid_slot:
                raise ValueError(f"entry id {entry.entry_id} appears twice in the build input")
            race = state.race_idx(entry.race)
            pidx = state.player_idx(entry.player_id)
            if by_race[pidx, race] >= 0:
                raise ValueError(f"player {entry.player_id} has two entries for race {entry.race!r}")
            state.eid_slot[entry.entry_id] = s
            by_race[pidx, race] = s
            lp = NO_TIME if entry.last_played is None else to_micros(entry.last_played)
            for name, value in (
                ("eid", entry.entry_id),
                ("player", pidx),
                ("race", race),
                ("mmr", entry.mmr),
                ("lp", lp),
                ("neglp", 0 if lp == NO_TIME else -lp),
            ):
                columns[name].append(value)
            games["played"].append(entry.games_played)
            games["won"].append(entry.games_won)
            games["lost"].append(entry.games_lost)
            games["drawn"].append(entry.games_drawn)
        stop = first + len(batch)
        for name, values in (*columns.items(), *games.items()):
            state.slots[name][first:stop] = values

    # -- finishing ---------------------------------------------------------------------------------

    def steps(
        self, entries: Iterable[EntryRecord] = (), players: Iterable[PlayerRecord] = ()
    ) -> Generator[str, None, None]:
        """Run the build in bounded units, yielding the phase name after each one.

        Sized inputs (lists) let the build reserve its arrays once; growing them while reading an
        unsized stream copies them at each doubling, a single step of up to ~30 ms at 1M rows.
        """
        self._open()
        state = self._state
        if isinstance(players, Sized):
            state.players.reserve(state.players.size + _with_headroom(len(players)))
        if isinstance(entries, Sized):
            state.slots.reserve(state.slots.size + _with_headroom(len(entries)))
            state.order.cols.reserve(_with_headroom(len(entries)))
        players_left = iter(players)
        while batch := list(islice(players_left, self._chunk)):
            self.add_players(batch)
            yield "players"
        entries_left = iter(entries)
        while batch_e := list(islice(entries_left, self._chunk)):
            self.add_entries(batch_e)
            yield "entries"
        yield from self._finish()

    def _finish(self) -> Generator[str, None, None]:
        """Sort the ranked entries into the order arrays, then derive ``prec`` and the expiry heap.

        Every unit touches at most ``array_chunk`` rows of *new* memory: on the VM this was measured
        on, the first write to fresh pages costs ~8 us a page, so one vectorised call over a fresh
        5 MB array stalls ~10 ms. Big buffers are allocated untouched and filled a chunk at a time.
        """
        state, step = self._state, self._array_chunk
        cols, size = state.slots, state.slots.size
        cutoff = state.cutoff_us
        ranked_buffer = np.empty(size, np.int64)
        m = 0
        for a in range(0, size, step):
            b = min(a + step, size)  # the columns have spare capacity past ``size``: never read it
            found = np.flatnonzero((cols["played"][a:b] >= 1) & (cols["lp"][a:b] >= cutoff)) + a
            ranked_buffer[m : m + len(found)] = found
            m += len(found)
            yield "activity"
        ranked = ranked_buffer[:m]
        state.order.cols.reserve(_with_headroom(m))  # no copy: the order is still empty
        keys = [np.empty(m, np.int64) for _ in range(3)]
        for a in range(0, m, step):
            part = ranked[a : a + step]
            keys[0][a : a + step] = -cols["mmr"][part].astype(np.int64)
            keys[1][a : a + step] = cols["neglp"][part]
            keys[2][a : a + step] = cols["eid"][part]
            yield "keys"
        permutation = yield from _sorted_steps(keys, step, "sort")
        in_order = yield from _gather_steps(ranked, permutation, step, "sort")
        yield from self._fill_order(in_order)
        yield from self._precs(in_order)
        yield from self._expiry(in_order)
        self._board = Leaderboard._from_state(state)
        yield "done"

    def _fill_order(self, in_order: NDArray[np.int64]) -> Iterator[str]:
        state, step = self._state, self._array_chunk
        cols = state.slots
        for a in range(0, len(in_order), step):
            part = in_order[a : a + step]
            owners = cols["player"][part]
            values: dict[str, NDArray[Any]] = {
                "slot": part,
                "player": owners,
                "race": cols["race"][part],
                "country": state.players["country"][owners],
                "prec": np.zeros(len(part), np.uint16),
                "negmmr": -cols["mmr"][part],
            }
            state.order.fill(a, values)
            cols["active"][part] = True
            cols["sched"][part] = cols["lp"][part]
            yield "order"
        state.race_count[: len(state.races)] = np.bincount(state.order.array("race"), minlength=len(state.races))
        country_counts = np.bincount(state.order.array("country") + 1, minlength=len(state.countries) + 1)
        state.country_count = [int(c) for c in country_counts[1:]]
        yield "order"

    def _precs(self, in_order: NDArray[np.int64]) -> Iterator[str]:
        """``prec`` of every position: the races its player has ranked ahead of it.

        Per chunk, vectorised: group the chunk's positions by player (stable sort), take the
        exclusive running sum of race bits within each group (a player's races are distinct bits,
        so a sum is an OR) on top of what earlier chunks accumulated for that player.
        """
        state, step = self._state, self._array_chunk
        order = state.order
        ahead = np.zeros(state.player_count, np.int64)
        for a in range(0, len(in_order), step):
            owners = order.array("player")[a : a + step]
            bits = _RACE_BITS.take(order.array("race")[a : a + step])
            by_owner = np.argsort(owners, kind="stable")
            sorted_owners, sorted_bits = owners[by_owner], bits[by_owner]
            before = np.cumsum(sorted_bits) - sorted_bits
            first = np.ones(len(sorted_owners), dtype=bool)
            first[1:] = sorted_owners[1:] != sorted_owners[:-1]
            starts = np.flatnonzero(first)
            group_base = before[starts]
            within = before - np.repeat(group_base, np.diff(np.append(starts, len(sorted_owners))))
            precs = np.empty(len(owners), np.int64)
            precs[by_owner] = ahead.take(sorted_owners) + within
            ahead[sorted_owners[starts]] += np.add.reduceat(sorted_bits, starts)
            order.cols["prec"][a : a + len(precs)] = precs
            state.slots["prec"][in_order[a : a + step]] = precs
            yield "prec"

    def _expiry(self, in_order: NDArray[np.int64]) -> Iterator[str]:
        """The expiry heap: the ranked entries sorted by last played (a sorted array is a heap)."""
        state, step = self._state, self._array_chunk
        m = len(in_order)
        lps = np.empty(m, np.int64)
        for a in range(0, m, step):
            lps[a : a + step] = state.slots["lp"][in_order[a : a + step]]
            yield "expiry"
        by_time = yield from _sorted_steps([lps], step, "expiry")
        capacity = _with_headroom(m)
        keys, slots = np.empty(capacity, np.int64), np.empty(capacity, np.int64)
        for a in range(0, m, step):
            part = by_time[a : a + step]
            keys[a : a + len(part)], slots[a : a + len(part)] = lps[part], in_order[part]
            yield "expiry"
        state.expiry.adopt_sorted(keys, slots, m)

    def _open(self) -> None:
        if self._board is not None:
            raise RuntimeError("this build is finished; start a new BoardBuild")

    def result(self) -> Leaderboard:
        """The finished board; raises ``RuntimeError`` if ``steps()`` has not run to the end."""
        if self._board is None:
            raise RuntimeError("the build has not finished: exhaust steps() first")
        return self._board

    def run(self, entries: Iterable[EntryRecord] = (), players: Iterable[PlayerRecord] = ()) -> Leaderboard:
        """The whole build in one call (tests, tools, and callers that may block)."""
        for _ in self.steps(entries, players):
            pass
        return self.result()
