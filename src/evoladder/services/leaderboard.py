"""The leaderboard service: the in-memory ranked board, built at start and updated in place.

Built from the hot player cache in bounded steps that yield to the event loop, then kept current
by the services' committed events (``RatingsChanged``, ``PlayerChanged``) inline, so the next read
after a match, an admin adjustment or a profile edit already sees it: no TTL, no refresh loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from evoladder.domain.errors import NotFound
from evoladder.domain.ids import CountryCode, PlayerId, RaceCode
from evoladder.domain.leaderboard import (
    DEFAULT_PAGE_SIZE,
    BoardBuild,
    BoardFilter,
    EntryRecord,
    EntryView,
    FilterValues,
    Leaderboard,
    Page,
    PlayerRecord,
)
from evoladder.domain.player import Player, Rating
from evoladder.domain.ranks import Letter
from evoladder.services.context import ServiceContext
from evoladder.services.events import Event, PlayerChanged, RatingsChanged
from evoladder.store import seasons as season_store


def entry_record(r: Rating) -> EntryRecord:
    return EntryRecord(
        entry_id=r.entry_id,
        player_id=r.player_id,
        race=r.race,
        mmr=r.mmr,
        games_played=r.games_played,
        games_won=r.games_won,
        games_lost=r.games_lost,
        games_drawn=r.games_drawn,
        last_played=r.last_played,
    )


def player_record(p: Player) -> PlayerRecord:
    return PlayerRecord(player_id=p.id, name=p.display_name, alt_names=p.alt_names, country=p.country)


class LeaderboardService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._board: Leaderboard | None = None
        self._pending: list[Event] | None = None
        self._past: dict[str, tuple[Leaderboard, datetime]] = {}

    async def start(self, *, expected_entries: int = 0) -> None:
        """Build the board, then follow committed events (see :meth:`_build`)."""
        self._board = await self._build(expected_entries)
        self.ctx.bus.subscribe(self._on_event)

    async def rebuild(self) -> None:
        """Build a fresh board (e.g. after a season rollover changed every rating) and swap it in.

        Reads keep using the old board until the new one is complete. Events committed during the
        build are applied to both: each carries whole rows, so applying one twice is harmless.
        """
        self._pending = []
        try:
            board = await self._build(len(self.ctx.cache) * 3)
            for event in self._pending:
                self._apply(board, event)
        finally:
            self._pending = None
        self._board = board

    async def _build(self, expected_entries: int = 0) -> Leaderboard:
        """Build a board from the (warm) cache, yielding between steps.

        Records are made lazily, a build step's worth at a time, so no step converts the whole
        cache; ``expected_entries`` (the warm-up's count) sizes the arrays once.
        """
        cache = self.ctx.cache
        players = cache.all_players()

        def entries() -> Iterator[EntryRecord]:
            for p in players:
                if not p.is_banned:
                    yield from (entry_record(r) for r in (cache.ratings(p.id) or {}).values())

        build = BoardBuild(
            self.ctx.clock.now(), expected_entries=expected_entries, expected_players=len(players), chunk=125
        )
        for _phase in build.steps(entries(), (player_record(p) for p in players)):
            await asyncio.sleep(0)
        return build.result()

    def _on_event(self, event: Event) -> None:
        if self._pending is not None:
            self._pending.append(event)
        if self._board is not None:
            self._apply(self._board, event)

    def _apply(self, board: Leaderboard, event: Event) -> None:
        if isinstance(event, RatingsChanged):
            shown = []
            for pid in {r.player_id for r in event.ratings}:
                p = self.ctx.cache.player(pid)
                if p is not None:
                    board.update_player(player_record(p))
                if p is None or not p.is_banned:
                    shown.append(pid)
            board.upsert_entries(entry_record(r) for r in event.ratings if r.player_id in shown)
        elif isinstance(event, PlayerChanged):
            player = event.player
            board.update_player(player_record(player))
            if player.is_banned:
                board.remove_player(player.id)
            elif event.previous is not None and event.previous.is_banned:
                board.upsert_entries(entry_record(r) for r in (self.ctx.cache.ratings(player.id) or {}).values())

    @property
    def board(self) -> Leaderboard:
        if self._board is None:
            raise RuntimeError("the leaderboard is not built yet: start the service first")
        return self._board

    def page(
        self,
        *,
        countries: Iterable[str] = (),
        races: Iterable[str] = (),
        letters: Iterable[str] = (),
        best_race_only: bool = False,
        name_prefix: str = "",
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page:
        """One page of the board with the given filters (unknown values simply match nothing)."""
        filters = _filters(countries, races, letters, best_race_only, name_prefix)
        return self.board.query(filters, max(1, page), max(1, min(page_size, 500)), now=self.ctx.clock.now())

    # ------------------------------------------------------------------ past seasons
    async def season_page(
        self,
        season: str,
        *,
        countries: Iterable[str] = (),
        races: Iterable[str] = (),
        letters: Iterable[str] = (),
        best_race_only: bool = False,
        name_prefix: str = "",
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page:
        """A page of a closed season's final standings, with the same filters as the live board.

        The season's frozen rows are loaded once (one query) and kept as their own board, fixed at
        the closing time. The current season's code gives the live board. Raises ``NotFound`` for a
        season this ladder never closed.
        """
        if season == self.ctx.pack.current_season.code:
            return self.page(
                countries=countries, races=races, letters=letters, best_race_only=best_race_only,
                name_prefix=name_prefix, page=page, page_size=page_size,
            )  # fmt: skip
        board, closed_at = await self._past_board(season)
        filters = _filters(countries, races, letters, best_race_only, name_prefix)
        return board.query(filters, max(1, page), max(1, min(page_size, 500)), now=closed_at)

    async def season_filter_values(self, season: str) -> FilterValues:
        if season == self.ctx.pack.current_season.code:
            return self.filter_values()
        board, closed_at = await self._past_board(season)
        return board.filter_values(now=closed_at)

    async def _past_board(self, season: str) -> tuple[Leaderboard, datetime]:
        cached = self._past.get(season)
        if cached is not None:
            return cached
        async with self.ctx.db.read() as conn:
            closed_at = await season_store.closed_at(conn, season)
            if closed_at is None:
                raise NotFound(f"No closed season {season!r} on this ladder.", season=season)
            rows = [r for r in await season_store.standings(conn, season) if r["position"] is not None]
        entries = [_standing_entry(r) for r in rows]
        people = {
            r["player_id"]: PlayerRecord(
                player_id=PlayerId(r["player_id"]),
                name=r["name"],
                alt_names=tuple(a for a in (r["alt_name_1"], r["alt_name_2"]) if a),
                country=CountryCode(r["country"]) if r["country"] else None,
            )
            for r in rows
        }
        build = BoardBuild(closed_at, expected_entries=len(entries), expected_players=len(people), chunk=125)
        for _phase in build.steps(entries, list(people.values())):
            await asyncio.sleep(0)
        self._past[season] = (build.result(), closed_at)
        return self._past[season]

    def filter_values(self) -> FilterValues:
        return self.board.filter_values(now=self.ctx.clock.now())

    def player_views(self, player_id: PlayerId) -> tuple[EntryView, ...]:
        """Per race: MMR, letter, position, percentile, ranked or why not."""
        return self.board.player_views(player_id, now=self.ctx.clock.now())


def _filters(
    countries: Iterable[str], races: Iterable[str], letters: Iterable[str], best_race_only: bool, name_prefix: str
) -> BoardFilter:
    return BoardFilter(
        countries=frozenset(CountryCode(c.strip().upper()) for c in countries),
        races=frozenset(RaceCode(r.strip().lower()) for r in races),
        letters=frozenset(Letter(x.strip().upper()) for x in letters if x.strip().upper() in Letter.__members__),
        best_race_only=best_race_only,
        name_prefix=name_prefix,
    )


def _standing_entry(r: Any) -> EntryRecord:
    return EntryRecord(
        entry_id=r["entry_id"],
        player_id=PlayerId(r["player_id"]),
        race=RaceCode(r["race"]),
        mmr=r["mmr"],
        games_played=r["games_played"],
        games_won=r["games_won"],
        games_lost=r["games_lost"],
        games_drawn=r["games_drawn"],
        last_played=r["last_played"],
    )
