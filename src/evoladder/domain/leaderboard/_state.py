"""The leaderboard's mutable state and the primitive changes to it (one entry, one player, time).

Layout (why: see the package docstring):

* per entry ("slot"): numpy columns (``SLOT_SPECS``), plus ``eid_slot`` to find a slot by entry id;
* per player: numpy columns (``PLAYER_SPECS``: id, country, its slot per race, name keys) plus
  ``labels``, its names joined into one string (for display and exact prefix checks);
* the ranked entries in board order: :class:`OrderIndex`;
* expiry: an :class:`ExpiryHeap` of ``(last_played_us, slot)``, at most one live item per ranked
  entry.

Nothing here is a large Python container the garbage collector would walk: numpy columns and dicts
holding only ints and strings (which CPython leaves untracked). With lists of objects instead, a
board of 1M entries added ~45 ms to every full collection of the process (measured).

Invariants kept by every method here: an entry is in the order iff ``active``; ``active`` iff it has
played, has a last-played time, and that time is ``>= now - ACTIVITY_WINDOW``; ``order.prec`` at an
entry's index equals its ``prec`` column, the races its player has ranked *ahead* of it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.ids import CountryCode, PlayerId, RaceCode
from evoladder.domain.leaderboard._columns import NO_TIME, Columns, IntMap
from evoladder.domain.leaderboard._expiry import ExpiryHeap
from evoladder.domain.leaderboard._names import NAME_SLOTS, encode_name
from evoladder.domain.leaderboard._order import OrderIndex, OrderValues
from evoladder.domain.leaderboard.model import ACTIVITY_WINDOW, EntryRecord, PlayerRecord, to_micros

MAX_RACES = 16
"""Races are bits of a uint16 (``prec``); the data pack has 6."""
WINDOW_US = (ACTIVITY_WINDOW.days * 86_400 + ACTIVITY_WINDOW.seconds) * 1_000_000 + ACTIVITY_WINDOW.microseconds
NAME_SEPARATOR = "\x1f"  # a player's names are stored joined: one str per player, no tuple to track

SLOT_SPECS: dict[str, tuple[Any, tuple[int, ...], int | float]] = {
    "eid": (np.int64, (), 0),
    "player": (np.int32, (), -1),
    "race": (np.uint8, (), 0),
    "mmr": (np.int32, (), 0),
    "lp": (np.int64, (), NO_TIME),  # last played, us since epoch
    "neglp": (np.int64, (), 0),  # -lp when lp is set (the order key); 0 otherwise
    "played": (np.int32, (), 0),
    "won": (np.int32, (), 0),
    "lost": (np.int32, (), 0),
    "drawn": (np.int32, (), 0),
    "active": (np.bool_, (), False),
    "prec": (np.uint16, (), 0),
    "sched": (np.int64, (), NO_TIME),  # the expiry-heap item that counts for this slot
}
PLAYER_SPECS: dict[str, tuple[Any, tuple[int, ...], int | float]] = {
    "pid": (np.int64, (), 0),
    "country": (np.int16, (), -1),
    "slots": (np.int32, (MAX_RACES,), -1),
    **{f"key1_{k}": (np.uint64, (), 0) for k in range(NAME_SLOTS)},  # name slot k: display, alt 1, alt 2
    **{f"key2_{k}": (np.uint64, (), 0) for k in range(NAME_SLOTS)},
}


class BoardState:
    """Everything the leaderboard knows; see the module docstring for the invariants."""

    def __init__(self, now_us: int, capacity: int = 1024, player_capacity: int = 1024) -> None:
        self.now_us = now_us
        self.slots = Columns(SLOT_SPECS, capacity)
        self.players = Columns(PLAYER_SPECS, player_capacity)
        self.order = OrderIndex(capacity)
        self.eid_slot: IntMap[int] = IntMap()
        self.pid_index: IntMap[int] = IntMap()
        self.labels: IntMap[str] = IntMap()  # player index -> display name + alt names, NAME_SEPARATOR-joined
        self.name_overflow: set[int] = set()
        self.races: list[RaceCode] = []
        self.race_index: dict[str, int] = {}
        self.countries: list[CountryCode] = []
        self.country_index: dict[str, int] = {}
        self.race_count = np.zeros(MAX_RACES, dtype=np.int64)
        self.country_count: list[int] = []
        self.expiry = ExpiryHeap()
        self.version = 0  # bumped by every change a reader could see

    # -- codes and players -------------------------------------------------------------------

    @property
    def cutoff_us(self) -> int:
        """Entries last played strictly before this are inactive."""
        return self.now_us - WINDOW_US

    def race_idx(self, race: RaceCode) -> int:
        idx = self.race_index.get(race)
        if idx is None:
            if len(self.races) >= MAX_RACES:
                raise ValueError(f"the leaderboard supports at most {MAX_RACES} races; {race!r} would be one more")
            idx = self.race_index[race] = len(self.races)
            self.races.append(race)
        return idx

    def country_idx(self, country: CountryCode | None) -> int:
        if country is None:
            return -1
        idx = self.country_index.get(country)
        if idx is None:
            idx = self.country_index[country] = len(self.countries)
            self.countries.append(country)
            self.country_count.append(0)
        return idx

    @property
    def player_count(self) -> int:
        return self.players.size

    def player_id(self, pidx: int) -> PlayerId:
        return PlayerId(int(self.players["pid"][pidx]))

    def names_of(self, pidx: int) -> list[str]:
        """Display name first, then the alternative names."""
        return self.labels[pidx].split(NAME_SEPARATOR)

    def player_idx(self, player_id: PlayerId) -> int:
        """The dense index of a player, creating a placeholder (name = id, no country) if unknown."""
        idx = self.pid_index.get(player_id)
        if idx is None:
            idx = self.pid_index[player_id] = self.players.append_rows(1)
            self.players["pid"][idx] = player_id
            self._set_names(idx, str(player_id), ())
        return idx

    def player_rows(self, player_ids: list[PlayerId]) -> list[int]:
        """Dense indices for many players, creating the missing ones with one append (builds).

        New players get no name (keys or label): the caller sets them.
        """
        rows: list[int] = []
        fresh: list[PlayerId] = []
        first = self.players.size
        for player_id in player_ids:
            idx = self.pid_index.get(player_id)
            if idx is None:
                idx = self.pid_index[player_id] = first + len(fresh)
                fresh.append(player_id)
            rows.append(idx)
        if fresh:
            self.players.append_rows(len(fresh))
            self.players["pid"][first : first + len(fresh)] = fresh
        return rows

    def set_player(self, record: PlayerRecord) -> None:
        """Create or replace a player's attributes; every entry of the player follows at once."""
        idx = self.player_idx(record.player_id)
        self._set_names(idx, record.name, tuple(record.alt_names))
        old, new = int(self.players["country"][idx]), self.country_idx(record.country)
        if old != new:
            self.players["country"][idx] = new
            for s in self.player_slots(idx):
                if self.slots["active"][s]:
                    self.order.cols["country"][self.index_of(s)] = new
                    self._count_country(old, -1)
                    self._count_country(new, +1)
        self.version += 1

    def _set_names(self, idx: int, name: str, alts: tuple[str, ...]) -> None:
        self.labels[idx] = NAME_SEPARATOR.join((name, *alts))
        texts = (name, *alts[: NAME_SLOTS - 1])
        for k in range(NAME_SLOTS):
            w1, w2 = encode_name(texts[k]) if k < len(texts) else (0, 0)
            self.players[f"key1_{k}"][idx], self.players[f"key2_{k}"][idx] = w1, w2
        if len(alts) >= NAME_SLOTS:
            self.name_overflow.add(idx)
        else:
            self.name_overflow.discard(idx)

    def _count_country(self, idx: int, delta: int) -> None:
        if idx >= 0:
            self.country_count[idx] += delta

    def name_keys(self) -> tuple[list[NDArray[Any]], list[NDArray[Any]]]:
        """The live name-key columns, one per name slot (first and second words)."""
        count = self.players.size
        first = [self.players[f"key1_{k}"][:count] for k in range(NAME_SLOTS)]
        return first, [self.players[f"key2_{k}"][:count] for k in range(NAME_SLOTS)]

    def player_slots(self, pidx: int) -> list[int]:
        return [int(s) for s in self.players["slots"][pidx] if s >= 0]

    # -- entries -------------------------------------------------------------------------------

    def slot_for(self, entry: EntryRecord) -> int:
        """The slot of an entry id, creating it; refuses an id that changes player or race."""
        race = self.race_idx(entry.race)
        pidx = self.player_idx(entry.player_id)
        s = self.eid_slot.get(entry.entry_id)
        if s is None:
            taken = int(self.players["slots"][pidx, race])
            if taken >= 0:
                raise ValueError(
                    f"player {entry.player_id} already has entry {int(self.slots['eid'][taken])} for race "
                    f"{entry.race!r}; entry {entry.entry_id} cannot be a second one"
                )
            s = self.slots.append_rows(1)
            self.eid_slot[entry.entry_id] = s
            self.slots["eid"][s], self.slots["player"][s], self.slots["race"][s] = entry.entry_id, pidx, race
            self.players["slots"][pidx, race] = s
        elif int(self.slots["player"][s]) != pidx or int(self.slots["race"][s]) != race:
            raise ValueError(f"entry {entry.entry_id} belongs to another player or race; ids are stable")
        return s

    def write_entry(self, s: int, entry: EntryRecord) -> None:
        """Store an entry's values in its columns (not its place in the order)."""
        lp = NO_TIME if entry.last_played is None else to_micros(entry.last_played)
        cols = self.slots
        cols["mmr"][s], cols["lp"][s], cols["neglp"][s] = entry.mmr, lp, (0 if lp == NO_TIME else -lp)
        cols["played"][s], cols["won"][s] = entry.games_played, entry.games_won
        cols["lost"][s], cols["drawn"][s] = entry.games_lost, entry.games_drawn

    def qualifies(self, games_played: int, lp: int) -> bool:
        return games_played >= 1 and lp != NO_TIME and lp >= self.cutoff_us

    def upsert(self, entry: EntryRecord) -> None:
        """Apply one committed entry row: move it in the order, add it, or drop it."""
        s = self.slot_for(entry)
        lp = NO_TIME if entry.last_played is None else to_micros(entry.last_played)
        now_active = self.qualifies(entry.games_played, lp)
        was_active = bool(self.slots["active"][s])
        if was_active:
            i = self.index_of(s)
            if now_active:
                j = self.order.bisect(-entry.mmr, -lp, entry.entry_id, self.slots["neglp"], self.slots["eid"])
                self.write_entry(s, entry)
                self.order.move(i, j - 1 if j > i else j, self.order_values(s))
            else:
                self.write_entry(s, entry)
                self.order.remove(i)
                self._set_inactive(s)
        else:
            self.write_entry(s, entry)
            if now_active:
                self._insert(s)
        if now_active:
            self._schedule(s, lp)
        self.refresh_prec(int(self.slots["player"][s]))
        self.version += 1

    def remove_player_entries(self, player_id: PlayerId) -> int:
        """Forget every entry of a player (e.g. banned); returns how many. Their slots are retired.

        A retired slot keeps its columns but belongs to nobody: no entry id, player or race maps to
        it, and its expiry items are void (``sched`` cleared). Upserting the same entry id again
        later (unban) starts a fresh slot.
        """
        pidx = self.pid_index.get(player_id)
        if pidx is None:
            return 0
        slots = self.player_slots(pidx)
        active = [s for s in slots if self.slots["active"][s]]
        if active:
            self.order.remove_many([self.index_of(s) for s in active])
            for s in active:
                self._set_inactive(s)
        for s in slots:
            self.eid_slot.pop(int(self.slots["eid"][s]))
            self.players["slots"][pidx, int(self.slots["race"][s])] = -1
            self.slots["sched"][s] = NO_TIME
        if slots:
            self.version += 1
        return len(slots)

    def _insert(self, s: int) -> None:
        cols = self.slots
        i = self.order.bisect(
            -int(cols["mmr"][s]), int(cols["neglp"][s]), int(cols["eid"][s]), cols["neglp"], cols["eid"]
        )
        cols["active"][s], cols["prec"][s] = True, 0
        self.order.insert(i, self.order_values(s))
        self.race_count[int(cols["race"][s])] += 1
        self._count_country(int(self.players["country"][int(cols["player"][s])]), +1)

    def _set_inactive(self, s: int) -> None:
        cols = self.slots
        cols["active"][s], cols["prec"][s] = False, 0
        self.race_count[int(cols["race"][s])] -= 1
        self._count_country(int(self.players["country"][int(cols["player"][s])]), -1)

    def order_values(self, s: int) -> OrderValues:
        cols = self.slots
        pidx = int(cols["player"][s])
        country = int(self.players["country"][pidx])
        return (s, pidx, int(cols["race"][s]), country, int(cols["prec"][s]), -int(cols["mmr"][s]))

    def index_of(self, s: int) -> int:
        """The 0-based board index of an active slot."""
        cols = self.slots
        i = self.order.bisect(
            -int(cols["mmr"][s]), int(cols["neglp"][s]), int(cols["eid"][s]), cols["neglp"], cols["eid"]
        )
        if i >= self.order.n or int(self.order.cols["slot"][i]) != s:
            raise RuntimeError(f"leaderboard order lost entry {int(cols['eid'][s])}")
        return i

    def refresh_prec(self, pidx: int) -> None:
        """Recompute which races of this player are ahead of each of its ranked entries."""
        cols = self.slots
        ranked = [s for s in self.player_slots(pidx) if cols["active"][s]]
        keyed = sorted((-int(cols["mmr"][s]), int(cols["neglp"][s]), int(cols["eid"][s]), s) for s in ranked)
        ahead = 0
        for _, _, _, s in keyed:
            if int(cols["prec"][s]) != ahead:
                cols["prec"][s] = ahead
                self.order.cols["prec"][self.index_of(s)] = ahead
            ahead |= 1 << int(cols["race"][s])

    # -- time ------------------------------------------------------------------------------------

    def _schedule(self, s: int, lp: int) -> None:
        """Make sure an expiry item no later than ``lp`` is queued for slot ``s``."""
        pending = int(self.slots["sched"][s])
        if pending == NO_TIME or lp < pending:
            self.expiry.push(lp, s)
            self.slots["sched"][s] = lp

    def advance(self, now_us: int) -> None:
        """Move the clock forward (never back) and drop entries whose last game left the window.

        Each heap item is checked against the slot's current state: an entry that played again is
        re-queued at its new time, one that is gone already is skipped.
        """
        if now_us <= self.now_us:
            return
        self.now_us = now_us
        cutoff = self.cutoff_us
        heap, cols = self.expiry, self.slots
        expired: list[int] = []
        while len(heap) and heap.min_key() < cutoff:
            lp, s = heap.pop()
            if int(cols["sched"][s]) != lp:
                continue
            cols["sched"][s] = NO_TIME
            if not cols["active"][s]:
                continue
            actual = int(cols["lp"][s])
            if actual < cutoff:
                expired.append(s)
            else:
                self._schedule(s, actual)
        if not expired:
            return
        self.order.remove_many([self.index_of(s) for s in expired])
        for s in expired:
            self._set_inactive(s)
        for pidx in {int(cols["player"][s]) for s in expired}:
            self.refresh_prec(pidx)
        self.version += 1
