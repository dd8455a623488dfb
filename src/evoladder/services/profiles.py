"""The profile service: a player's whole profile from memory plus ONE database round trip.

Identity, ratings and standings (letter, position, percentile, ranked or why not) come from the hot
cache and the in-memory board. The stored part (MMR history per race, recent matches, aborts used
this month) is one ``UNION ALL`` statement (:mod:`evoladder.store.profiles`). The history is written
by the database as ratings change (migration 0004), so it is read, never reconstructed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import RowMapping

from evoladder.domain.ids import PlayerId, RaceCode
from evoladder.domain.leaderboard import EntryView, RankStatus
from evoladder.domain.player import Player
from evoladder.domain.ranks import Letter
from evoladder.services.context import ServiceContext
from evoladder.services.leaderboard import LeaderboardService, entry_record
from evoladder.services.players import PlayerService
from evoladder.store import logs as log_store
from evoladder.store.profiles import read_profile_rows

WINDOWS_DAYS = (14, 30, 90)
"""The recent-form windows a profile shows per race."""


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One rating change: the MMR after it, the change, and the change in games and W/L/D."""

    at: datetime
    mmr: int
    delta: int
    played: int
    won: int
    lost: int
    drawn: int
    source: str
    match_id: int | None


@dataclass(frozen=True, slots=True)
class WindowStats:
    """Games, W/L/D and MMR change over the last ``days`` days, from the stored history."""

    days: int
    played: int
    won: int
    lost: int
    drawn: int
    mmr_change: int

    @property
    def win_rate(self) -> float | None:
        return self.won / self.played if self.played else None


@dataclass(frozen=True, slots=True)
class RecentMatch:
    """One of the player's matches, from their side."""

    match_id: int
    at: datetime
    race: RaceCode
    opponent_id: PlayerId
    opponent_name: str
    opponent_race: RaceCode
    map_name: str
    server: str
    state: str
    outcome: str | None
    """``win``, ``loss``, ``draw``, or ``None`` while undecided (or voided)."""
    mmr_before: int
    mmr_change: int | None


@dataclass(frozen=True, slots=True)
class RaceProfile:
    standing: EntryView
    history: tuple[HistoryPoint, ...]
    windows: tuple[WindowStats, ...]

    @property
    def race(self) -> RaceCode:
        return self.standing.entry.race


@dataclass(frozen=True, slots=True)
class PlayerProfile:
    player: Player
    races: tuple[RaceProfile, ...]
    """Ranked races by position first, then the others by MMR (the board's order)."""
    recent: tuple[RecentMatch, ...]
    aborts_allowed: int
    aborts_used: int

    @property
    def aborts_left(self) -> int:
        return max(0, self.aborts_allowed - self.aborts_used)

    def race(self, race: str) -> RaceProfile | None:
        return next((r for r in self.races if r.race == race), None)


def _outcome(row: RowMapping) -> str | None:
    result = row["result"]
    if result is None or row["source"] not in ("completed", "resolved"):
        return None
    if result == 0:
        return "draw"
    return "win" if result == row["side"] else "loss"


def window_stats(points: Sequence[HistoryPoint], now: datetime, days: int) -> WindowStats:
    """Games, W/L/D and MMR change over the last ``days`` days: the sum of the changes in it."""
    start = now - timedelta(days=days)
    inside = [p for p in points if p.at >= start]
    games = [p for p in inside if p.source != "season"]  # a season start resets records; it is no game
    return WindowStats(
        days,
        played=sum(p.played for p in games),
        won=sum(p.won for p in games),
        lost=sum(p.lost for p in games),
        drawn=sum(p.drawn for p in games),
        mmr_change=sum(p.delta for p in inside),
    )


class ProfileService:
    def __init__(self, ctx: ServiceContext, players: PlayerService, leaderboard: LeaderboardService) -> None:
        self.ctx = ctx
        self.players = players
        self.leaderboard = leaderboard

    async def profile(self, player_id: PlayerId, *, recent: int = 10) -> PlayerProfile:
        """The full profile. Raises ``NotFound`` for an unknown player."""
        player = await self.players.get(player_id)  # memory (one query only on a cold cache)
        now = self.ctx.clock.now()
        async with self.ctx.db.read() as conn:
            rows = await read_profile_rows(conn, player_id, month=log_store.month_key(now), recent=recent)
        by_race: dict[str, list[HistoryPoint]] = {}
        for r in rows.history:
            by_race.setdefault(r["race"], []).append(
                HistoryPoint(
                    at=r["at"],
                    mmr=r["mmr"],
                    delta=r["delta"],
                    played=r["played"],
                    won=r["won"],
                    lost=r["lost"],
                    drawn=r["drawn"],
                    source=r["source"],
                    match_id=r["match_id"],
                )
            )
        races = []
        for view in await self._standings(player):
            points = tuple(by_race.get(view.entry.race, ()))
            windows = tuple(window_stats(points, now, d) for d in WINDOWS_DAYS)
            races.append(RaceProfile(view, points, windows))
        recent_matches = tuple(self._recent(r) for r in rows.matches)
        return PlayerProfile(
            player=player,
            races=tuple(races),
            recent=recent_matches,
            aborts_allowed=self.ctx.policy.aborts_per_month,
            aborts_used=rows.aborts_used,
        )

    async def _standings(self, player: Player) -> tuple[EntryView, ...]:
        """Every rating row of the player, with its standing; rows the board does not hold (never
        played, or the player is banned) are unranked with the reason."""
        views = {v.entry.race: v for v in self.leaderboard.player_views(player.id)}
        ranked_count = self.leaderboard.board.ranked_count
        for rating in (await self.players.ratings(player.id)).values():
            if rating.race in views:
                continue
            record = entry_record(rating)
            if player.is_banned:
                status = RankStatus.BANNED
            elif rating.games_played < 1 or rating.last_played is None:
                status = RankStatus.NO_GAMES
            else:
                status = RankStatus.INACTIVE
            views[rating.race] = EntryView(record, status, Letter.U, None, ranked_count, None, None, None)
        return tuple(
            sorted(views.values(), key=lambda v: (v.position is None, v.position or 0, -v.entry.mmr, v.entry.race))
        )

    def _recent(self, r: RowMapping) -> RecentMatch:
        opponent = self.ctx.cache.player(PlayerId(r["opponent"]))
        return RecentMatch(
            match_id=r["match_id"],
            at=r["at"],
            race=RaceCode(r["race"]),
            opponent_id=PlayerId(r["opponent"]),
            opponent_name=opponent.display_name if opponent else str(r["opponent"]),
            opponent_race=RaceCode(r["race_opponent"]),
            map_name=r["map_name"],
            server=r["server"],
            state=r["source"],
            outcome=_outcome(r),
            mmr_before=r["mmr"],
            mmr_change=r["delta"],
        )
