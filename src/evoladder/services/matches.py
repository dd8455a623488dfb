"""Match lifecycle service: create, confirm, abort, report, expire, and (for admins) resolve.

Every transition follows one pattern (``_apply``): take the match (active matches are kept in
memory), let the pure state machine decide, then in ONE transaction compare-and-set the match
row on its version and apply the decided effects (ratings, busy flags, abort quota, audit). If the
compare-and-set misses, somebody else changed the match first: reload it and decide again, which
turns a duplicate request into ``AlreadyApplied`` instead of a second effect.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.domain import match as rules
from evoladder.domain.errors import Conflict, IllegalTransition, InvalidInput, NotFound, PlayerBusy
from evoladder.domain.ids import MapName, MatchId, PlayerId, RaceCode, RegionCode, ServerCode
from evoladder.domain.match import Match, MatchState, Transition
from evoladder.domain.rating import Outcome
from evoladder.services.context import ServiceContext
from evoladder.services.events import MatchChanged, RatingsChanged
from evoladder.services.tasks import cancel_and_wait
from evoladder.store import logs as log_store
from evoladder.store import matches as match_store
from evoladder.store import players as player_store
from evoladder.store import queue as queue_store

log = logging.getLogger(__name__)
CAS_ATTEMPTS = 8

SameTransaction = Callable[[AsyncConnection, Match, Match], Awaitable[None]]
"""Extra writes to commit with a transition, given (connection, previous, next); raising undoes both."""


@dataclass(frozen=True, slots=True)
class MatchRequest:
    """A match to create. ``map_name``/``server`` default to a pool draw and the cross-table."""

    player1: PlayerId
    race1: str
    player2: PlayerId
    race2: str
    map_name: str | None = None
    server: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class AuditNote:
    """An admin action to record in the same transaction as its effect."""

    admin_id: int
    action: str
    reason: str | None
    request_id: str | None = None
    target_player_id: int | None = None
    old_value: Any = None
    new_value: Any = None


class MatchService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._active: dict[MatchId, Match] = {}
        self._expiry_task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------- lifecycle
    async def start(self, *, expiry_interval_s: float = 1.0) -> list[Match]:
        """Restore active matches after a restart, expire overdue ones, and start the expiry timer.

        Returns the matches that were expired because their window passed while we were down.
        """
        async with self.ctx.db.read() as conn:
            for m in await match_store.active(conn):
                self._active[m.id] = m
        expired = await self.expire_due()
        self._expiry_task = asyncio.get_running_loop().create_task(self._expiry_loop(expiry_interval_s))
        return expired

    async def stop(self) -> None:
        await cancel_and_wait(self._expiry_task)
        self._expiry_task = None

    async def _expiry_loop(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.expire_due()
            except Exception:
                log.exception("expiring matches failed; will retry")

    # ------------------------------------------------------------- reads
    async def get(self, match_id: int) -> Match:
        mid = MatchId(match_id)
        active = self._active.get(mid)
        return active if active is not None else await self._load(mid)

    def active_matches(self) -> list[Match]:
        return sorted(self._active.values(), key=lambda m: m.id)

    async def recent(self, player_id: PlayerId, limit: int = 10) -> list[Match]:
        async with self.ctx.db.read() as conn:
            return await match_store.recent_for_player(conn, player_id, limit)

    async def _load(self, match_id: MatchId) -> Match:
        async with self.ctx.db.read() as conn:
            found = await match_store.get(conn, match_id)
        if found is None:
            raise NotFound(f"No match #{match_id}.", match_id=match_id)
        if found.state.holds_players:
            self._active[found.id] = found
        else:
            self._active.pop(found.id, None)
        return found

    # ------------------------------------------------------------- create
    async def create(self, req: MatchRequest, *, dequeue: bool = False) -> Match:
        """Create a match (idempotent on ``idempotency_key``) and mark both players busy.

        With ``dequeue`` (matchmaking), both players must still be queued and leave the queue in
        the same transaction; without it (admin or CLI), a queued player is refused as busy.

        Raises ``InvalidInput`` (races not one BW and one SC2, unknown map/server, same player
        twice), ``NotFound`` (unknown player), ``PlayerBusy`` (either player already in a match).
        """
        pack = self.ctx.pack
        if req.player1 == req.player2:
            raise InvalidInput("A player cannot play against themselves.", field="player2")
        race1, race2 = self._race(req.race1, "race1"), self._race(req.race2, "race2")
        games = {pack.race(race1).game.value, pack.race(race2).game.value}
        if games != {"bw", "sc2"}:
            raise InvalidInput("A match is always a BW race against an SC2 race.", field="race2")
        p1 = await self._player(req.player1)
        p2 = await self._player(req.player2)
        for p in (p1, p2):
            if p.is_banned:
                raise InvalidInput(f"Player {p.display_name} is banned.", field="player", player_id=p.id)
        key = req.idempotency_key or f"adhoc:{uuid.uuid4().hex}"
        map_name = self._map(req.map_name, key)
        server = self._server(req.server, p1.region, p2.region)
        now = self.ctx.clock.now()
        model = self.ctx.model
        async with self.ctx.db.write() as conn:
            await player_store.ensure_ratings(conn, [(p1.id, race1), (p2.id, race2)], model.start())
            found = await player_store.get_with_ratings(conn, p1.id)
            found2 = await player_store.get_with_ratings(conn, p2.id)
            if found is None or found2 is None:
                raise NotFound("A player disappeared while creating the match.")
            r1 = next(r for r in found[1] if r.race == race1)
            r2 = next(r for r in found2[1] if r.race == race2)
            draft = Match(
                id=MatchId(0),
                player1=p1.id,
                player2=p2.id,
                race1=race1,
                race2=race2,
                mmr1=r1.mmr,
                mmr2=r2.mmr,
                rd1=r1.rd,
                rd2=r2.rd,
                vol1=r1.volatility,
                vol2=r2.volatility,
                map_name=map_name,
                server=server,
                created_at=now,
                confirm_deadline=now + timedelta(seconds=self.ctx.policy.confirm_timeout_s),
                rating_model=model.name,
            )
            match, created = await match_store.insert(conn, draft, key)
            if created:
                if dequeue:
                    if await queue_store.remove(conn, [p1.id, p2.id]) != 2:
                        raise PlayerBusy("A player left the queue before the match was made.", reason="left_queue")
                elif await queue_store.count_queued(conn, [p1.id, p2.id]):
                    raise PlayerBusy("One of the players is in the queue.", reason="queued")
                claimed = await player_store.claim_for_match(conn, [p1.id, p2.id], match.id)
                if claimed != 2:
                    raise PlayerBusy("One of the players is already in a match.", player_ids=[int(p1.id), int(p2.id)])
        if not created:
            return await self.get(match.id)
        self.ctx.cache.put_loaded(replace(found[0], active_match_id=match.id), found[1])
        self.ctx.cache.put_loaded(replace(found2[0], active_match_id=match.id), found2[1])
        self._active[match.id] = match
        self.ctx.bus.publish(MatchChanged(match, None))
        return match

    def _race(self, code: str, field: str) -> RaceCode:
        try:
            return RaceCode(self.ctx.pack.race(RaceCode(code.strip().lower())).code)
        except KeyError:
            raise InvalidInput(f"Unknown race {code!r}.", field=field, value=code) from None

    async def _player(self, player_id: PlayerId) -> Any:
        player = self.ctx.cache.player(player_id)
        if player is not None:
            return player
        async with self.ctx.db.read() as conn:
            found = await player_store.get_with_ratings(conn, player_id)
        if found is None:
            raise NotFound(f"No player with id {player_id}.", player_id=player_id)
        self.ctx.cache.put_loaded(*found)
        return found[0]

    def _map(self, name: str | None, seed: str) -> MapName:
        pool = self.ctx.pack.map_pool()
        if name is None:
            if not pool:
                raise InvalidInput("The current season has no maps.", field="map")
            return MapName(random.Random(seed).choice(pool).name)
        try:
            return MapName(self.ctx.pack.map_by_name(name).name)
        except KeyError:
            raise InvalidInput(f"Unknown map {name!r}.", field="map", value=name) from None

    def _server(self, code: str | None, region1: str | None, region2: str | None) -> ServerCode:
        if code is not None:
            try:
                return ServerCode(self.ctx.pack.server(ServerCode(code.strip().upper())).code)
            except KeyError:
                raise InvalidInput(f"Unknown server {code!r}.", field="server", value=code) from None
        if not region1 or not region2:
            raise InvalidInput("Both players need a region (setup) to choose a server.", field="server")
        return ServerCode(self.ctx.pack.server_for(RegionCode(region1), RegionCode(region2)).code)

    # ------------------------------------------------------------- transitions
    async def confirm(self, match_id: int, player_id: PlayerId) -> Match:
        return await self._apply(MatchId(match_id), lambda m: rules.confirm(m, player_id, self.ctx.clock.now()))

    async def abort(self, match_id: int, player_id: PlayerId) -> Match:
        used = await self.ctx_aborts_used(player_id)
        allowed = self.ctx.policy.aborts_per_month
        return await self._apply(
            MatchId(match_id),
            lambda m: rules.abort(m, player_id, self.ctx.clock.now(), aborts_used=used, aborts_allowed=allowed),
        )

    async def report(self, match_id: int, player_id: PlayerId, outcome: Outcome | int) -> Match:
        try:
            result = Outcome(int(outcome))
        except ValueError:
            raise InvalidInput(
                "A report is 0 (draw), 1 (player 1 won) or 2 (player 2 won).", field="result", value=outcome
            ) from None
        return await self._apply(
            MatchId(match_id), lambda m: rules.report(m, player_id, result, self.ctx.clock.now(), self.ctx.model)
        )

    async def record_replay_result(
        self, match_id: int, outcome: Outcome, replay_id: int, *, also: SameTransaction | None = None
    ) -> Match:
        """A replay that passed every check reports ``outcome`` (``rules.replay_result``); ``also``
        stores the replay's verdict in the same transaction as the result and the MMR."""
        return await self._apply(
            MatchId(match_id),
            lambda m: rules.replay_result(m, outcome, self.ctx.clock.now(), self.ctx.model, replay_id),
            also=also,
        )

    async def expire_due(self) -> list[Match]:
        """System-abort every created match whose confirmation window has passed."""
        now = self.ctx.clock.now()
        due = [m for m in self._active.values() if m.state is MatchState.CREATED and now > m.confirm_deadline]
        expired: list[Match] = []
        for m in due:
            try:
                expired.append(await self._apply(m.id, lambda cur: rules.expire(cur, now)))
            except IllegalTransition:
                continue  # confirmed or aborted meanwhile
        return expired

    async def ctx_aborts_used(self, player_id: PlayerId) -> int:
        async with self.ctx.db.read() as conn:
            return await log_store.aborts_used(conn, player_id, log_store.month_key(self.ctx.clock.now()))

    async def _apply(
        self,
        match_id: MatchId,
        decide: Callable[[Match], Transition],
        audit: AuditNote | None = None,
        also: SameTransaction | None = None,
    ) -> Match:
        current = await self.get(match_id)
        for _attempt in range(CAS_ATTEMPTS):
            transition = decide(current)
            nxt = transition.match
            now = self.ctx.clock.now()
            async with self.ctx.db.write() as conn:
                stored = await match_store.update_cas(conn, nxt, current.version)
                ratings = []
                if stored:
                    ratings = await player_store.apply_rating_effects(
                        conn, transition.ratings, source="admin" if audit else "match", at=now, match_id=nxt.id
                    )
                    if transition.released_players:
                        await player_store.release_from_match(conn, transition.released_players, nxt.id)
                    if transition.charge_abort_to is not None:
                        await log_store.charge_abort(conn, transition.charge_abort_to, log_store.month_key(now))
                    if audit is not None:
                        await log_store.audit(
                            conn,
                            admin_id=PlayerId(audit.admin_id),
                            action=audit.action,
                            at=now,
                            target_match_id=nxt.id,
                            target_player_id=PlayerId(audit.target_player_id) if audit.target_player_id else None,
                            old_value=audit.old_value,
                            new_value=audit.new_value,
                            reason=audit.reason,
                            request_id=audit.request_id,
                        )
                    if also is not None:
                        await also(conn, current, nxt)
            if not stored:
                current = await self._load(match_id)
                continue
            self._after_commit(current, transition, ratings)
            return nxt
        raise Conflict(f"Match #{match_id} is changing too fast; please try again.", match_id=match_id)

    def _after_commit(self, previous: Match, transition: Transition, ratings: list[Any]) -> None:
        nxt = transition.match
        if nxt.state.holds_players:
            self._active[nxt.id] = nxt
        else:
            self._active.pop(nxt.id, None)
        cache = self.ctx.cache
        for pid in transition.released_players:
            p = cache.player(pid)
            if p is not None and p.active_match_id == nxt.id:
                cache.put_player(replace(p, active_match_id=None))
        cache.put_ratings(ratings)
        self.ctx.bus.publish(MatchChanged(nxt, previous))
        if ratings:
            self.ctx.bus.publish(RatingsChanged(tuple(ratings)))
