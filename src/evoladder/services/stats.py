"""Ladder statistics for spectators: activity, the BW-vs-SC2 race matrix, map win rates, the MMR
distribution with the letter-rank cut-offs.

The counting is SQL aggregates (``store.stats``: four ``GROUP BY`` statements in one read
transaction); this module orients the rows by game (which race is BW is the data pack's knowledge),
fills empty days, re-bins the histogram and reads the letter cut-offs off the live board.

Caching (decision): results are kept for ``ttl_s`` (30 s) per ``days`` value, and concurrent misses
share one computation (a lock). Why time and not the board's ``version``: the version moves with
every rating change, so on a busy ladder it would recompute on nearly every request, and it does not
move when a match is merely created (matches per day do); it is also per process, while the
aggregates read the shared database. Half a minute of staleness is invisible in aggregates over
days and thousands of games, and it caps the heavy reads at two per minute per process whatever the
traffic.
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from evoladder.domain.leaderboard import ACTIVITY_WINDOW
from evoladder.domain.matchmaking.model import Game
from evoladder.domain.ranks import RANKED_LETTERS, rank_table
from evoladder.services.context import ServiceContext
from evoladder.services.leaderboard import LeaderboardService
from evoladder.store import stats as stats_store

MAX_DAYS = 90
FINE_WIDTH = 25
"""MMR bucket width the database counts in; the service merges buckets to at most ``MAX_BARS``."""
MAX_BARS = 32
NICE_WIDTHS = (25, 50, 100, 200, 250, 500, 1000, 2000, 5000)


@dataclass(frozen=True, slots=True)
class DayActivity:
    day: date
    created: int
    decided: int


@dataclass(frozen=True, slots=True)
class Matchup:
    """Decided games between a BW race and an SC2 race, from the BW side."""

    bw_race: str
    sc2_race: str
    games: int = 0
    bw_wins: int = 0
    sc2_wins: int = 0
    draws: int = 0

    @property
    def bw_win_rate(self) -> float | None:
        """BW wins over all decided games (draws included in the games, so BW% + SC2% + draw% = 1)."""
        return self.bw_wins / self.games if self.games else None

    @property
    def bw_win_interval(self) -> tuple[float, float] | None:
        """95 % Wilson score interval of the BW win rate: how far the sample size lets us trust it."""
        if not self.games:
            return None
        n, p, z = self.games, self.bw_wins / self.games, 1.959964
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(0.0, centre - half), min(1.0, centre + half)

    def add(self, bw_won: bool | None, games: int) -> Matchup:
        """``bw_won`` None is a draw."""
        return Matchup(
            self.bw_race,
            self.sc2_race,
            self.games + games,
            self.bw_wins + (games if bw_won is True else 0),
            self.sc2_wins + (games if bw_won is False else 0),
            self.draws + (games if bw_won is None else 0),
        )


@dataclass(frozen=True, slots=True)
class MapStats:
    """One map: all its cross-game decided games, and per matchup (every BW x SC2 pair, in matrix order)."""

    map_name: str
    total: Matchup
    matchups: tuple[Matchup, ...]


@dataclass(frozen=True, slots=True)
class LetterCutoff:
    """A letter's span of the board: positions and the MMR at its top and bottom (``None`` if empty)."""

    letter: str
    count: int
    first_position: int | None
    last_position: int | None
    top_mmr: int | None
    min_mmr: int | None


@dataclass(frozen=True, slots=True)
class MmrHistogram:
    width: int
    buckets: tuple[tuple[int, int], ...]
    """``(low MMR, entries)`` lowest first, contiguous (empty buckets included) from min to max."""

    @property
    def total(self) -> int:
        return sum(c for _, c in self.buckets)


@dataclass(frozen=True, slots=True)
class LadderStats:
    computed_at: datetime
    days: int
    per_day: tuple[DayActivity, ...]
    active_by_region: dict[str, int]
    """Region code (``""`` for players without one) -> players with a rated game in the last ``days``."""
    bw_races: tuple[str, ...]
    sc2_races: tuple[str, ...]
    matrix: tuple[Matchup, ...]
    """Row-major: ``matrix[i * len(sc2_races) + j]`` is ``bw_races[i]`` vs ``sc2_races[j]``."""
    overall: Matchup
    same_game_games: int
    """Decided games between two races of the same game (not in the matrix)."""
    maps: tuple[MapStats, ...]
    histogram: MmrHistogram
    cutoffs: tuple[LetterCutoff, ...]
    ranked_count: int
    board_version: int

    def cell(self, bw_race: str, sc2_race: str) -> Matchup:
        return self.matrix[self.bw_races.index(bw_race) * len(self.sc2_races) + self.sc2_races.index(sc2_race)]


