"""Queue rows: who is waiting, with which races and vetoes, since when, for how many waves.

The queue is durable so a restart restores it as it was (waves waited included).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.domain.ids import PlayerId
from evoladder.store.dialect import insert_ignore
from evoladder.store.tables import preferences, queue_entries


async def add(conn: AsyncConnection, row: dict[str, Any]) -> bool:
    """Insert a queue entry; False when the player is already queued (nothing written)."""
    result = await conn.execute(insert_ignore(conn, queue_entries, ["player_id"]).values(**row))
    return bool(result.rowcount)


async def remove(conn: AsyncConnection, player_ids: Sequence[PlayerId]) -> int:
    """Delete entries; returns how many existed."""
    result = await conn.execute(delete(queue_entries).where(queue_entries.c.player_id.in_(list(player_ids))))
    return int(result.rowcount)


async def count_queued(conn: AsyncConnection, player_ids: Sequence[PlayerId]) -> int:
    stmt = select(func.count()).select_from(queue_entries).where(queue_entries.c.player_id.in_(list(player_ids)))
    return int((await conn.execute(stmt)).scalar() or 0)


async def clear(conn: AsyncConnection) -> list[PlayerId]:
    ids = [PlayerId(r) for r in (await conn.execute(select(queue_entries.c.player_id))).scalars().all()]
    await conn.execute(delete(queue_entries))
    return ids


async def all_entries(conn: AsyncConnection) -> list[dict[str, Any]]:
    stmt = select(queue_entries).order_by(queue_entries.c.joined_at, queue_entries.c.player_id)
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]


async def bump_waves(conn: AsyncConnection, wave_started: datetime) -> None:
    """Everyone still queued who joined before the wave has waited one more wave (one statement)."""
    await conn.execute(
        update(queue_entries)
        .where(queue_entries.c.joined_at <= wave_started)
        .values(waves_waited=queue_entries.c.waves_waited + 1)
    )


async def save_preferences(
    conn: AsyncConnection, player_id: PlayerId, races: Sequence[str], vetoes: Sequence[str], now: datetime
) -> None:
    """Remember the last queue choices as the player's defaults (upsert)."""
    from sqlalchemy.dialects import postgresql, sqlite

    mod: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = mod.insert(preferences).values(player_id=player_id, last_races=races, map_vetoes=vetoes, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["player_id"],
        set_={"last_races": races, "map_vetoes": vetoes, "updated_at": now},
    )
    await conn.execute(stmt)
