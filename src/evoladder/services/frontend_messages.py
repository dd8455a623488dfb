"""Which front-end message shows what to whom, so a restarted front-end can edit it in place.

The Discord bot keeps, per player, the DM message that shows a match (``purpose="match"``,
``subject_id`` = the match id) and the one that shows their queue search (``"queue"``, subject 0).
It also uses once-only markers (``claim``), e.g. for "reminder sent". Values are plain ids; the
service does not know Discord, it only keeps the facts durable (table ``discord_messages``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from evoladder.domain.errors import InvalidInput
from evoladder.services.context import ServiceContext
from evoladder.store import discord_messages as store

MAX_PURPOSE = 16


@dataclass(frozen=True, slots=True)
class MessageRef:
    """Where one front-end message lives."""

    player_id: int
    purpose: str
    subject_id: int
    channel_id: int
    message_id: int
    updated_at: datetime


def _ref(row: dict[str, object]) -> MessageRef:
    return MessageRef(
        int(row["player_id"]),  # type: ignore[call-overload]
        str(row["purpose"]),
        int(row["subject_id"]),  # type: ignore[call-overload]
        int(row["channel_id"]),  # type: ignore[call-overload]
        int(row["message_id"]),  # type: ignore[call-overload]
        row["updated_at"],  # type: ignore[arg-type]
    )


class FrontendMessageService:
    """Remember, find and forget front-end message ids; one short transaction per call."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @staticmethod
    def _check(purpose: str) -> None:
        if not purpose or len(purpose) > MAX_PURPOSE:
            raise InvalidInput(f"Bad message purpose {purpose!r}.", field="purpose", value=purpose)

    async def remember(self, player_id: int, purpose: str, subject_id: int, channel_id: int, message_id: int) -> None:
        """Store (or replace) the message for (player, purpose, subject). Idempotent."""
        self._check(purpose)
        async with self.ctx.db.write() as conn:
            await store.put(conn, player_id, purpose, subject_id, channel_id, message_id, self.ctx.clock.now())

    async def claim(
        self, player_id: int, purpose: str, subject_id: int, channel_id: int = 0, message_id: int = 0
    ) -> bool:
        """A once-only marker: True for the first call with this key, False for every later one."""
        self._check(purpose)
        async with self.ctx.db.write() as conn:
            return await store.claim(conn, player_id, purpose, subject_id, channel_id, message_id, self.ctx.clock.now())

    async def for_subject(self, purpose: str, subject_id: int) -> list[MessageRef]:
        async with self.ctx.db.read() as conn:
            return [_ref(r) for r in await store.for_subject(conn, purpose, subject_id)]

    async def by_purpose(self, purpose: str) -> list[MessageRef]:
        async with self.ctx.db.read() as conn:
            return [_ref(r) for r in await store.by_purpose(conn, purpose)]

    async def for_player(self, player_id: int) -> list[MessageRef]:
        """Every message kept for the player (e.g. to protect them from a clean-up such as /prune)."""
        async with self.ctx.db.read() as conn:
            return [_ref(r) for r in await store.for_player(conn, player_id)]

    async def forget(self, purpose: str, subject_ids: list[int], player_id: int | None = None) -> int:
        """Drop rows (all players, or one); returns how many existed."""
        if not subject_ids:
            return 0
        async with self.ctx.db.write() as conn:
            return await store.remove(conn, purpose, subject_ids, player_id)