class StatsService:
    def __init__(self, ctx: ServiceContext, leaderboard: LeaderboardService, *, ttl_s: float = 30.0) -> None:
        self.ctx = ctx
        self.leaderboard = leaderboard
        self.ttl = timedelta(seconds=ttl_s)
        self._cache: dict[int, LadderStats] = {}
        self._lock = asyncio.Lock()
        self.computed = 0
        """How many times the aggregates ran (cache misses), for tests and metrics."""

    async def ladder_stats(self, days: int = 14) -> LadderStats:
        """The ladder's statistics over the last ``days`` (1..90, clamped) for activity; race and map
        figures cover every decided match. Cached ``ttl_s`` per ``days``; one read transaction on a miss."""
        days = max(1, min(days, MAX_DAYS))
        hit = self._fresh(days)
        if hit is not None:
            return hit
        async with self._lock:
            hit = self._fresh(days)
            if hit is None:
                hit = await self._compute(days)
                self._cache[days] = hit
                self.computed += 1
            return hit

    def _fresh(self, days: int) -> LadderStats | None:
        hit = self._cache.get(days)
        if hit is not None and self.ctx.clock.now() - hit.computed_at < self.ttl:
            return hit
        return None

    async def _compute(self, days: int) -> LadderStats:
        now = self.ctx.clock.now()
        first_day = now.date() - timedelta(days=days - 1)
        since = datetime.combine(first_day, datetime.min.time(), tzinfo=now.tzinfo)
        async with self.ctx.db.read() as conn:
            per_day = await stats_store.matches_per_day(conn, since)
            active = await stats_store.active_by_region(conn, now - timedelta(days=days))
            outcomes = await stats_store.outcomes_by_map(conn)
            fine = await stats_store.mmr_buckets(conn, width=FINE_WIDTH, active_since=now - ACTIVITY_WINDOW)
        by_day = {d.day: d for d in per_day}
        activity = tuple(
            DayActivity(day, by_day[day].created, by_day[day].decided) if day in by_day else DayActivity(day, 0, 0)
            for day in (first_day + timedelta(days=i) for i in range(days))
        )
        bw, sc2, matrix, overall, same, maps = self._orient(outcomes)
        board = self.leaderboard.board
        return LadderStats(
            computed_at=now,
            days=days,
            per_day=activity,
            active_by_region={(k or ""): v for k, v in sorted(active.items(), key=lambda kv: (-kv[1], kv[0] or ""))},
            bw_races=bw,
            sc2_races=sc2,
            matrix=matrix,
            overall=overall,
            same_game_games=same,
            maps=maps,
            histogram=rebin(fine, FINE_WIDTH),
            cutoffs=self._cutoffs(),
            ranked_count=board.ranked_count,
            board_version=board.version,
        )

    def _orient(
        self, rows: list[stats_store.OutcomeRow]
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[Matchup, ...], Matchup, int, tuple[MapStats, ...]]:
        """Turn (map, race1, race2, result) counts into BW-side matchups, whichever slot the BW player had."""
        game = {r.code: r.game for r in self.ctx.pack.races}
        bw = tuple(r.code for r in self.ctx.pack.races if r.game is Game.BW)
        sc2 = tuple(r.code for r in self.ctx.pack.races if r.game is Game.SC2)
        cells: dict[tuple[str, str], Matchup] = {(b, s): Matchup(b, s) for b in bw for s in sc2}
        per_map: dict[str, dict[tuple[str, str], Matchup]] = defaultdict(dict)
        same = 0
        for row in rows:
            g1, g2 = game.get(row.race1), game.get(row.race2)  # type: ignore[call-overload]
            if g1 is Game.BW and g2 is Game.SC2:
                key, bw_slot = (row.race1, row.race2), 1
            elif g1 is Game.SC2 and g2 is Game.BW:
                key, bw_slot = (row.race2, row.race1), 2
            else:
                same += row.games  # a mirror game, or a race the pack no longer has
                continue
            bw_won = None if row.result == 0 else row.result == bw_slot
            cells[key] = cells[key].add(bw_won, row.games)
            on_map = per_map[row.map_name]
            on_map[key] = on_map.get(key, Matchup(*key)).add(bw_won, row.games)
        matrix = tuple(cells[(b, s)] for b in bw for s in sc2)
        maps = tuple(
            MapStats(name, _total(found.values()), tuple(found.get((b, s), Matchup(b, s)) for b in bw for s in sc2))
            for name, found in per_map.items()
        )
        maps = tuple(sorted(maps, key=lambda m: (-m.total.games, m.map_name)))
        return bw, sc2, matrix, _total(matrix), same, maps

    def _cutoffs(self) -> tuple[LetterCutoff, ...]:
        """Each letter's positions on the live board (the rank table of its ranked count) and the MMR
        at the top and bottom of that span: 14 single-row reads, range arithmetic on the board."""
        board = self.leaderboard
        table = rank_table(board.board.ranked_count)

        def mmr_at(position: int) -> int | None:
            rows = board.page(page=position, page_size=1).rows
            return rows[0].mmr if rows else None

        out = []
        for letter in RANKED_LETTERS:
            start, stop = table.span(letter)
            if stop <= start:
                out.append(LetterCutoff(letter.value, 0, None, None, None, None))
                continue
            out.append(LetterCutoff(letter.value, stop - start, start + 1, stop, mmr_at(start + 1), mmr_at(stop)))
        return tuple(out)


def _total(cells: Iterable[Matchup]) -> Matchup:
    total = Matchup("", "")
    for c in cells:
        total = Matchup("", "", total.games + c.games, total.bw_wins + c.bw_wins, total.sc2_wins + c.sc2_wins,
                        total.draws + c.draws)  # fmt: skip
    return total


def rebin(fine: list[tuple[int, int]], fine_width: int, max_bars: int = MAX_BARS) -> MmrHistogram:
    """Merge ``fine`` buckets into the smallest "nice" width giving at most ``max_bars`` bars, with
    empty bars filled in so the x axis is linear."""
    if not fine:
        return MmrHistogram(fine_width, ())
    lo, hi = fine[0][0], fine[-1][0]
    width = next((w for w in NICE_WIDTHS if w >= fine_width and (hi - lo) // w + 1 <= max_bars), NICE_WIDTHS[-1])
    counts: dict[int, int] = defaultdict(int)
    for low, count in fine:
        counts[(low // width) * width] += count
    first, last = min(counts), max(counts)
    return MmrHistogram(width, tuple((b, counts.get(b, 0)) for b in range(first, last + width, width)))
