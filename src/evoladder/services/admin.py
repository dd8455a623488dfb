"""Admin actions: resolve matches, adjust MMR, ban and unban, take players out of the queue, unblock,
reset aborts. Each writes its audit entry (admin, action, target, old and new values, reason, time) in
the same transaction as its effect.

Idempotency: pass the same ``request_id`` (e.g. the id of a Discord confirmation) and a repeat is
refused as ``DuplicateRequest`` by the audit log's unique key; ``set`` adjustments, bans, unbans and
removals are also no-ops when the value is already in place. The read side admins use (snapshot,
dossiers, player search) is in ``admin_reads``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from evoladder.domain import match as rules
from evoladder.domain.errors import Conflict, Forbidden, IllegalTransition, InvalidInput, NotFound
from evoladder.domain.ids import MatchId, PlayerId, RaceCode
from evoladder.domain.match import Match
from evoladder.domain.player import Player, Rating
from evoladder.domain.rating import Outcome
from evoladder.services.admin_reads import AdminReads
from evoladder.services.context import ServiceContext
from evoladder.services.events import PlayerChanged, RatingsChanged
from evoladder.services.matches import AuditNote, MatchService
from evoladder.services.players import PlayerService
from evoladder.store import logs as log_store
from evoladder.store import players as player_store
from evoladder.store import queue as queue_store

if TYPE_CHECKING:
    from evoladder.services.leaderboard import LeaderboardService
    from evoladder.services.profiles import ProfileService
    from evoladder.services.queue import QueueService
    from evoladder.services.replays import ReplayService

MMR_MIN, MMR_MAX = 0, 10_000
ABORTS_LEFT_MAX = 10


class AdjustMode(StrEnum):
    SET = "set"
    ADD = "add"
    SUBTRACT = "subtract"


class DuplicateRequest(IllegalTransition):
    """This admin request id was already applied; nothing changed."""

    code = "already_applied"


@dataclass(frozen=True, slots=True)
class BanOutcome:
    """A ban or unban: the player after it, whether anything changed, and whether a ban took them out of the queue."""

    player: Player
    changed: bool
    left_queue: bool = False


@dataclass(frozen=True, slots=True)
class Stuck:
    """A player marked busy with a match that no longer holds them (finished, or gone)."""

    player_id: PlayerId
    match_id: MatchId
    match_state: str | None
    """The match's state, or ``None`` when there is no such match."""


@dataclass(frozen=True, slots=True)
class AbortsChange:
    player_id: PlayerId
    old_left: int
    new_left: int


@dataclass(frozen=True, slots=True)
class MmrPreview:
    race: RaceCode
    old: int
    new: int
    mode: AdjustMode
    value: int


