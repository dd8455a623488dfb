"""Head-to-head records: one player's decided results against each opponent, in ONE statement.

Grouped in the database (``GROUP BY`` the opponent over the player's two match indexes), so the
round trip carries one row per opponent, not every match. Only matches with a result count:
``completed`` rows with a non-NULL ``result`` (voided and aborted matches do not).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Integer, Select, bindparam, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.domain.ids import PlayerId
from evoladder.store.tables import matches


@dataclass(frozen=True, slots=True)
class HeadToHeadRow:
    opponent_id: PlayerId
    games: int
    won: int
    lost: int
    drawn: int
    last_at: object


async def read_head_to_head(conn: AsyncConnection, player_id: PlayerId, *, limit: int = 5) -> list[HeadToHeadRow]:
    """The ``limit`` most frequent opponents, most games first (ties: most recent first, then id)."""
    rows = (await conn.execute(_statement(), {"pid": player_id, "limit": limit})).all()
    return [HeadToHeadRow(PlayerId(int(r[0])), int(r[1]), int(r[2]), int(r[3]), int(r[4]), r[5]) for r in rows]


@cache
def _statement() -> Select[Any]:
    """Built once with bound parameters (see ``store.profiles`` for why)."""
    pid = bindparam("pid", type_=BigInteger)
    m = matches
    me_first = m.c.player1_id == pid
    opponent = case((me_first, m.c.player2_id), else_=m.c.player1_id).label("opponent")
    my_side = case((me_first, 1), else_=2)
    won = func.sum(case((m.c.result == my_side, 1), else_=0))
    drawn = func.sum(case((m.c.result == 0, 1), else_=0))
    games = func.count()
    return (
        select(
            opponent,
            games.label("games"),
            won.label("won"),
            (games - won - drawn).label("lost"),
            drawn.label("drawn"),
            func.max(m.c.created_at).label("last_at"),
        )
        .where(or_(m.c.player1_id == pid, m.c.player2_id == pid), m.c.state == "completed", m.c.result.is_not(None))
        .group_by(opponent)
        .order_by(games.desc(), func.max(m.c.created_at).desc(), opponent)
        .limit(bindparam("limit", type_=Integer))
    )
