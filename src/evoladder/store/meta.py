"""Ladder-wide facts kept in the database (``ladder_meta``), e.g. the rating model in use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.store.dialect import insert_ignore
from evoladder.store.tables import ladder_meta, ratings

RATING_MODEL = "rating_model"


async def get(conn: AsyncConnection, key: str) -> str | None:
    return (await conn.execute(select(ladder_meta.c.value).where(ladder_meta.c.key == key))).scalar()


async def set_if_absent(conn: AsyncConnection, key: str, value: str, now: datetime) -> str:
    """Record ``value`` unless a value exists; returns the stored value either way."""
    await conn.execute(insert_ignore(conn, ladder_meta, ["key"]).values(key=key, value=value, updated_at=now))
    stored = await get(conn, key)
    assert stored is not None
    return stored


async def put(conn: AsyncConnection, key: str, value: str, now: datetime) -> None:
    from sqlalchemy import update

    if await get(conn, key) is None:
        await set_if_absent(conn, key, value, now)
    else:
        await conn.execute(update(ladder_meta).where(ladder_meta.c.key == key).values(value=value, updated_at=now))


async def has_rated_games(conn: AsyncConnection) -> bool:
    count = (await conn.execute(select(func.count()).select_from(ratings).where(ratings.c.games_played > 0))).scalar()
    return bool(count)
