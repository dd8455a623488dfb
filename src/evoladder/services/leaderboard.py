"""The leaderboard service: the in-memory ranked board, built at start and updated in place.

Built from the hot player cache in bounded steps that yield to the event loop, then kept current
by the services' committed events (``RatingsChanged``, ``PlayerChanged``) inline, so the next read
after a match, an admin adjustment or a profile edit already sees it: no TTL, no refresh loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator

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

    async def start(self, *, expected_entries: int = 0) -> None:
        """Build the board from the (warm) cache, yielding between steps; then follow events.

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
        self._board = build.result()
        self.ctx.bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        board = self._board
        if board is None:
            return
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
        filters = BoardFilter(
            countries=frozenset(CountryCode(c.strip().upper()) for c in countries),
            races=frozenset(RaceCode(r.strip().lower()) for r in races),
            letters=frozenset(Letter(x.strip().upper()) for x in letters if x.strip().upper() in Letter.__members__),
            best_race_only=best_race_only,
            name_prefix=name_prefix,
        )
        return self.board.query(filters, max(1, page), max(1, min(page_size, 500)), now=self.ctx.clock.now())

    def filter_values(self) -> FilterValues:
        return self.board.filter_values(now=self.ctx.clock.now())

    def player_views(self, player_id: PlayerId) -> tuple[EntryView, ...]:
        """Per race: MMR, letter, position, percentile, ranked or why not."""
        return self.board.player_views(player_id, now=self.ctx.clock.now())