class AdminService(AdminReads):
    def __init__(
        self,
        ctx: ServiceContext,
        players: PlayerService,
        matches: MatchService,
        *,
        queue: QueueService | None = None,
        replays: ReplayService | None = None,
        leaderboard: LeaderboardService | None = None,
        profiles: ProfileService | None = None,
    ) -> None:
        self.ctx = ctx
        self.players = players
        self.matches = matches
        self.queue = queue
        self.replays = replays
        self.leaderboard = leaderboard
        self.profiles = profiles

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

    def _adjust_args(self, race: str, mode: AdjustMode | str, value: int) -> tuple[RaceCode, AdjustMode]:
        try:
            how = AdjustMode(mode)
        except ValueError:
            raise InvalidInput(f"Unknown mode {mode!r}: set, add or subtract.", field="mode") from None
        if value < 0 or value > MMR_MAX:
            raise InvalidInput(f"The value must be between 0 and {MMR_MAX}.", field="value", value=value)
        try:
            race_code = RaceCode(self.ctx.pack.race(RaceCode(race.strip().lower())).code)
        except KeyError:
            raise InvalidInput(f"Unknown race {race!r}.", field="race", value=race) from None
        return race_code, how

    @staticmethod
    def _adjusted(old: int, how: AdjustMode, value: int) -> int:
        new = {AdjustMode.SET: value, AdjustMode.ADD: old + value, AdjustMode.SUBTRACT: old - value}[how]
        if not MMR_MIN <= new <= MMR_MAX:
            raise InvalidInput(f"The result {new} is outside 0..{MMR_MAX}.", field="value", value=value)
        return new

    async def preview_adjust(
        self, admin_id: int, player_id: PlayerId, race: str, mode: AdjustMode | str, value: int
    ) -> MmrPreview:
        """What ``adjust_mmr`` would do now (old -> new), validated the same way; writes nothing."""
        self._require_admin(admin_id)
        race_code, how = self._adjust_args(race, mode, value)
        await self.players.get(player_id)
        ratings = await self.players.ratings(player_id)
        old = ratings[race_code].mmr if race_code in ratings else self.ctx.model.initial
        return MmrPreview(race_code, old, self._adjusted(old, how, value), how, value)

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
        race_code, how = self._adjust_args(race, mode, value)
        await self.players.get(player_id)
        now = self.ctx.clock.now()
        for _attempt in range(5):
            ratings = await self.players.ratings(player_id)
            old = ratings[race_code].mmr if race_code in ratings else self.ctx.model.initial
            new = self._adjusted(old, how, value)
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
        """Ban or unban a player (no-op when already so). A ban also takes them out of the queue."""
        return (await self.ban(admin_id, player_id, banned, reason, request_id=request_id)).player

    async def ban(
        self, admin_id: int, player_id: PlayerId, banned: bool, reason: str, *, request_id: str | None = None
    ) -> BanOutcome:
        """Ban (or unban) a player. A ban also removes their queue entry in the same transaction and says so
        (``left_queue``). No-op (``changed`` False, nothing written) when already so."""
        self._require_admin(admin_id)
        why = self._reason(reason)
        for _attempt in range(5):
            current = await self.players.get(player_id)
            if current.is_banned == banned:
                return BanOutcome(current, False)
            new = replace(current, is_banned=banned, ban_reason=why if banned else None)
            now = self.ctx.clock.now()
            left_queue = False
            try:
                async with self.ctx.db.write() as conn:
                    ok = await player_store.update_cas(conn, new, current.version, now)
                    if ok:
                        if banned:
                            left_queue = bool(await queue_store.remove(conn, [player_id]))
                        await log_store.audit(
                            conn,
                            admin_id=PlayerId(admin_id),
                            action="ban" if banned else "unban",
                            at=now,
                            target_player_id=player_id,
                            old_value={"banned": current.is_banned},
                            new_value={"banned": banned, "left_queue": left_queue},
                            reason=why,
                            request_id=request_id,
                        )
            except IntegrityError:
                raise DuplicateRequest("This admin request was already applied.", request_id=request_id) from None
            if not ok:
                self.ctx.cache.forget(player_id)
                continue
            if left_queue and self.queue is not None:
                self.queue.forget_tickets([player_id])
            stored = replace(new, version=current.version + 1, updated_at=now)
            self.ctx.cache.put_player(stored)
            self.ctx.bus.publish(PlayerChanged(stored, current))
            return BanOutcome(stored, True, left_queue)
        raise Conflict("The player changed concurrently; please try again.")

    async def remove_from_queue(
        self, admin_id: int, player_id: PlayerId, reason: str, *, request_id: str | None = None
    ) -> bool:
        """Take one player out of the queue. False (nothing written) when they were not queued."""
        self._require_admin(admin_id)
        why = self._reason(reason)
        await self.players.get(player_id)
        now = self.ctx.clock.now()
        try:
            async with self.ctx.db.write() as conn:
                removed = bool(await queue_store.remove(conn, [player_id]))
                if removed:
                    await log_store.audit(
                        conn,
                        admin_id=PlayerId(admin_id),
                        action="remove_queue",
                        at=now,
                        target_player_id=player_id,
                        old_value={"queued": True},
                        new_value={"queued": False},
                        reason=why,
                        request_id=request_id,
                    )
        except IntegrityError:
            raise DuplicateRequest("This admin request was already applied.", request_id=request_id) from None
        if self.queue is not None:
            self.queue.forget_tickets([player_id])
        return removed

    async def clear_queue(self, admin_id: int, reason: str, *, request_id: str | None = None) -> list[PlayerId]:
        """Emergency: empty the queue. Returns who was removed (so they can be told)."""
        self._require_admin(admin_id)
        why = self._reason(reason)
        now = self.ctx.clock.now()
        try:
            async with self.ctx.db.write() as conn:
                removed = await queue_store.clear(conn)
                await log_store.audit(
                    conn,
                    admin_id=PlayerId(admin_id),
                    action="clear_queue",
                    at=now,
                    old_value={"queued": [int(p) for p in removed]},
                    new_value={"queued": []},
                    reason=why,
                    request_id=request_id,
                )
        except IntegrityError:
            raise DuplicateRequest("This admin request was already applied.", request_id=request_id) from None
        if self.queue is not None:
            self.queue.forget_tickets(removed)
        return removed

    async def stuck(self, player_id: PlayerId) -> Stuck | None:
        """Whether the player is marked busy with a match that no longer holds them (what ``unblock`` fixes)."""
        player = await self.players.get(player_id)
        if player.active_match_id is None:
            return None
        try:
            match = await self.matches.get(player.active_match_id)
        except NotFound:
            return Stuck(player_id, player.active_match_id, None)
        if match.state.holds_players and player_id in (match.player1, match.player2):
            return None
        return Stuck(player_id, player.active_match_id, match.state.value)

    async def unblock(
        self, admin_id: int, player_id: PlayerId, reason: str, *, request_id: str | None = None
    ) -> Stuck | None:
        """Clear a stuck busy flag (see ``stuck``). ``None`` (nothing written) when the player is not stuck;
        a player in a live match is not stuck: resolve the match instead."""
        self._require_admin(admin_id)
        why = self._reason(reason)
        found = await self.stuck(player_id)
        if found is None:
            return None
        now = self.ctx.clock.now()
        try:
            async with self.ctx.db.write() as conn:
                await player_store.force_release(conn, player_id)
                await log_store.audit(
                    conn,
                    admin_id=PlayerId(admin_id),
                    action="unblock",
                    at=now,
                    target_player_id=player_id,
                    target_match_id=found.match_id,
                    old_value={"active_match_id": int(found.match_id), "match_state": found.match_state},
                    new_value={"active_match_id": None},
                    reason=why,
                    request_id=request_id,
                )
        except IntegrityError:
            raise DuplicateRequest("This admin request was already applied.", request_id=request_id) from None
        current = self.ctx.cache.player(player_id)
        if current is not None:
            self.ctx.cache.put_player(replace(current, active_match_id=None))
        return found

    async def set_aborts_left(
        self, admin_id: int, player_id: PlayerId, left: int, reason: str, *, request_id: str | None = None
    ) -> AbortsChange:
        """Set how many aborts the player has left this month (0 to 10; more than the monthly allowance is allowed)."""
        self._require_admin(admin_id)
        why = self._reason(reason)
        if not 0 <= left <= ABORTS_LEFT_MAX:
            raise InvalidInput(f"Aborts left must be between 0 and {ABORTS_LEFT_MAX}.", field="count", value=left)
        await self.players.get(player_id)
        allowed = self.ctx.policy.aborts_per_month
        now = self.ctx.clock.now()
        month = log_store.month_key(now)
        try:
            async with self.ctx.db.write() as conn:
                used = await log_store.aborts_used(conn, player_id, month)
                old_left = max(0, allowed - used)
                await log_store.set_aborts_used(conn, player_id, month, allowed - left)
                await log_store.audit(
                    conn,
                    admin_id=PlayerId(admin_id),
                    action="reset_aborts",
                    at=now,
                    target_player_id=player_id,
                    old_value={"aborts_left": old_left, "month": month},
                    new_value={"aborts_left": left, "month": month},
                    reason=why,
                    request_id=request_id,
                )
        except IntegrityError:
            raise DuplicateRequest("This admin request was already applied.", request_id=request_id) from None
        return AbortsChange(player_id, old_left, left)

    async def audit_log(
        self, admin_id: int, *, player_id: int | None = None, match_id: int | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        """The latest audit entries, newest first, for one player or match (or all)."""
        self._require_admin(admin_id)
        async with self.ctx.db.read() as conn:
            return await log_store.audit_entries(
                conn,
                player_id=PlayerId(player_id) if player_id else None,
                match_id=MatchId(match_id) if match_id else None,
                limit=limit,
            )


class _Stale(Exception):
    """The rating moved between our read and our write (rolls the transaction back)."""


def _int(value: Outcome | None) -> int | None:
    return int(value) if value is not None else None


__all__ = [
    "AbortsChange",
    "AdjustMode",
    "AdminService",
    "BanOutcome",
    "DuplicateRequest",
    "MmrPreview",
    "NotFound",
    "Stuck",
]
