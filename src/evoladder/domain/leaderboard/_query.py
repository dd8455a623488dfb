"""Reading the board: filtered pages, filter menus and single-entry views.

A query is a few vectorised passes over slices of the order arrays:

1. letters become index ranges (a letter is a contiguous run of positions);
2. race, country and name filters become boolean masks over those ranges;
3. best-race-only keeps each player's first surviving row. Without a letter filter this is an
   entry-local test, ``prec & races == 0`` ("no selected race of this player is ranked ahead of
   it"); with one, a player's first row inside the letters may sit behind a better race outside
   them, which one ``bincount`` over the excluded positions accounts for (:func:`_first_in_letters`);
4. the page is a slice of the surviving indices, and only its rows become Python objects.

With no filter (or letters only) no pass runs at all: totals and the page come from range arithmetic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.ids import PlayerId
from evoladder.domain.leaderboard._columns import NO_TIME
from evoladder.domain.leaderboard._names import players_matching
from evoladder.domain.leaderboard._state import WINDOW_US, BoardState
from evoladder.domain.leaderboard.model import (
    BoardFilter,
    BoardRow,
    EntryRecord,
    EntryView,
    FilterValues,
    Page,
    RankStatus,
    fold_name,
    from_micros,
)
from evoladder.domain.ranks import RANKED_LETTERS, Letter, RankTable, rank_table

Ranges = list[tuple[int, int]]
_SMALL_SET = 16  # up to this many codes, OR-ed equality tests (~30 us per 1M each) beat a lookup table
_RACE_BIT = (1 << np.arange(16)).astype(np.float64)  # race index -> its bit, as bincount weights
DEDUPE_RATIO = 8  # best race after letters: de-duplicate when candidates * this < excluded positions


def run_query(state: BoardState, filters: BoardFilter, page: int, page_size: int) -> Page:
    """One page of the filtered board; totals are over the whole filtered board."""
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, got {page_size}")
    n = state.order.n
    table = rank_table(n)
    start = (page - 1) * page_size
    selected = _select(state, filters, table)
    if isinstance(selected, list):
        total = sum(hi - lo for lo, hi in selected)
        indices = _take_ranges(selected, start, start + page_size) if page >= 1 else np.empty(0, np.int64)
    else:
        total = len(selected)
        indices = selected[start : start + page_size] if page >= 1 else selected[:0]
    return Page(
        rows=rows_at(state, indices, table),
        page=page,
        page_size=page_size,
        total_entries=total,
        total_pages=max(1, -(-total // page_size)),
        ranked_count=n,
    )


def _select(state: BoardState, filters: BoardFilter, table: RankTable) -> Ranges | NDArray[np.int64]:
    """The board indices passing every filter: ranges when no mask is needed, else an index array."""
    order = state.order
    ranges, letter_filtered = _letter_ranges(filters.letters, table)
    race_ids = _known(filters.races, state.race_index)
    country_ids = _known(filters.countries, state.country_index)
    prefix = fold_name(filters.name_prefix)
    if race_ids == [] or country_ids == [] or not ranges:
        return []
    players = None
    if prefix:
        keys1, keys2 = state.name_keys()
        players = players_matching(prefix, keys1, keys2, state.names_of, state.name_overflow)
        if not players.any():
            return []
    best = filters.best_race_only
    if race_ids is not None and len(race_ids) == len(state.races):
        race_ids = None  # every race selected: no race test needed
    race_bits = (1 << len(state.races)) - 1 if race_ids is None else sum(1 << r for r in race_ids)
    if race_ids is None and country_ids is None and players is None and not best:
        return ranges
    parts: list[NDArray[np.int64] | None] = []  # None: the whole range passes
    for lo, hi in ranges:
        mask: NDArray[np.bool_] | None = None
        if race_ids is not None:
            mask = _isin(order.array("race")[lo:hi], race_ids)
        if country_ids is not None:
            mask = _and(mask, _isin(order.array("country")[lo:hi], country_ids))
        if players is not None:
            mask = _and(mask, players.take(order.array("player")[lo:hi]))
        if best and not letter_filtered:
            mask = _and(mask, (order.array("prec")[lo:hi] & race_bits) == 0)
        parts.append(None if mask is None else np.flatnonzero(mask) + lo)
    if best and letter_filtered:
        return _first_in_letters(state, ranges, parts, race_bits)
    return _concat(ranges, parts)


def _concat(ranges: Ranges, parts: list[NDArray[np.int64] | None]) -> NDArray[np.int64]:
    arrays = [np.arange(lo, hi, dtype=np.int64) if p is None else p for (lo, hi), p in zip(ranges, parts, strict=True)]
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def _letter_ranges(letters: frozenset[Letter], table: RankTable) -> tuple[Ranges, bool]:
    """Index ranges of the selected letters (merged), and whether they exclude any ranked entry."""
    if not letters:
        return ([(0, table.n)] if table.n else []), False
    present = [letter for letter in RANKED_LETTERS if table.count(letter) > 0]
    wanted = [letter for letter in present if letter in letters]
    if len(wanted) == len(present):
        return ([(0, table.n)] if table.n else []), False
    ranges: Ranges = []
    for letter in wanted:
        lo, hi = table.span(letter)
        if ranges and ranges[-1][1] == lo:
            ranges[-1] = (ranges[-1][0], hi)
        else:
            ranges.append((lo, hi))
    return ranges, True


def _known(codes: frozenset[Any], index: dict[str, int]) -> list[int] | None:
    """Indices of the codes the board knows (``None`` when there is no filter on this attribute)."""
    if not codes:
        return None
    return sorted(index[c] for c in codes if c in index)


def _isin(values: NDArray[Any], wanted: list[int]) -> NDArray[np.bool_]:
    """``values in wanted`` for small codes (``np.isin`` costs ~6 ms per 1M here, this ~0.2-0.4 ms)."""
    if len(wanted) <= _SMALL_SET:
        mask: NDArray[np.bool_] = values == wanted[0]
        for w in wanted[1:]:
            mask |= values == w
        return mask
    table = np.zeros(max(wanted) + 3, dtype=bool)  # codes are >= -1: shifted by one; the last row
    table[np.asarray(wanted) + 1] = True  # (False) catches every code above the largest wanted one
    return table.take(values.astype(np.int64) + 1, mode="clip")


def _and(mask: NDArray[np.bool_] | None, other: NDArray[np.bool_]) -> NDArray[np.bool_]:
    return other if mask is None else mask & other


def _first_in_letters(
    state: BoardState, ranges: Ranges, parts: list[NDArray[np.int64] | None], race_bits: int
) -> NDArray[np.int64]:
    """Best race chosen after a letter filter: each player's first surviving row inside ``ranges``.

    A row in range *k* is its player's first survivor iff none of the player's selected races
    ranked ahead of it (``prec``) lies *inside* the letters, i.e. ``prec & races & ~gaps == 0``
    where ``gaps`` is the set of races the player has in the excluded stretches before range *k*
    (one ``bincount`` over those stretches: races are distinct bits, so a sum is an OR). Cost:
    the excluded stretches plus the candidates; when the candidates are few (a country or name
    filter) a per-player minimum over them alone is cheaper.
    """
    order, n_players = state.order, state.player_count
    candidates = sum((hi - lo) if p is None else len(p) for (lo, hi), p in zip(ranges, parts, strict=True))
    excluded = ranges[-1][0] - sum(hi - lo for lo, hi in ranges[:-1])
    if candidates * DEDUPE_RATIO < excluded:
        return _first_per_player(state, _concat(ranges, parts), race_bits)
    player, race, prec = order.array("player"), order.array("race"), order.array("prec")
    gaps: NDArray[np.uint16] | None = None
    kept: list[NDArray[np.int64]] = []
    done = 0
    for (lo, hi), part in zip(ranges, parts, strict=True):
        if lo > done:
            found = np.bincount(player[done:lo], weights=_RACE_BIT.take(race[done:lo]), minlength=n_players)
            gaps = found.astype(np.uint16) if gaps is None else gaps + found.astype(np.uint16)
        done = hi
        if part is None:
            owners, ahead = player[lo:hi], prec[lo:hi]
        else:
            owners, ahead = player.take(part), prec.take(part)
        blocked = ahead & race_bits if gaps is None else ahead & race_bits & ~gaps.take(owners)
        first = np.flatnonzero(blocked == 0)
        kept.append(first + lo if part is None else part.take(first))
    return kept[0] if len(kept) == 1 else np.concatenate(kept)


def _first_per_player(state: BoardState, indices: NDArray[np.int64], race_bits: int) -> NDArray[np.int64]:
    """Keep each player's first index (indices ascending = board order).

    A row with no selected race of its player ranked ahead at all is certainly that player's first
    survivor; only the other rows of players without such a row need the per-player minimum.
    """
    order = state.order
    owners = order.array("player").take(indices)
    first_overall = (order.array("prec").take(indices) & race_bits) == 0
    if first_overall.all():
        return indices
    seen = np.zeros(state.player_count, dtype=bool)
    seen[owners[first_overall]] = True
    rest = np.flatnonzero(~first_overall & ~seen.take(owners))
    keep = first_overall
    if len(rest):
        rest_owners = owners[rest]
        first = np.full(state.player_count, len(indices), dtype=np.int64)
        np.minimum.at(first, rest_owners, rest)
        keep = keep.copy()
        keep[rest[first[rest_owners] == rest]] = True
    kept: NDArray[np.int64] = indices[keep]
    return kept


def _take_ranges(ranges: Ranges, start: int, stop: int) -> NDArray[np.int64]:
    """Board indices at offsets ``start..stop`` of the concatenation of ``ranges``."""
    out: list[NDArray[np.int64]] = []
    offset = 0
    for lo, hi in ranges:
        length = hi - lo
        a, b = max(start - offset, 0), min(stop - offset, length)
        if a < b:
            out.append(np.arange(lo + a, lo + b, dtype=np.int64))
        offset += length
    return np.concatenate(out) if out else np.empty(0, np.int64)


def rows_at(state: BoardState, indices: NDArray[np.int64], table: RankTable) -> tuple[BoardRow, ...]:
    """Board rows for some board indices (only these few become Python objects)."""
    if not len(indices):
        return ()
    slots = state.order.array("slot")[indices]
    cols = state.slots
    fields = {name: cols[name][slots].tolist() for name in ("eid", "player", "race", "mmr", "lp")}
    games = {name: cols[name][slots].tolist() for name in ("played", "won", "lost", "drawn")}
    owners = np.asarray(fields["player"], dtype=np.int64)
    countries = state.players["country"][owners].tolist()
    pids = state.players["pid"][owners].tolist()
    rows = []
    for k, i in enumerate(indices.tolist()):
        pidx, played = fields["player"][k], games["played"][k]
        country = countries[k]
        rows.append(
            BoardRow(
                position=i + 1,
                letter=table.letter_for(i + 1),
                entry_id=fields["eid"][k],
                player_id=PlayerId(pids[k]),
                name=state.names_of(pidx)[0],
                country=state.countries[country] if country >= 0 else None,
                race=state.races[fields["race"][k]],
                mmr=fields["mmr"][k],
                games_played=played,
                games_won=games["won"][k],
                games_lost=games["lost"][k],
                games_drawn=games["drawn"][k],
                win_rate=games["won"][k] / played if played else None,
                last_played=from_micros(fields["lp"][k]),
            )
        )
    return tuple(rows)


def filter_values(state: BoardState) -> FilterValues:
    """Countries, races and letters that at least one ranked entry has right now."""
    table = rank_table(state.order.n)
    return FilterValues(
        countries=tuple(sorted(c for c, k in zip(state.countries, state.country_count, strict=True) if k > 0)),
        races=tuple(sorted(r for i, r in enumerate(state.races) if state.race_count[i] > 0)),
        letters=tuple(letter for letter in RANKED_LETTERS if table.count(letter) > 0),
    )


def record_of(state: BoardState, s: int) -> EntryRecord:
    """The entry as last upserted (rebuilt from the columns)."""
    cols = state.slots
    lp = int(cols["lp"][s])
    return EntryRecord(
        entry_id=int(cols["eid"][s]),
        player_id=state.player_id(int(cols["player"][s])),
        race=state.races[int(cols["race"][s])],
        mmr=int(cols["mmr"][s]),
        games_played=int(cols["played"][s]),
        games_won=int(cols["won"][s]),
        games_lost=int(cols["lost"][s]),
        games_drawn=int(cols["drawn"][s]),
        last_played=None if lp == NO_TIME else from_micros(lp),
    )


def entry_view(state: BoardState, s: int) -> EntryView:
    """Where one entry stands, or why it is not on the board."""
    record = record_of(state, s)
    n = state.order.n
    if not state.slots["active"][s]:
        lp = int(state.slots["lp"][s])
        status = RankStatus.NO_GAMES if record.games_played < 1 or lp == NO_TIME else RankStatus.INACTIVE
        return EntryView(record, status, Letter.U, None, n, None, None, None)
    position = state.index_of(s) + 1
    return EntryView(
        entry=record,
        status=RankStatus.RANKED,
        letter=rank_table(n).letter_for(position),
        position=position,
        ranked_count=n,
        top_percent=100.0 * position / n,
        percentile=100.0 * (n - position) / n,
        ranked_until=from_micros(int(state.slots["lp"][s]) + WINDOW_US),
    )
