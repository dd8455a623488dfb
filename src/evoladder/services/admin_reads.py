"""What admins read: picking a player by name, the health snapshot, a player's and a match's dossier.

A mixin of ``AdminService`` (it uses the service's ``ctx``, ``players``, ``matches``, ``queue``,
``replays``, ``leaderboard`` and ``profiles``). Reads only; each one is refused to non-admins.
"""

from __future__ import annotations

import json
import re
import resource
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evoladder.domain.errors import Forbidden, InvalidInput, NotFound
from evoladder.domain.ids import MatchId, PlayerId
from evoladder.domain.match import Match
from evoladder.domain.player import Player
from evoladder.domain.replay_intake import ReplayRecord, ReplayStatus
from evoladder.store import staff as staff_store

if TYPE_CHECKING:
    from evoladder.services.context import ServiceContext
    from evoladder.services.leaderboard import LeaderboardService
    from evoladder.services.matches import MatchService
    from evoladder.services.players import PlayerService
    from evoladder.services.profiles import PlayerProfile, ProfileService
    from evoladder.services.queue import QueueService, Ticket
    from evoladder.services.replays import ReplayService

MENTION = re.compile(r"^<@!?(\d+)>$")
CANDIDATES_MAX = 25


class AmbiguousPlayer(InvalidInput):
    """A name matches several players; ``candidates`` lists them so the admin can pick one."""

    code = "ambiguous_player"

    def __init__(self, text: str, candidates: list[Player]) -> None:
        super().__init__(f"{len(candidates)} players are called {text!r}.", field="player", text=text)
        self.candidates = candidates


@dataclass(frozen=True, slots=True)
class Waiting:
    ticket: Ticket
    player: Player
    letters: dict[str, str]
    """Race code -> letter rank of the races they queued with."""
    waited_s: float


@dataclass(frozen=True, slots=True)
class ActiveMatch:
    match: Match
    player1: Player
    player2: Player
    elapsed_s: float


@dataclass(frozen=True, slots=True)
class Snapshot:
    at: datetime
    memory_mb: float
    db_ok: bool
    db_pool: str
    replay_stats: dict[str, Any]
    queue_by_race: dict[str, int]
    queue_by_region: dict[str, int]
    waiting: tuple[Waiting, ...]
    active: tuple[ActiveMatch, ...]


@dataclass(frozen=True, slots=True)
class PlayerDossier:
    profile: PlayerProfile
    ticket: Ticket | None
    recent: tuple[Match, ...]
    names: dict[int, str]
    """Display names of everybody in ``recent``."""
    stuck_match: int | None
    staff_role: str | None


@dataclass(frozen=True, slots=True)
class MatchDossier:
    match: Match
    player1: Player
    player2: Player
    replays: tuple[ReplayRecord, ...]


