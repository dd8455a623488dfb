"""Admin actions: adjust MMR, resolve matches, ban and unban. Each is audited in its own transaction.

Idempotency: pass the same ``request_id`` (e.g. the id of a Discord confirmation view) and a
repeat is refused as ``AlreadyApplied`` by the audit log's unique key; ``set`` adjustments, bans
and unbans are also no-ops when the value is already in place.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from evoladder.domain import match as rules
from evoladder.domain.errors import Conflict, Forbidden, IllegalTransition, InvalidInput, NotFound
from evoladder.domain.ids import PlayerId, RaceCode
from evoladder.domain.match import Match
from evoladder.domain.player import Player, Rating
from evoladder.domain.rating import Outcome
from evoladder.services.context import ServiceContext
from evoladder.services.events import PlayerChanged, RatingsChanged
from evoladder.services.matches import AuditNote, MatchService
from evoladder.services.players import PlayerService
from evoladder.store import logs as log_store
from evoladder.store import players as player_store

MMR_MIN, MMR_MAX = 0, 10_000


class AdjustMode(StrEnum):
    SET = "set"
    ADD = "add"
    SUBTRACT = "subtract"


class DuplicateRequest(IllegalTransition):
    """This admin request id was already applied; nothing changed."""

    code = "already_applied"


class AdminService:
    def __init__(self, ctx: ServiceContext, players: PlayerService, matches: MatchService) -> None:
        self.ctx = ctx
        self.players = players
        self.matches = matches

    def _require_admin(self, admin_id: int) -> None:
        if not self.ctx.is_admin(admin_id):
            raise Forbidden("Only ladder admins can do this.", reason="not_admin")

    @staticmethod
    def _reason(reason: str) -> str:
        text = reason.strip()
        if not text:
            raise InvalidInput("Give a reason; it goes into the audit log.", field="reason")
        return text[:500]

    async def resolve(
        self,
        admin_id: int,
        match_id: int,
        outcome: Outcome | int | None,
        reason: str,
        *,
        request_id: str | None = None,
    ) -> Match:
        """Settle a match: 0 draw, 1 player 1, 2 player 2, or ``None`` to invalidate it."""
        self._require_admin(admin_id)
        why = self._reason(reason)
        result = Outcome(int(outcome)) if outcome is not None else None
        before = await self.matches.get(match_id)
        note = AuditNote(
            admin_id=admin_id,
            action="resolve_match",
            reason=why,
            request_id=request_id,
            old_value={"state": before.state.value, "result": _int(before.result)},
            new_value={"result": _int(result), "state": "completed" if result is not None else "invalidated"},
        )
        now = self.ctx.clock.now()
        try:
            return await self.matches._apply(
                before.id,
                lambda m: rules.resolve(m, result, PlayerId(admin_id), why, now, self.ctx.model),
                audit=note,
            )
        except IntegrityError:
            raise DuplicateRequest("This admin request was already applied.", request_id=request_id) from None

    async def adjust_mmr(
        self,
        admin_id: int,
        player_id: PlayerId,
        race: str,
        mode: AdjustMode | str,
        value: int,
        reason: str,
        *,
        request_id: str | None = None,
    ) -> Rating:
        """Set, add to or subtract from a player's MMR for one race (bounded to 0..10000)."""
        self._require_admin(admin_id)
        why = self._reason(reason)
        try:
            how = AdjustMode(mode)
        except ValueError:
            raise InvalidInput(f"Unknown mode {mode!r}: set, add or subtract.", field="mode") from None
        if value < 0 or value > MMR_MAX:
            raise InvalidInput(f"The value must be between 0 and {MMR_MAX}.", field="value", value=value)
        try:
            race_code = RaceCode(self.ctx.pack.race(race.strip().lower()).code)
        except KeyError:
            raise InvalidInput(f"Unknown race {race!r}.", field="race", value=race) from None
        await self.players.get(player_id)
        now = self.ctx.clock.now()
        for _attempt in range(5):
            ratings = await self.players.ratings(player_id)
            old = ratings[race_code].mmr if race_code in ratings else self.ctx.model.initial
            new = {AdjustMode.SET: value, AdjustMode.ADD: old + value, AdjustMode.SUBTRACT: old - value}[how]
            if not MMR_MIN <= new <= MMR_MAX:
                raise InvalidInput(f"The result {new} is outside 0..{MMR_MAX}.", field="value", value=value)
            if how is AdjustMode.SET and new == old and race_code in ratings:
                return ratings[race_code]
            try:
                async with self.ctx.db.write() as conn:
                    await log_store.audit(
                        conn,
                        admin_id=PlayerId(admin_id),
                        action="adjust_mmr",
                        at=now,
                        target_player_id=player_id,
                        old_value={"race": race_code, "mmr": old},
                        new_value={"race": race_code, "mmr": new, "mode": how.value, "value": value},
                        reason=why,
                        request_id=request_id,
                    )
                    await player_store.ensure_ratings(conn, [(player_id, race_code)], self.ctx.model.start())
                    stored = await player_store.apply_rating_effects(
                        conn,
                        [rules.RatingEffect(player_id, race_code, new - old, last_played=now)],
                        source="admin",
                        at=now,
                    )
                    if not stored or stored[0].mmr != new:
                        raise _Stale
            except IntegrityError:
                raise DuplicateRequest("This admin request was already applied.", request_id=request_id) from None
            except _Stale:
                self.ctx.cache.forget(player_id)
                continue
            self.ctx.cache.put_ratings(stored)
            self.ctx.bus.publish(RatingsChanged(tuple(stored)))
            return stored[0]
        raise Conflict("The rating changed concurrently; please try again.")

    async def set_ban(
        self, admin_id: int, player_id: PlayerId, banned: bool, reason: str, *, request_id: str | None = None
    ) -> Player:
        """Ban or unban a player (no-op when already so)."""
        self._require_admin(admin_id)
        why = self._reason(reason)
        for _attempt in range(5):
            current = await self.players.get(player_id)
            if current.is_banned == banned:
                return current
            new = replace(current, is_banned=banned, ban_reason=why if banned else None)
            now = self.ctx.clock.now()
            try:
                async with self.ctx.db.write() as conn:
                    ok = await player_store.update_cas(conn, new, current.version, now)
                    if ok:
                        await log_store.audit(
                            conn,
                            admin_id=PlayerId(admin_id),
                            action="ban" if banned else "unban",
                            at=now,
                            target_player_id=player_id,
                            old_value={"banned": current.is_banned},
                            new_value={"banned": banned},
                            reason=why,
                            request_id=request_id,
                        )
            except IntegrityError:
                raise DuplicateRequest("This admin request was already applied.", request_id=request_id) from None
            if not ok:
                self.ctx.cache.forget(player_id)
                continue
            stored = replace(new, version=current.version + 1, updated_at=now)
            self.ctx.cache.put_player(stored)
            self.ctx.bus.publish(PlayerChanged(stored, current))
            return stored
        raise Conflict("The player changed concurrently; please try again.")

    async def audit_log(
        self, admin_id: int, *, player_id: int | None = None, match_id: int | None = None
    ) -> list[dict]:  # type: ignore[type-arg]
        self._require_admin(admin_id)
        async with self.ctx.db.read() as conn:
            return await log_store.audit_entries(
                conn,
                player_id=PlayerId(player_id) if player_id else None,
                match_id=match_id,  # type: ignore[arg-type]
            )


class _Stale(Exception):
    """The rating moved between our read and our write (rolls the transaction back)."""


def _int(value: Outcome | None) -> int | None:
    return int(value) if value is not None else None


__all__ = ["AdjustMode", "AdminService", "DuplicateRequest", "NotFound"]
