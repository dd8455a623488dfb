"""Season rows, frozen standings, and the rollover's rating reset (one statement for every rating)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, case, cast, func, insert, literal, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.domain.ids import PlayerId
from evoladder.domain.ranks import RANKED_LETTERS, Letter, rank_table
from evoladder.domain.seasons import CarryOver
from evoladder.store.dialect import insert_ignore
from evoladder.store.tables import players, queue_entries, ratings, season_standings, seasons


async def current(conn: AsyncConnection) -> RowMapping | None:
    """The open season's row, if the ladder has started one."""
    stmt = select(seasons).where(seasons.c.closed_at.is_(None)).order_by(seasons.c.started_at.desc()).limit(1)
    return (await conn.execute(stmt)).mappings().first()


async def all_seasons(conn: AsyncConnection) -> list[RowMapping]:
    return list((await conn.execute(select(seasons).order_by(seasons.c.started_at))).mappings().all())


async def open_first(conn: AsyncConnection, code: str, now: datetime) -> None:
    """Record the first season of a ladder (no-op when any season exists)."""
    if (await conn.execute(select(func.count()).select_from(seasons))).scalar():
        return
    await conn.execute(insert_ignore(conn, seasons, ["code"]).values(code=code, started_at=now))


async def roll_over(
    conn: AsyncConnection, *, old: str, new: str, now: datetime, admin_id: int, carry_over: str
) -> bool:
    """Close ``old`` and open ``new``; False if ``old`` was not the open season (a concurrent rollover)."""
    closed = await conn.execute(
        update(seasons).where(seasons.c.code == old, seasons.c.closed_at.is_(None)).values(closed_at=now)
    )
    if closed.rowcount != 1:
        return False
    await conn.execute(insert(seasons).values(code=new, started_at=now, started_by=admin_id, carry_over=carry_over))
    return True


async def reset_ratings(conn: AsyncConnection, *, mode: CarryOver, factor: float, mean: int, now: datetime) -> int:
    """Every rating enters the new season in ONE statement: records restart, MMR per ``mode``.

    Bumps ``change_seq`` with source ``season``, so the history trigger records each change.
    """
    values: dict[str, Any] = {
        "games_played": 0,
        "games_won": 0,
        "games_lost": 0,
        "games_drawn": 0,
        "change_seq": ratings.c.change_seq + 1,
        "change_source": "season",
        "change_match_id": None,
        "changed_at": now,
    }
    if mode is CarryOver.SOFT:
        keep: Any = bindparam("keep_share", 1.0 - factor)
        values["mmr"] = cast(func.round(mean + (ratings.c.mmr - mean) * keep), Integer)
    result = await conn.execute(update(ratings).values(**values))
    return int(result.rowcount or 0)


async def set_queue_vetoes(conn: AsyncConnection, changes: Sequence[tuple[PlayerId, list[str]]]) -> None:
    if not changes:
        return
    stmt = (
        update(queue_entries)
        .where(queue_entries.c.player_id == bindparam("pid"))
        .values(map_vetoes=bindparam("vetoes"))
    )
    await conn.execute(stmt, [{"pid": pid, "vetoes": vetoes} for pid, vetoes in changes])


async def standings(conn: AsyncConnection, season: str) -> list[RowMapping]:
    stmt = select(season_standings).where(season_standings.c.season == season)
    return list((await conn.execute(stmt)).mappings().all())


async def freeze_from_ratings(conn: AsyncConnection, *, season: str, now: datetime, cutoff: datetime) -> int:
    """Copy every rating into ``season_standings`` as it stands, with its position and letter.

    Two statements, no rows through Python: the ranked count, then one ``INSERT ... SELECT`` that
    numbers ranked entries with ``ROW_NUMBER()`` in the board's order (MMR, then last played, both
    descending, then the entry id) and turns positions into letters with the boundaries of
    :func:`evoladder.domain.ranks.rank_table`. Ranked = at least one game, played at or after
    ``cutoff``, player not banned: the live board's rule. Returns the ranked count.
    """
    r, p = ratings.alias("r"), players.alias("p")
    ranked_cond = and_(
        r.c.games_played >= 1, r.c.last_played.is_not(None), r.c.last_played >= cutoff, p.c.is_banned.is_(False)
    )
    n = int(
        (
            await conn.execute(select(func.count()).select_from(r.join(p, p.c.id == r.c.player_id)).where(ranked_cond))
        ).scalar()
        or 0
    )
    table = rank_table(n)
    order = func.row_number().over(order_by=(r.c.mmr.desc(), r.c.last_played.desc(), r.c.id.asc()))
    numbered = (
        select(r.c.id.label("rid"), order.label("pos"))
        .select_from(r.join(p, p.c.id == r.c.player_id))
        .where(ranked_cond)
        .subquery("numbered")
    )
    r2, p2 = ratings.alias("r2"), players.alias("p2")
    pos = numbered.c.pos
    letter = case(
        (pos.is_(None), Letter.U.value),
        *[(pos <= end, letter.value) for letter, end in zip(RANKED_LETTERS, table.ends, strict=True) if end > 0],
        else_=Letter.U.value,
    )
    name = func.coalesce(p2.c.in_game_name, p2.c.discord_username, cast(p2.c.id, String))
    source = select(
        literal(season, String),
        r2.c.id,
        r2.c.player_id,
        r2.c.race,
        pos,
        letter,
        r2.c.mmr,
        r2.c.games_played,
        r2.c.games_won,
        r2.c.games_lost,
        r2.c.games_drawn,
        r2.c.last_played,
        name,
        p2.c.alt_name_1,
        p2.c.alt_name_2,
        p2.c.country,
    ).select_from(r2.join(p2, p2.c.id == r2.c.player_id).outerjoin(numbered, numbered.c.rid == r2.c.id))
    columns = [
        "season", "entry_id", "player_id", "race", "position", "letter", "mmr", "games_played", "games_won",
        "games_lost", "games_drawn", "last_played", "name", "alt_name_1", "alt_name_2", "country",
    ]  # fmt: skip
    await conn.execute(insert(season_standings).from_select(columns, source))
    return n


async def closed_at(conn: AsyncConnection, season: str) -> datetime | None:
    """When ``season`` closed on this ladder (None: never run, or still open)."""
    return (await conn.execute(select(seasons.c.closed_at).where(seasons.c.code == season))).scalar()
