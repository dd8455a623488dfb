"""The action log (significant player actions), the admin audit log, abort counts and preferences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.domain.ids import MatchId, PlayerId
from evoladder.store.dialect import upsert_add
from evoladder.store.tables import abort_counts, action_log, audit_log, preferences


async def log_actions(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert action-log rows (player_id, action, old_value, new_value, actor, at) in one statement."""
    if rows:
        await conn.execute(insert(action_log), list(rows))


async def audit(
    conn: AsyncConnection,
    *,
    admin_id: PlayerId,
    action: str,
    at: datetime,
    target_player_id: PlayerId | None = None,
    target_match_id: MatchId | None = None,
    old_value: Any = None,
    new_value: Any = None,
    reason: str | None = None,
    request_id: str | None = None,
) -> None:
    """Write one audit entry. A repeated ``request_id`` raises IntegrityError (the caller's no-op)."""
    await conn.execute(
        insert(audit_log).values(
            request_id=request_id,
            admin_id=admin_id,
            action=action,
            target_player_id=target_player_id,
            target_match_id=target_match_id,
            old_value=old_value,
            new_value=new_value,
            reason=reason,
            at=at,
        )
    )


async def audit_entries(
    conn: AsyncConnection,
    *,
    player_id: PlayerId | None = None,
    match_id: MatchId | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    stmt = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    if player_id is not None:
        stmt = stmt.where(audit_log.c.target_player_id == player_id)
    if match_id is not None:
        stmt = stmt.where(audit_log.c.target_match_id == match_id)
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]


async def action_entries(conn: AsyncConnection, player_id: PlayerId, limit: int = 50) -> list[dict[str, Any]]:
    stmt = (
        select(action_log)
        .where(action_log.c.player_id == player_id)
        .order_by(action_log.c.at.desc(), action_log.c.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]


def month_key(when: datetime) -> str:
    """The UTC calendar month an abort counts against."""
    return f"{when.year:04d}-{when.month:02d}"


async def aborts_used(conn: AsyncConnection, player_id: PlayerId, month: str) -> int:
    stmt = select(abort_counts.c.count).where(abort_counts.c.player_id == player_id, abort_counts.c.month == month)
    value = (await conn.execute(stmt)).scalar()
    return int(value or 0)


async def charge_abort(conn: AsyncConnection, player_id: PlayerId, month: str) -> None:
    stmt = upsert_add(
        conn, abort_counts, ["player_id", "month"], {"player_id": player_id, "month": month, "count": 1}, "count"
    )
    await conn.execute(stmt)


async def set_aborts_used(conn: AsyncConnection, player_id: PlayerId, month: str, used: int) -> None:
    """Admin reset: set this month's used count (upsert)."""
    from evoladder.store.dialect import insert_ignore

    await conn.execute(
        insert_ignore(conn, abort_counts, ["player_id", "month"]).values(player_id=player_id, month=month, count=0)
    )
    from sqlalchemy import update

    await conn.execute(
        update(abort_counts)
        .where(abort_counts.c.player_id == player_id, abort_counts.c.month == month)
        .values(count=used)
    )


async def get_preferences(conn: AsyncConnection, player_id: PlayerId) -> dict[str, Any] | None:
    row = (await conn.execute(select(preferences).where(preferences.c.player_id == player_id))).mappings().first()
    return dict(row) if row else None
