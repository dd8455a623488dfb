"""Rows of ``discord_messages``: which DM message shows which match (or queue search) to which player."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.store.dialect import insert_ignore
from evoladder.store.tables import discord_messages as t


async def put(
    conn: AsyncConnection,
    player_id: int,
    purpose: str,
    subject_id: int,
    channel_id: int,
    message_id: int,
    now: datetime,
) -> None:
    """Insert or replace the row for (player, purpose, subject)."""
    key = (t.c.player_id == player_id) & (t.c.purpose == purpose) & (t.c.subject_id == subject_id)
    values = {"channel_id": channel_id, "message_id": message_id, "updated_at": now}
    result = await conn.execute(update(t).where(key).values(**values))
    if not result.rowcount:
        await conn.execute(
            insert_ignore(conn, t, ["player_id", "purpose", "subject_id"]).values(
                player_id=player_id, purpose=purpose, subject_id=subject_id, **values
            )
        )


async def for_subject(conn: AsyncConnection, purpose: str, subject_id: int) -> list[dict[str, Any]]:
    stmt = select(t).where(t.c.purpose == purpose, t.c.subject_id == subject_id)
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]


async def by_purpose(conn: AsyncConnection, purpose: str) -> list[dict[str, Any]]:
    stmt = select(t).where(t.c.purpose == purpose).order_by(t.c.player_id)
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]


async def for_player(conn: AsyncConnection, player_id: int) -> list[dict[str, Any]]:
    stmt = select(t).where(t.c.player_id == player_id).order_by(t.c.purpose, t.c.subject_id)
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]


async def remove(conn: AsyncConnection, purpose: str, subject_ids: Sequence[int], player_id: int | None = None) -> int:
    stmt = delete(t).where(t.c.purpose == purpose, t.c.subject_id.in_(list(subject_ids)))
    if player_id is not None:
        stmt = stmt.where(t.c.player_id == player_id)
    return int((await conn.execute(stmt)).rowcount)


async def claim(
    conn: AsyncConnection,
    player_id: int,
    purpose: str,
    subject_id: int,
    channel_id: int,
    message_id: int,
    now: datetime,
) -> bool:
    """Insert the row unless it exists; True when this call inserted it (a once-only marker)."""
    stmt = insert_ignore(conn, t, ["player_id", "purpose", "subject_id"]).values(
        player_id=player_id,
        purpose=purpose,
        subject_id=subject_id,
        channel_id=channel_id,
        message_id=message_id,
        updated_at=now,
    )
    # RETURNING, not rowcount: asyncpg reports 1 for an INSERT that ON CONFLICT skipped
    return (await conn.execute(stmt.returning(t.c.player_id))).first() is not None
