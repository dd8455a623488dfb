"""Ladder statistics as SQL aggregates: every statement is a ``GROUP BY`` that returns a few hundred rows
at most, whatever the number of matches or players (the database does the counting, not Python).

* :func:`matches_per_day`: matches created per UTC day since a moment, and how many of them were decided;
* :func:`active_by_region`: distinct players per region with a rated game since a moment;
* :func:`outcomes_by_map`: decided results grouped by map and the two sides' races (the race matrix
  and the map table are both sums over these rows, so one statement feeds both);
* :func:`mmr_buckets`: ranked entries counted per fixed-width MMR bucket.

"Decided" means what it means everywhere else in the store: ``state = 'completed'`` with a result
(voided and aborted matches carry none). Which race belongs to which game is the data pack's
knowledge, so orienting rows as "BW side vs SC2 side" is the service's job, not SQL's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.store.tables import matches, players, ratings

MMR_OFFSET = 100_000
"""Added before integer division so buckets of negative MMRs floor the same way on both databases
(SQLite and PostgreSQL both truncate integer division toward zero)."""


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    created: int
    decided: int


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    """Decided matches on one map between ``race1`` (player 1) and ``race2`` with one ``result``."""

    map_name: str
    race1: str
    race2: str
    result: int
    games: int


def _utc_day(conn: AsyncConnection, column: ColumnElement[datetime]) -> ColumnElement[str]:
    """``YYYY-MM-DD`` of a UTC timestamp column. SQLite stores ``YYYY-MM-DD HH:MM:SS...`` text in UTC
    (see ``types.UTCDateTime``); PostgreSQL's ``timestamptz`` is converted to UTC first, so the
    session's time zone cannot move a match to another day."""
    if conn.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.substr(column, 1, 10)


def _decided() -> ColumnElement[bool]:
    return and_(matches.c.state == "completed", matches.c.result.is_not(None))


async def matches_per_day(conn: AsyncConnection, since: datetime) -> list[DayCount]:
    """Days with at least one match created at or after ``since``, oldest first."""
    day = _utc_day(conn, matches.c.created_at).label("day")
    stmt = (
        select(day, func.count(), func.sum(case((_decided(), 1), else_=0)))
        .where(matches.c.created_at >= since)
        .group_by(day)
        .order_by(day)
    )
    rows = (await conn.execute(stmt)).all()
    return [DayCount(date.fromisoformat(str(r[0])), int(r[1]), int(r[2] or 0)) for r in rows]


async def active_by_region(conn: AsyncConnection, since: datetime) -> dict[str | None, int]:
    """Players (not banned) with a rated game at or after ``since``, counted per region."""
    stmt = (
        select(players.c.region, func.count(func.distinct(ratings.c.player_id)))
        .select_from(ratings.join(players, players.c.id == ratings.c.player_id))
        .where(ratings.c.games_played > 0, ratings.c.last_played >= since, players.c.is_banned.is_(False))
        .group_by(players.c.region)
    )
    return {r[0]: int(r[1]) for r in (await conn.execute(stmt)).all()}


async def outcomes_by_map(conn: AsyncConnection) -> list[OutcomeRow]:
    """Every decided match, grouped by map, both races and result (at most maps x races^2 x 3 rows)."""
    m = matches.c
    stmt = (
        select(m.map_name, m.race1, m.race2, m.result, func.count())
        .where(_decided())
        .group_by(m.map_name, m.race1, m.race2, m.result)
    )
    return [OutcomeRow(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4])) for r in (await conn.execute(stmt)).all()]


async def mmr_buckets(conn: AsyncConnection, *, width: int, active_since: datetime) -> list[tuple[int, int]]:
    """``(bucket low MMR, entries)`` for entries the board ranks: a game played, played at or after
    ``active_since``, player not banned (the board's rule, with its window passed in). Lowest first."""
    if width < 1:
        raise ValueError(f"bucket width must be at least 1, got {width}")
    bucket = ((ratings.c.mmr + literal_column(str(MMR_OFFSET))) / literal_column(str(width))).label("bucket")
    stmt = (
        select(bucket, func.count())
        .select_from(ratings.join(players, players.c.id == ratings.c.player_id))
        .where(ratings.c.games_played > 0, ratings.c.last_played >= active_since, players.c.is_banned.is_(False))
        .group_by(bucket)
        .order_by(bucket)
    )
    return [(int(r[0]) * width - MMR_OFFSET, int(r[1])) for r in (await conn.execute(stmt)).all()]
