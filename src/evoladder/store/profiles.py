"""A profile's stored part in ONE statement: rating history, recent matches and aborts this month.

Why one statement: a profile is the most-read page after the leaderboard, and the rest of it
(identity, ratings, standings) is already in memory. The three reads are stitched with
``UNION ALL`` under a ``kind`` column, so a profile costs one database round trip on SQLite and
PostgreSQL alike. Columns a kind does not use are NULL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    CompoundSelect,
    Integer,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.domain.ids import PlayerId
from evoladder.store.tables import abort_counts, matches, rating_history

HISTORY = "h"
MATCH = "m"
ABORTS = "a"


@dataclass(frozen=True, slots=True)
class ProfileRows:
    history: list[RowMapping]
    """``race, at, mmr, delta, played, won, lost, drawn (changes), source, match_id`` in time order."""
    matches: list[RowMapping]
    """Newest first: ``match_id, at, me, race_me, opponent, race_opponent, mmr_me, delta_me, map_name,
    server, state, result, side``."""
    aborts_used: int


def _n(type_: Any) -> Any:
    return null().cast(type_)


async def read_profile_rows(
    conn: AsyncConnection, player_id: PlayerId, *, month: str, recent: int = 10, history_limit: int = 2000
) -> ProfileRows:
    """History (latest ``history_limit`` points), the ``recent`` newest matches and the abort count."""
    params = {"pid": player_id, "month": month, "recent": recent, "hist_limit": history_limit}
    rows = (await conn.execute(_profile_statement(), params)).mappings().all()
    history = sorted((x for x in rows if x["kind"] == HISTORY), key=lambda x: (x["at"], x["seq"]))
    recent_rows = sorted((x for x in rows if x["kind"] == MATCH), key=lambda x: (x["at"], x["seq"]), reverse=True)
    aborts = next((int(x["seq"]) for x in rows if x["kind"] == ABORTS), 0)
    return ProfileRows(history=history, matches=recent_rows, aborts_used=aborts)


@cache
def _profile_statement() -> CompoundSelect[Any]:
    """Built once, with bound parameters: constructing this statement (subqueries over the 40-odd
    columns of ``matches``) costs ~5 ms of event-loop time, compiling it again as much."""
    player_id = bindparam("pid", type_=BigInteger)
    month = bindparam("month", type_=String)
    recent = bindparam("recent", type_=Integer)
    history_limit = bindparam("hist_limit", type_=Integer)
    h = rating_history
    hist_inner = (
        select(h)
        .where(h.c.player_id == player_id)
        .order_by(h.c.at.desc(), h.c.id.desc())
        .limit(history_limit)
        .subquery("hist")
    )
    m = matches
    mine = or_(m.c.player1_id == player_id, m.c.player2_id == player_id)
    wanted: tuple[str, ...] = ("id", "created_at", "player1_id", "player2_id", "race1", "race2", "mmr1", "mmr2")
    wanted += ("delta1", "delta2", "map_name", "server", "state", "result")
    recent_inner = (
        select(*(m.c[name] for name in wanted))
        .where(mine)
        .order_by(m.c.created_at.desc(), m.c.id.desc())
        .limit(recent)
        .subquery("recent")
    )
    r = recent_inner.c
    p1 = r.player1_id == player_id

    history_part = select(
        literal(HISTORY, String).label("kind"),
        hist_inner.c.id.label("seq"),
        hist_inner.c.at.label("at"),
        hist_inner.c.race.label("race"),
        hist_inner.c.mmr.label("mmr"),
        hist_inner.c.delta.label("delta"),
        hist_inner.c.played.label("played"),
        hist_inner.c.won.label("won"),
        hist_inner.c.lost.label("lost"),
        hist_inner.c.drawn.label("drawn"),
        hist_inner.c.source.label("source"),
        hist_inner.c.match_id.label("match_id"),
        _n(m.c.player2_id.type).label("opponent"),
        _n(String).label("race_opponent"),
        _n(String).label("map_name"),
        _n(String).label("server"),
        _n(Integer).label("result"),
        _n(Integer).label("side"),
    )
    match_part = select(
        literal(MATCH, String).label("kind"),
        r.id.label("seq"),
        r.created_at.label("at"),
        case((p1, r.race1), else_=r.race2).label("race"),
        case((p1, r.mmr1), else_=r.mmr2).label("mmr"),
        case((p1, r.delta1), else_=r.delta2).label("delta"),
        _n(Integer).label("played"),
        _n(Integer).label("won"),
        _n(Integer).label("lost"),
        _n(Integer).label("drawn"),
        r.state.label("source"),
        r.id.label("match_id"),
        case((p1, r.player2_id), else_=r.player1_id).label("opponent"),
        case((p1, r.race2), else_=r.race1).label("race_opponent"),
        r.map_name.label("map_name"),
        r.server.label("server"),
        r.result.label("result"),
        case((p1, 1), else_=2).label("side"),
    )
    a = abort_counts
    aborts_part = select(
        literal(ABORTS, String).label("kind"),
        func.coalesce(func.sum(a.c.count), 0).label("seq"),
        *(_n(t).label(name) for name, t in _ABORT_NULLS),
    ).where(and_(a.c.player_id == player_id, a.c.month == month))
    return union_all(history_part, match_part, aborts_part)


_ABORT_NULLS: Sequence[tuple[str, Any]] = (
    ("at", rating_history.c.at.type),
    ("race", String),
    ("mmr", Integer),
    ("delta", Integer),
    ("played", Integer),
    ("won", Integer),
    ("lost", Integer),
    ("drawn", Integer),
    ("source", String),
    ("match_id", Integer),
    ("opponent", matches.c.player2_id.type),
    ("race_opponent", String),
    ("map_name", String),
    ("server", String),
    ("result", Integer),
    ("side", Integer),
)
