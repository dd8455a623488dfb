"""Player accounts: first contact, Terms of Service, setup and profile edits, and profile reads."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from evoladder.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from evoladder.domain.ids import CountryCode, PlayerId, RaceCode, RegionCode
from evoladder.domain.player import Player, Rating
from evoladder.domain.profile import (
    name_problems,
    validate_alt_name,
    validate_battletag,
    validate_in_game_name,
    validate_language,
)
from evoladder.services.context import ServiceContext
from evoladder.services.events import PlayerChanged
from evoladder.store import logs as log_store
from evoladder.store import players as player_store

CAS_ATTEMPTS = 5
ACKNOWLEDGEMENTS = {"quick_start": "quick_start_read_at", "shield_battery": "shield_battery_ack_at"}
"""One-time notices a player acknowledges, and the player field that records when."""


@dataclass(frozen=True, slots=True)
class SetupInput:
    """Everything the setup flow collects."""

    in_game_name: str
    battletag: str
    country: str
    region: str
    alt_names: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ProfileUpdate:
    """A partial profile edit: ``None`` keeps the stored value; ``alt_names=()`` clears them."""

    in_game_name: str | None = None
    battletag: str | None = None
    alt_names: tuple[str, ...] | None = None
    country: str | None = None
    region: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """What a profile screen shows, read from memory (or one query on a cold cache)."""

    player: Player
    ratings: dict[RaceCode, Rating]
    aborts_allowed: int
    aborts_used: int

    @property
    def aborts_left(self) -> int:
        return max(0, self.aborts_allowed - self.aborts_used)


class PlayerService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ----------------------------------------------------------------- reads
    async def get(self, player_id: PlayerId) -> Player:
        """The player, from memory; one query on a cold cache. Raises ``NotFound``."""
        player = self.ctx.cache.player(player_id)
        if player is not None:
            return player
        player, _ = await self._load(player_id)
        return player

    async def ratings(self, player_id: PlayerId) -> dict[RaceCode, Rating]:
        cached = self.ctx.cache.ratings(player_id)
        if cached is not None:
            return cached
        _, ratings = await self._load(player_id)
        return {r.race: r for r in ratings}

    async def profile(self, player_id: PlayerId) -> Profile:
        """Identity, ratings and aborts left. Memory for the player; aborts are one indexed read."""
        player = await self.get(player_id)
        ratings = await self.ratings(player_id)
        used = await self.aborts_used(player_id)
        return Profile(player, ratings, self.ctx.policy.aborts_per_month, used)

    async def aborts_used(self, player_id: PlayerId) -> int:
        month = log_store.month_key(self.ctx.clock.now())
        async with self.ctx.db.read() as conn:
            return await log_store.aborts_used(conn, player_id, month)

    async def _load(self, player_id: PlayerId) -> tuple[Player, list[Rating]]:
        async with self.ctx.db.read() as conn:
            found = await player_store.get_with_ratings(conn, player_id)
        if found is None:
            raise NotFound(f"No player with id {player_id}.", player_id=player_id)
        player, ratings = found
        self.ctx.cache.put_loaded(player, ratings)
        return player, ratings

    # ----------------------------------------------------------------- gates
    def require_access(self, player: Player, *, tos: bool = True, setup: bool = False) -> None:
        """Refuse banned players, and players missing the Terms or the setup a command needs.

        The error's ``params["fix"]`` names the command that fixes it.
        """
        if player.is_banned:
            raise Forbidden("You are banned from the ladder.", reason="banned", detail=player.ban_reason)
        if tos and not player.tos_accepted:
            raise Forbidden("Accept the Terms of Service first.", reason="tos_required", fix="termsofservice")
        if setup and not player.setup_completed:
            raise Forbidden("Complete your profile setup first.", reason="setup_required", fix="setup")

    # ----------------------------------------------------------------- writes
    async def ensure(self, player_id: int, username: str | None = None) -> Player:
        """Get or create the player on first contact, refreshing their Discord username.

        Idempotent: concurrent first contacts create one row; no write when nothing changed.
        """
        if player_id <= 0:
            raise InvalidInput("A player id must be a positive Discord id.", field="player_id")
        pid = PlayerId(player_id)
        cached = self.ctx.cache.player(pid)
        if cached is not None and (username is None or cached.discord_username == username):
            return cached
        try:
            current = await self.get(pid)
        except NotFound:
            async with self.ctx.db.write() as conn:
                created = await player_store.insert_if_absent(conn, pid, username, self.ctx.clock.now())
            current = (await self._load(pid))[0]
            if created:
                self.ctx.bus.publish(PlayerChanged(current, None))
        if username is None or current.discord_username == username:
            return current
        return await self._update(pid, lambda p: replace(p, discord_username=username), log_action=None)

    async def accept_tos(self, player_id: PlayerId, accepted: bool = True) -> Player:
        """Accept (or decline, which removes access again) the Terms of Service."""
        now = self.ctx.clock.now()
        return await self._update(
            player_id,
            lambda p: p if p.tos_accepted == accepted else replace(p, tos_accepted=accepted, tos_changed_at=now),
            log_action="tos_accepted" if accepted else "tos_declined",
        )

    async def complete_setup(self, player_id: PlayerId, data: SetupInput) -> Player:
        """Validate and store the setup form. Never touches ratings."""
        problems = name_problems(data.in_game_name, data.battletag, data.alt_names)
        if problems:
            raise problems[0]
        country = self._country(data.country)
        region = self._region(data.region)
        language = validate_language(data.language) if data.language else None
        now = self.ctx.clock.now()

        def change(p: Player) -> Player:
            return replace(
                p,
                in_game_name=validate_in_game_name(data.in_game_name),
                battletag=validate_battletag(data.battletag),
                alt_names=tuple(
                    validate_alt_name(a, f"alt_name_{i}") for i, a in enumerate(data.alt_names, 1) if a.strip()
                ),
                country=country,
                region=region,
                language=language or p.language,
                setup_completed_at=p.setup_completed_at or now,
            )

        return await self._update(player_id, change, log_action="setup_completed")

    async def update_profile(self, player_id: PlayerId, data: ProfileUpdate) -> Player:
        """Change only the given fields; validation is the same as setup's."""
        current = await self.get(player_id)
        names = (
            data.in_game_name if data.in_game_name is not None else current.in_game_name or "",
            data.battletag if data.battletag is not None else current.battletag or "",
            data.alt_names if data.alt_names is not None else current.alt_names,
        )
        touched_names = any(v is not None for v in (data.in_game_name, data.battletag, data.alt_names))
        if touched_names:
            problems = name_problems(*names)
            if problems:
                raise problems[0]
        country = self._country(data.country) if data.country is not None else None
        region = self._region(data.region) if data.region is not None else None
        language = validate_language(data.language) if data.language is not None else None

        def change(p: Player) -> Player:
            return replace(
                p,
                in_game_name=validate_in_game_name(data.in_game_name)
                if data.in_game_name is not None
                else p.in_game_name,
                battletag=validate_battletag(data.battletag) if data.battletag is not None else p.battletag,
                alt_names=tuple(a.strip() for a in data.alt_names if a.strip())
                if data.alt_names is not None
                else p.alt_names,
                country=country or p.country,
                region=region or p.region,
                language=language or p.language,
            )

        return await self._update(player_id, change, log_action="profile_updated")

    async def set_country(self, player_id: PlayerId, code: str) -> Player:
        country = self._country(code)
        return await self._update(player_id, lambda p: replace(p, country=country), log_action="country_changed")

    async def set_language(self, player_id: PlayerId, language: str) -> Player:
        lang = validate_language(language)
        return await self._update(player_id, lambda p: replace(p, language=lang), log_action=None)

    async def acknowledge(self, player_id: PlayerId, what: str) -> Player:
        """Record a one-time acknowledgement: ``quick_start`` (the quick-start guide) or ``shield_battery``
        (the BW Shield Battery lag notice). Idempotent: the first time is kept, a repeat writes nothing.
        Raises ``InvalidInput`` for anything else."""
        field = ACKNOWLEDGEMENTS.get(what)
        if field is None:
            raise InvalidInput(f"Unknown acknowledgement {what!r}.", field="what", value=what)
        now = self.ctx.clock.now()
        return await self._update(
            player_id,
            lambda p: p if getattr(p, field) is not None else replace(p, **{field: now}),
            log_action=f"ack_{what}",
        )

    async def record_undeliverable_dm(self, player_id: PlayerId, purpose: str, match_id: int | None = None) -> None:
        """Record that a direct message to the player could not be delivered (their DMs are closed).

        Writes one ``action_log`` row (``dm_undeliverable``, actor ``system``) so the failure is never
        silently lost; a player unknown to the ladder is refused with ``NotFound`` and nothing is written.
        """
        await self.get(player_id)
        row = {
            "player_id": player_id,
            "action": "dm_undeliverable",
            "old_value": None,
            "new_value": {"purpose": purpose, "match_id": match_id},
            "actor": "system",
            "at": self.ctx.clock.now(),
        }
        async with self.ctx.db.write() as conn:
            await log_store.log_actions(conn, [row])

    async def action_history(self, player_id: PlayerId, limit: int = 50) -> list[dict[str, Any]]:
        """The player's latest action-log rows, newest first (for admins, support and tests)."""
        async with self.ctx.db.read() as conn:
            return await log_store.action_entries(conn, player_id, limit)

    # ----------------------------------------------------------------- helpers
    def _country(self, code: str) -> CountryCode:
        try:
            return CountryCode(self.ctx.pack.country(CountryCode(code.strip().upper())).code)
        except KeyError:
            raise InvalidInput(f"Unknown country code {code!r}.", field="country", value=code) from None

    def _region(self, code: str) -> RegionCode:
        try:
            return RegionCode(self.ctx.pack.region(RegionCode(code.strip().upper())).code)
        except KeyError:
            raise InvalidInput(f"Unknown region code {code!r}.", field="region", value=code) from None

    async def _update(self, player_id: PlayerId, change: Any, *, log_action: str | None) -> Player:
        """Apply ``change`` with compare-and-set; no write (and no log) when nothing changes."""
        for _attempt in range(CAS_ATTEMPTS):
            current = await self.get(player_id)
            new: Player = change(current)
            if new == current:
                return current
            now = self.ctx.clock.now()
            async with self.ctx.db.write() as conn:
                ok = await player_store.update_cas(conn, new, current.version, now)
                if ok and log_action:
                    await log_store.log_actions(conn, [_diff_row(current, new, log_action, now)])
            if not ok:
                self.ctx.cache.forget(player_id)
                continue
            stored = replace(new, version=current.version + 1, updated_at=now)
            self.ctx.cache.put_player(stored)
            self.ctx.bus.publish(PlayerChanged(stored, current))
            return stored
        raise Conflict("The profile changed concurrently; please try again.", player_id=player_id)


def _diff_row(old: Player, new: Player, action: str, now: Any) -> dict[str, Any]:
    before = player_store.player_values(old)
    after = player_store.player_values(new)
    changed = sorted(k for k in after if before[k] != after[k])

    def plain(v: Any) -> Any:
        return v.isoformat() if hasattr(v, "isoformat") else v

    return {
        "player_id": new.id,
        "action": action,
        "old_value": {k: plain(before[k]) for k in changed},
        "new_value": {k: plain(after[k]) for k in changed},
        "actor": "player",
        "at": now,
    }