def memory_mb() -> float:
    """Resident memory of this process (``VmRSS``), or the peak where /proc is unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class AdminReads:
    ctx: ServiceContext
    players: PlayerService
    matches: MatchService
    queue: QueueService | None
    replays: ReplayService | None
    leaderboard: LeaderboardService | None
    profiles: ProfileService | None

    def _require_admin(self, admin_id: int) -> None:
        if not self.ctx.is_admin(admin_id):
            raise Forbidden("Only ladder admins can do this.", reason="not_admin")

    # ------------------------------------------------------------------ picking a player
    async def find_player(self, text: str) -> Player:
        """A mention (``<@id>``), a Discord id, or a name: Discord username, in-game name or alternative
        name (case-insensitive, exact). Raises ``NotFound``, or ``AmbiguousPlayer`` with the candidates."""
        cleaned = text.strip()
        found = MENTION.match(cleaned)
        digits = found.group(1) if found else cleaned
        if digits.isdigit():
            try:
                return await self.players.get(PlayerId(int(digits)))
            except NotFound:
                if found:
                    raise
        async with self.ctx.db.read() as conn:
            ids = await staff_store.search_players(conn, cleaned, prefix=False, limit=CANDIDATES_MAX)
        if not ids:
            raise NotFound(f"No player called {cleaned!r}.", text=cleaned)
        players = [await self.players.get(PlayerId(i)) for i in ids]
        if len(players) > 1:
            raise AmbiguousPlayer(cleaned, players)
        return players[0]

    async def player_candidates(self, text: str, limit: int = CANDIDATES_MAX) -> list[Player]:
        """Players whose id or a name starts with ``text`` (autocomplete), by id."""
        cleaned = text.strip()
        if not cleaned:
            return []
        async with self.ctx.db.read() as conn:
            ids = await staff_store.search_players(conn, cleaned, prefix=True, limit=limit)
        out = [await self.players.get(PlayerId(i)) for i in ids]
        if cleaned.isdigit() and len(out) < limit:
            try:
                exact = await self.players.get(PlayerId(int(cleaned)))
                if exact.id not in {p.id for p in out}:
                    out.insert(0, exact)
            except (NotFound, InvalidInput):
                pass
        return out[:limit]

    # ------------------------------------------------------------------ health
    async def snapshot(self, admin_id: int) -> Snapshot:
        """Process memory, database and pool, replay workers (with restarts), queue depths, who waits, and
        the active matches. Memory reads plus one ``SELECT 1``."""
        from evoladder.services import health

        self._require_admin(admin_id)
        now = self.ctx.clock.now()
        probe = await health.database(self.ctx)
        waiting: list[Waiting] = []
        by_race: dict[str, int] = {}
        by_region: dict[str, int] = {}
        if self.queue is not None:
            status = self.queue.status()
            by_race, by_region = status.by_race, status.by_region
            for t in self.queue.tickets():
                player = await self.players.get(t.player_id)
                waiting.append(Waiting(t, player, self._letters(t.player_id), (now - t.joined_at).total_seconds()))
        active = []
        for m in self.matches.active_matches():
            p1, p2 = await self.players.get(m.player1), await self.players.get(m.player2)
            active.append(ActiveMatch(m, p1, p2, (now - m.created_at).total_seconds()))
        pool = self.ctx.db.engine.pool
        return Snapshot(
            at=now,
            memory_mb=memory_mb(),
            db_ok=probe.ok,
            db_pool=f"{type(pool).__name__}: {pool.status()}",
            replay_stats=self.replays.stats() if self.replays is not None else {},
            queue_by_race=by_race,
            queue_by_region=by_region,
            waiting=tuple(waiting),
            active=tuple(active),
        )

    def _letters(self, player_id: PlayerId) -> dict[str, str]:
        if self.leaderboard is None:
            return {}
        return {str(v.entry.race): str(v.letter) for v in self.leaderboard.player_views(player_id)}

    # ------------------------------------------------------------------ dossiers
    async def player_dossier(self, admin_id: int, player_id: PlayerId, *, recent: int = 5) -> PlayerDossier:
        """The full profile, queue state, stuck state, staff role and the latest matches (both reports)."""
        self._require_admin(admin_id)
        if self.profiles is None:
            raise NotFound("Profiles are not available here.")
        profile = await self.profiles.profile(player_id, recent=recent)
        matches = tuple(await self.matches.recent(player_id, recent))
        names: dict[int, str] = {}
        for m in matches:
            for pid in (m.player1, m.player2):
                if int(pid) not in names:
                    names[int(pid)] = (await self.players.get(pid)).display_name
        ticket = next((t for t in self.queue.tickets() if t.player_id == player_id), None) if self.queue else None
        stuck = await self.stuck(player_id)  # type: ignore[attr-defined]
        return PlayerDossier(
            profile, ticket, matches, names, int(stuck.match_id) if stuck else None, self.ctx.staff.get(player_id)
        )

    async def match_dossier(self, admin_id: int, match_id: int) -> MatchDossier:
        """The match with both players and every stored replay's record (summary, verdict, effect)."""
        self._require_admin(admin_id)
        match = await self.matches.get(match_id)
        replays = tuple(await self.replays.for_match(match_id)) if self.replays is not None else ()
        p1, p2 = await self.players.get(match.player1), await self.players.get(match.player2)
        return MatchDossier(match, p1, p2, replays)

    async def match_files(self, admin_id: int, dossier: MatchDossier) -> list[tuple[str, bytes]]:
        """The match as a JSON dump, then each stored replay file (``match-<id>-replay-<rid>.SC2Replay``).
        Imported records (never fetched) and files missing from storage are skipped; the dump lists them all."""
        self._require_admin(admin_id)
        out = [(f"match-{dossier.match.id}.json", match_json(dossier).encode())]
        if self.replays is None:
            return out
        for record in dossier.replays:
            if record.status is ReplayStatus.IMPORTED:
                continue
            try:
                data = await self.replays.storage.get(record.sha256)
            except Exception:  # a missing file is listed in the dump, not fatal
                continue
            out.append((f"match-{dossier.match.id}-replay-{record.id}.SC2Replay", data))
        return out


def match_json(dossier: MatchDossier) -> str:
    """Everything stored about a match, as indented JSON (dates ISO 8601)."""

    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else str(value)

    body = {
        "match": asdict(dossier.match),
        "players": {
            "1": {"id": dossier.player1.id, "name": dossier.player1.display_name},
            "2": {"id": dossier.player2.id, "name": dossier.player2.display_name},
        },
        "replays": [asdict(r) for r in dossier.replays],
    }
    return json.dumps(body, indent=2, default=plain, ensure_ascii=False, sort_keys=True)


__all__ = ["ActiveMatch", "AmbiguousPlayer", "MatchDossier", "MatchId", "PlayerDossier", "Snapshot", "Waiting"]
