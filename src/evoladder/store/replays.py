"""Replay rows and learnt toon handles.

A ``pending`` replay row is a durable job: it is committed before the upload is acknowledged and
leaves ``pending`` only in the transaction that stores its verdict (``finish``, guarded by
``status = 'pending'`` so two processes never both judge it). On start the service re-runs every
pending row, so no job is lost and none needs a queue of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import Executable

from evoladder.domain.ids import MatchId, PlayerId
from evoladder.domain.replay_intake import ReplayEffect, ReplayRecord, ReplayStatus
from evoladder.store.dialect import insert_ignore
from evoladder.store.tables import player_toons, replays

# The two statements every upload runs are built once, with bound parameters: building them per
# call (``.values(**literal)``) costs more event-loop time than SQLite takes to run them.
_FINISH = (
    update(replays)
    .where(replays.c.id == bindparam("replay_id"), replays.c.status == ReplayStatus.PENDING.value)
    .values(
        status=bindparam("new_status"),
        parsed_at=bindparam("parsed_at", type_=replays.c.parsed_at.type),
        summary=bindparam("summary", type_=replays.c.summary.type),
        verdict=bindparam("verdict", type_=replays.c.verdict.type),
        error=bindparam("error"),
        effect=bindparam("effect"),
    )
)
_INSERT_UPLOAD: dict[str, Executable] = {}


def _insert_upload(conn: AsyncConnection) -> Executable:
    found = _INSERT_UPLOAD.get(conn.dialect.name)
    if found is None:
        stmt = insert_ignore(conn, replays, ["sha256", "match_id", "uploader_id"]).values(
            sha256=bindparam("sha256"),
            size_bytes=bindparam("size_bytes"),
            match_id=bindparam("match_id"),
            uploader_id=bindparam("uploader_id"),
            status=ReplayStatus.PENDING.value,
            uploaded_at=bindparam("uploaded_at", type_=replays.c.uploaded_at.type),
            attempts=0,
        )
        found = _INSERT_UPLOAD[conn.dialect.name] = stmt.returning(*replays.c)
    return found


def record_from_row(row: RowMapping | Mapping[str, Any]) -> ReplayRecord:
    return ReplayRecord(
        id=row["id"],
        sha256=row["sha256"],
        size_bytes=row["size_bytes"],
        match_id=MatchId(row["match_id"]) if row["match_id"] is not None else None,
        uploader_id=PlayerId(row["uploader_id"]) if row["uploader_id"] is not None else None,
        status=ReplayStatus(row["status"]),
        uploaded_at=row["uploaded_at"],
        summary=row["summary"],
        verdict=row["verdict"],
        parsed_at=row["parsed_at"],
        attempts=row["attempts"],
        error=row["error"],
        effect=ReplayEffect(row["effect"]) if row["effect"] else None,
    )


async def insert_upload(
    conn: AsyncConnection,
    *,
    sha256: str,
    size_bytes: int,
    match_id: MatchId,
    uploader_id: PlayerId,
    uploaded_at: datetime,
) -> tuple[ReplayRecord, bool]:
    """Record an upload as pending; the same file for the same match and uploader is one row.

    Returns ``(record, created)``.
    """
    params = {
        "sha256": sha256,
        "size_bytes": size_bytes,
        "match_id": match_id,
        "uploader_id": uploader_id,
        "uploaded_at": uploaded_at,
    }
    row = (await conn.execute(_insert_upload(conn), params)).mappings().first()
    if row is not None:
        return record_from_row(row), True
    existing = select(replays).where(
        replays.c.sha256 == sha256, replays.c.match_id == match_id, replays.c.uploader_id == uploader_id
    )
    return record_from_row((await conn.execute(existing)).mappings().one()), False


async def get(conn: AsyncConnection, replay_id: int) -> ReplayRecord | None:
    row = (await conn.execute(select(replays).where(replays.c.id == replay_id))).mappings().first()
    return record_from_row(row) if row else None


async def pending(conn: AsyncConnection, *, limit: int = 100, after_id: int = 0) -> list[ReplayRecord]:
    """Pending rows, oldest first (``after_id`` pages through a long backlog)."""
    stmt = (
        select(replays)
        .where(replays.c.status == ReplayStatus.PENDING.value, replays.c.id > after_id)
        .order_by(replays.c.id)
        .limit(limit)
    )
    return [record_from_row(r) for r in (await conn.execute(stmt)).mappings().all()]


async def for_match(conn: AsyncConnection, match_id: MatchId) -> list[ReplayRecord]:
    stmt = select(replays).where(replays.c.match_id == match_id).order_by(replays.c.id)
    return [record_from_row(r) for r in (await conn.execute(stmt)).mappings().all()]


async def finish(
    conn: AsyncConnection,
    replay_id: int,
    *,
    status: ReplayStatus,
    parsed_at: datetime,
    summary: dict[str, Any] | None,
    verdict: dict[str, Any] | None,
    error: str | None = None,
    effect: ReplayEffect | None = None,
) -> bool:
    """Store the verdict of a pending row. False if it is no longer pending (judged elsewhere)."""
    params = {
        "replay_id": replay_id,
        "new_status": status.value,
        "parsed_at": parsed_at,
        "summary": summary,
        "verdict": verdict,
        "error": error,
        "effect": effect.value if effect else None,
    }
    return bool((await conn.execute(_FINISH, params)).rowcount)


async def count_failed_attempt(conn: AsyncConnection, replay_id: int) -> int:
    """Add one to a pending row's failed attempts; returns the new count (0 if not pending)."""
    stmt = (
        update(replays)
        .where(replays.c.id == replay_id, replays.c.status == ReplayStatus.PENDING.value)
        .values(attempts=replays.c.attempts + 1)
        .returning(replays.c.attempts)
    )
    return int((await conn.execute(stmt)).scalar() or 0)


async def toons_of(conn: AsyncConnection, player_ids: Iterable[PlayerId]) -> dict[PlayerId, frozenset[str]]:
    ids = list(player_ids)
    stmt = select(player_toons.c.player_id, player_toons.c.toon_handle).where(player_toons.c.player_id.in_(ids))
    found: dict[PlayerId, set[str]] = {pid: set() for pid in ids}
    for pid, handle in (await conn.execute(stmt)).all():
        found[PlayerId(pid)].add(handle)
    return {pid: frozenset(handles) for pid, handles in found.items()}


async def all_toons(conn: AsyncConnection) -> dict[PlayerId, frozenset[str]]:
    """Every player's known toon handles (a few rows per player: loaded once at start)."""
    found: dict[PlayerId, set[str]] = {}
    for pid, handle in (await conn.execute(select(player_toons.c.player_id, player_toons.c.toon_handle))).all():
        found.setdefault(PlayerId(pid), set()).add(handle)
    return {pid: frozenset(handles) for pid, handles in found.items()}


async def learn_toons(
    conn: AsyncConnection, handles: Iterable[tuple[PlayerId, str]], *, seen: datetime, replay_id: int
) -> int:
    """Remember toon handles seen in a verified replay; known pairs are left alone. Returns new ones."""
    rows = [
        {"player_id": pid, "toon_handle": handle, "first_seen": seen, "replay_id": replay_id} for pid, handle in handles
    ]
    if not rows:
        return 0
    stmt = insert_ignore(conn, player_toons, ["player_id", "toon_handle"]).values(rows)
    return int((await conn.execute(stmt)).rowcount or 0)
