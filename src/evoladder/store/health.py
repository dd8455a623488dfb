"""The cheapest statement that proves the database answers (for readiness probes)."""

from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncConnection


async def ping(conn: AsyncConnection) -> bool:
    return (await conn.execute(select(literal(1)))).scalar() == 1
