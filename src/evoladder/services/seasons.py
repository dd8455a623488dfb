"""Seasons: which one is current, the admin rollover, and past seasons' frozen boards.

The data pack defines the seasons (name, start date, map pool); the database records which one this
ladder is in (``seasons``), because a rollover is an admin decision, not a date. A rollover is ONE
transaction: the final standings are frozen (``season_standings``, copied by the database in two
statements), every rating enters the new season (records restart, MMR per the carry-over policy,
the history trigger records each change), queued players' vetoes that left the pool are dropped,
the season rows switch, and the audit log records it. After the commit the pack's current season,
the hot cache and the board follow, and ``SeasonChanged`` is published.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from evoladder.datapack.errors import UnknownCode
from evoladder.datapack.schema import SeasonCode
from evoladder.domain.errors import Conflict, Forbidden, InvalidInput
from evoladder.domain.ids import MapName, PlayerId
from evoladder.domain.leaderboard import ACTIVITY_WINDOW
from evoladder.domain.seasons import CarryOver, surviving_vetoes
from evoladder.services.context import ServiceContext
from evoladder.services.events import SeasonChanged
from evoladder.services.leaderboard import LeaderboardService
from evoladder.store import logs as log_store
from evoladder.store import players as player_store
from evoladder.store import queue as queue_store
from evoladder.store import seasons as season_store


@dataclass(frozen=True, slots=True)
class SeasonPolicy:
    carry_over: CarryOver = CarryOver.KEEP
    soft_reset_factor: float = 0.25


@dataclass(frozen=True, slots=True)
class SeasonInfo:
    code: str
    name: str
    started_at: datetime
    closed_at: datetime | None
    maps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rollover:
    """What a season start did."""

    old: str
    new: str
    frozen_entries: int
    """Every rating is frozen, ranked or not."""
    ranked_at_close: int
    ratings_reset: int
    queued: tuple[PlayerId, ...]
    dropped_vetoes: dict[PlayerId, frozenset[MapName]]


class DuplicateSeasonRequest(Conflict):
    code = "duplicate_request"


class SeasonService:
    def __init__(self, ctx: ServiceContext, leaderboard: LeaderboardService, policy: SeasonPolicy) -> None:
        self.ctx = ctx
        self.leaderboard = leaderboard
        self.policy = policy
        self._lock = asyncio.Lock()
        self._known: list[SeasonInfo] = []

    async def start(self) -> None:
        """At boot: record the first season (the pack's current one) and make the recorded one current."""
        now = self.ctx.clock.now()
        async with self.ctx.db.write() as conn:
            await season_store.open_first(conn, self.ctx.pack.current_season.code, now)
        await self.refresh()

    async def refresh(self) -> None:
        """Follow the database's current season and season list (at start, and in a read replica when
        the writer rolled a season over)."""
        async with self.ctx.db.read() as conn:
            row = await season_store.current(conn)
            rows = await season_store.all_seasons(conn)
        if row is not None and row["code"] != self.ctx.pack.current_season.code:
            self.ctx.pack = self.ctx.pack.with_current_season(row["code"])
        self._known = self._infos(rows)

    def known(self) -> list[SeasonInfo]:
        """Every season this ladder has run, oldest first, from memory (for selectors)."""
        return list(self._known)

    def current(self) -> SeasonCode:
        return self.ctx.pack.current_season.code

    async def seasons(self) -> list[SeasonInfo]:
        """Every season this ladder has run, oldest first, freshly read from the database."""
        await self.refresh()
        return self.known()

    def _infos(self, rows: list[Any]) -> list[SeasonInfo]:
        out = []
        for r in rows:
            try:
                season = self.ctx.pack.season(SeasonCode(r["code"]))
                name, maps = season.name, tuple(m.name for m in season.maps)
            except UnknownCode:  # a season the pack no longer defines: still show its record
                name, maps = r["code"], ()
            out.append(SeasonInfo(r["code"], name, r["started_at"], r["closed_at"], maps))
        return out

    async def start_season(self, admin_id: int, code: str, reason: str, *, request_id: str | None = None) -> Rollover:
        """Close the current season and open ``code``. Admins only; refused for a season already run."""
        if not self.ctx.is_admin(admin_id):
            raise Forbidden("Only ladder admins can do this.", reason="not_admin")
        why = reason.strip()
        if not why:
            raise InvalidInput("Give a reason; it goes into the audit log.", field="reason")
        try:
            target = self.ctx.pack.season(SeasonCode(code))
        except UnknownCode:
            known = ", ".join(s.code for s in self.ctx.pack.seasons)
            raise InvalidInput(f"No season {code!r} in the data pack (known: {known}).", field="season") from None
        if not target.maps:
            raise InvalidInput(f"{target.name} has no maps in the data pack; add its map pool first.", field="season")
        async with self._lock:
            old = self.current()
            if target.code == old:
                raise InvalidInput(f"{target.name} is already the current season.", field="season", reason="current")
            async with self.ctx.db.read() as conn:
                run_before = {r["code"] for r in await season_store.all_seasons(conn)}
            if target.code in run_before:
                raise InvalidInput(f"{target.name} was already played; seasons only move on.", field="season")
            return await self._roll(admin_id, old, target.code, why, request_id)

    async def _roll(self, admin_id: int, old: str, new: str, why: str, request_id: str | None) -> Rollover:
        now = self.ctx.clock.now()
        pool = [MapName(m.name) for m in self.ctx.pack.map_pool(SeasonCode(new))]
        mode, factor = self.policy.carry_over, self.policy.soft_reset_factor
        mean = self.ctx.model.start().mmr
        try:
            async with self.ctx.db.write() as conn:
                ok = await season_store.roll_over(
                    conn, old=old, new=new, now=now, admin_id=admin_id, carry_over=mode.value
                )
                if not ok:
                    raise Conflict("Another season change won; look at the current season and try again.")
                ranked = await season_store.freeze_from_ratings(conn, season=old, now=now, cutoff=now - ACTIVITY_WINDOW)
                reset = await season_store.reset_ratings(conn, mode=mode, factor=factor, mean=mean, now=now)
                queued_rows = await queue_store.all_entries(conn)
                dropped: dict[PlayerId, frozenset[MapName]] = {}
                changes: list[tuple[PlayerId, list[str]]] = []
                for row in queued_rows:
                    kept, gone = surviving_vetoes((MapName(v) for v in row["map_vetoes"] or ()), pool)
                    if gone:
                        pid = PlayerId(row["player_id"])
                        dropped[pid] = gone
                        changes.append((pid, sorted(kept)))
                await season_store.set_queue_vetoes(conn, changes)
                await log_store.audit(
                    conn,
                    admin_id=PlayerId(admin_id),
                    action="season_start",
                    at=now,
                    old_value={"season": old},
                    new_value={"season": new, "carry_over": mode.value, "factor": factor, "ranked_at_close": ranked},
                    reason=why,
                    request_id=request_id,
                )
        except IntegrityError:
            raise DuplicateSeasonRequest("This admin request was already applied.", request_id=request_id) from None
        await self.refresh()
        await self._reload_ratings()
        await self.leaderboard.rebuild()
        queued = tuple(PlayerId(r["player_id"]) for r in queued_rows)
        self.ctx.bus.publish(SeasonChanged(old, new, queued, dropped))
        return Rollover(old, new, reset, ranked, reset, queued, dropped)

    async def _reload_ratings(self) -> None:
        """Every rating changed in the rollover: refresh the hot cache from the database, in steps."""
        async with self.ctx.db.read() as conn:
            async for part in player_store.stream_ratings(conn, 64):
                self.ctx.cache.put_ratings(part)
                await asyncio.sleep(0)
