"""Staff rows: who is a ladder admin or owner (``staff``), and the player search admins pick players with."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.store.dialect import insert_ignore
from evoladder.store.tables import players, staff


async def all_staff(conn: AsyncConnection) -> list[dict[str, Any]]:
    stmt = select(staff).order_by(staff.c.role.desc(), staff.c.added_at, staff.c.discord_id)
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]


async def seed(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert the configured staff only when the table is empty (first start). Returns rows written."""
    count = (await conn.execute(select(func.count()).select_from(staff))).scalar() or 0
    if count or not rows:
        return 0
    await conn.execute(insert_ignore(conn, staff, ["discord_id"]), list(rows))
    return len(rows)


async def get(conn: AsyncConnection, discord_id: int) -> dict[str, Any] | None:
    row = (await conn.execute(select(staff).where(staff.c.discord_id == discord_id))).mappings().first()
    return dict(row) if row else None


async def add(conn: AsyncConnection, discord_id: int, role: str, name: str | None, at: datetime, by: int) -> bool:
    """Add a staff member; False when they already are staff (nothing written)."""
    stmt = insert_ignore(conn, staff, ["discord_id"]).values(
        discord_id=discord_id, role=role, name=name, added_at=at, added_by=by
    )
    return bool((await conn.execute(stmt)).rowcount)


async def remove(conn: AsyncConnection, discord_id: int, role: str) -> bool:
    """Remove a staff member holding ``role``; False when there was none."""
    stmt = delete(staff).where(staff.c.discord_id == discord_id, staff.c.role == role)
    return bool((await conn.execute(stmt)).rowcount)


async def set_role(conn: AsyncConnection, discord_id: int, role: str) -> bool:
    stmt = update(staff).where(staff.c.discord_id == discord_id).values(role=role)
    return bool((await conn.execute(stmt)).rowcount)


NAME_COLUMNS = (players.c.discord_username, players.c.in_game_name, players.c.alt_name_1, players.c.alt_name_2)


async def search_players(conn: AsyncConnection, text: str, *, prefix: bool, limit: int) -> list[int]:
    """Player ids whose Discord username, in-game name or an alternative name equals ``text`` (case-folded),
    or starts with it when ``prefix``. Ordered by id so a repeated search lists candidates the same way."""
    needle = text.strip().lower()
    if not needle:
        return []
    conditions: list[ColumnElement[bool]]
    if prefix:
        pattern = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions = [func.lower(c).like(pattern, escape="\\") for c in NAME_COLUMNS]
    else:
        conditions = [func.lower(c) == needle for c in NAME_COLUMNS]
    stmt = select(players.c.id).where(or_(*conditions)).order_by(players.c.id).limit(limit)
    return [int(v) for v in (await conn.execute(stmt)).scalars().all()]
