"""Match rows: idempotent creation, compare-and-set transitions, and the reads the services need."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.domain.ids import MapName, MatchId, PlayerId, RaceCode, ServerCode
from evoladder.domain.match import AbortReason, Match, MatchState, ResultSource
from evoladder.domain.rating import Outcome
from evoladder.store.dialect import insert_ignore
from evoladder.store.tables import matches

MUTABLE = (
    "state",
    "confirmed1_at",
    "confirmed2_at",
    "report1",
    "report2",
    "result",
    "mmr_after1",
    "mmr_after2",
    "delta1",
    "delta2",
    "counted",
    "abort_reason",
    "aborted_by",
    "unconfirmed",
    "confirmed_at",
    "completed_at",
    "resolved_by",
    "resolution_reason",
    "resolved_at",
    "channel",
    "replay_id",
    "result_source",
)


def _outcome(value: int | None) -> Outcome | None:
    return Outcome(value) if value is not None else None


def match_from_row(row: RowMapping | Mapping[str, Any]) -> Match:
    return Match(
        id=MatchId(row["id"]),
        player1=PlayerId(row["player1_id"]),
        player2=PlayerId(row["player2_id"]),
        race1=RaceCode(row["race1"]),
        race2=RaceCode(row["race2"]),
        mmr1=row["mmr1"],
        mmr2=row["mmr2"],
        map_name=MapName(row["map_name"]),
        server=ServerCode(row["server"]),
        created_at=row["created_at"],
        confirm_deadline=row["confirm_deadline"],
        state=MatchState(row["state"]),
        confirmed1_at=row["confirmed1_at"],
        confirmed2_at=row["confirmed2_at"],
        report1=_outcome(row["report1"]),
        report2=_outcome(row["report2"]),
        result=_outcome(row["result"]),
        mmr_after1=row["mmr_after1"],
        mmr_after2=row["mmr_after2"],
        delta1=row["delta1"],
        delta2=row["delta2"],
        counted=bool(row["counted"]),
        abort_reason=AbortReason(row["abort_reason"]) if row["abort_reason"] else None,
        aborted_by=PlayerId(row["aborted_by"]) if row["aborted_by"] is not None else None,
        unconfirmed=tuple(PlayerId(p) for p in (row["unconfirmed"] or ())),
        confirmed_at=row["confirmed_at"],
        completed_at=row["completed_at"],
        resolved_by=PlayerId(row["resolved_by"]) if row["resolved_by"] is not None else None,
        resolution_reason=row["resolution_reason"],
        resolved_at=row["resolved_at"],
        channel=row["channel"],
        rating_model=row["rating_model"],
        rd1=row["rd1"],
        rd2=row["rd2"],
        vol1=row["vol1"],
        vol2=row["vol2"],
        replay_id=row["replay_id"],
        result_source=ResultSource(row["result_source"]) if row["result_source"] else None,
        version=row["version"],
    )


def _mutable_values(m: Match) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(m, name) for name in MUTABLE}
    for key in ("report1", "report2", "result"):
        values[key] = int(values[key]) if values[key] is not None else None
    values["state"] = m.state.value
    values["abort_reason"] = m.abort_reason.value if m.abort_reason else None
    values["result_source"] = m.result_source.value if m.result_source else None
    values["unconfirmed"] = [int(p) for p in m.unconfirmed] if m.unconfirmed else None
    return values


async def insert(conn: AsyncConnection, draft: Match, idempotency_key: str) -> tuple[Match, bool]:
    """Insert a new match unless one with the same idempotency key exists.

    Returns ``(match, created)``; on a repeat the stored match is returned unchanged.
    """
    values = {
        "idempotency_key": idempotency_key,
        "player1_id": draft.player1,
        "player2_id": draft.player2,
        "race1": draft.race1,
        "race2": draft.race2,
        "mmr1": draft.mmr1,
        "mmr2": draft.mmr2,
        "map_name": draft.map_name,
        "server": draft.server,
        "created_at": draft.created_at,
        "confirm_deadline": draft.confirm_deadline,
        "rating_model": draft.rating_model,
        "rd1": draft.rd1,
        "rd2": draft.rd2,
        "vol1": draft.vol1,
        "vol2": draft.vol2,
        "version": 1,
        **{k: v for k, v in _mutable_values(draft).items()},
    }
    stmt = insert_ignore(conn, matches, ["idempotency_key"]).values(**values).returning(*matches.c)
    row = (await conn.execute(stmt)).mappings().first()
    if row is not None:
        return match_from_row(row), True
    existing = (
        (await conn.execute(select(matches).where(matches.c.idempotency_key == idempotency_key))).mappings().one()
    )
    return match_from_row(existing), False


async def update_cas(conn: AsyncConnection, new: Match, expected_version: int) -> bool:
    """Store ``new`` if the row is still at ``expected_version`` (``new.version`` must be the next)."""
    stmt = (
        update(matches)
        .where(matches.c.id == new.id, matches.c.version == expected_version)
        .values(**_mutable_values(new), version=new.version)
    )
    return bool((await conn.execute(stmt)).rowcount)


async def get(conn: AsyncConnection, match_id: MatchId) -> Match | None:
    row = (await conn.execute(select(matches).where(matches.c.id == match_id))).mappings().first()
    return match_from_row(row) if row else None


async def active(conn: AsyncConnection) -> list[Match]:
    """Matches that still hold their players (created or in progress)."""
    stmt = select(matches).where(matches.c.state.in_([MatchState.CREATED.value, MatchState.IN_PROGRESS.value]))
    return [match_from_row(r) for r in (await conn.execute(stmt)).mappings().all()]


async def recent_for_player(conn: AsyncConnection, player_id: PlayerId, limit: int = 10) -> list[Match]:
    stmt = (
        select(matches)
        .where(or_(matches.c.player1_id == player_id, matches.c.player2_id == player_id))
        .order_by(matches.c.created_at.desc(), matches.c.id.desc())
        .limit(limit)
    )
    return [match_from_row(r) for r in (await conn.execute(stmt)).mappings().all()]
