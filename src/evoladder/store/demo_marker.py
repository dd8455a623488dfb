"""The demo marker's reads: how many players and matches a database holds (``ladder_meta`` via ``meta``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.store.tables import matches, players


async def count_players(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(players))).scalar() or 0)


async def count_matches(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(matches))).scalar() or 0)
