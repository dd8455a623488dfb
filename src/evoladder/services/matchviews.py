"""Read views over matches that front-ends show beside a profile: head-to-head records, replay files.

Kept apart from ``MatchService`` (the lifecycle and its writes) because these are pure reads of
decided matches, one statement each, with no effect on the state machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from evoladder.domain.errors import NotFound
from evoladder.domain.ids import PlayerId
from evoladder.domain.replay_intake import ReplayStatus
from evoladder.services.context import ServiceContext
from evoladder.services.replays import ReplayService
from evoladder.store.head_to_head import read_head_to_head
from evoladder.store.replay_files import ReplayFileMissing


@dataclass(frozen=True, slots=True)
class HeadToHead:
    """A player's decided record against one opponent (wins, losses and draws from the player's side)."""

    opponent_id: PlayerId
    games: int
    won: int
    lost: int
    drawn: int
    last_played: datetime | None

    @property
    def win_rate(self) -> float | None:
        return self.won / self.games if self.games else None


class MatchViews:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def head_to_head(self, player_id: PlayerId, *, limit: int = 5) -> tuple[HeadToHead, ...]:
        """The player's ``limit`` most frequent opponents in decided matches (one round trip)."""
        async with self.ctx.db.read() as conn:
            rows = await read_head_to_head(conn, player_id, limit=max(1, min(limit, 50)))
        return tuple(
            HeadToHead(
                r.opponent_id, r.games, r.won, r.lost, r.drawn, r.last_at if isinstance(r.last_at, datetime) else None
            )
            for r in rows
        )


async def replay_file(replays: ReplayService, match_id: int, replay_id: int) -> bytes:
    """The stored bytes of a match's replay. Raises ``NotFound`` for another match's replay, an
    imported record (its file was never fetched) or a file missing from storage."""
    record = await replays.get(replay_id)
    if record.match_id != match_id or record.status is ReplayStatus.IMPORTED:
        raise NotFound(f"No replay #{replay_id} for match #{match_id}.", replay_id=replay_id)
    try:
        return await replays.storage.get(record.sha256)
    except ReplayFileMissing:
        raise NotFound(f"The file of replay #{replay_id} is not stored.", replay_id=replay_id) from None
