"""Player and rating rows: reads, compare-and-set updates, and the busy flag."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Float, Integer, String, and_, bindparam, case, func, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.domain.ids import CountryCode, MatchId, PlayerId, RaceCode, RegionCode
from evoladder.domain.match import RatingEffect
from evoladder.domain.player import Player, Rating
from evoladder.domain.rating import RatingState
from evoladder.store.dialect import insert_ignore
from evoladder.store.tables import players, ratings
from evoladder.store.types import UTCDateTime

PROFILE_COLUMNS = (
    "discord_username",
    "in_game_name",
    "battletag",
    "alt_name_1",
    "alt_name_2",
    "country",
    "region",
    "language",
    "tos_accepted",
    "tos_changed_at",
    "setup_completed_at",
    "is_banned",
    "ban_reason",
    "quick_start_read_at",
    "shield_battery_ack_at",
)


HISTORY_SOURCES = frozenset({"match", "admin", "import", "season"})
"""What may cause a rating change, as stored in ``rating_history.source``."""


def player_from_row(row: RowMapping | Mapping[str, Any]) -> Player:
    alts = tuple(a for a in (row["alt_name_1"], row["alt_name_2"]) if a)
    return Player(
        id=PlayerId(row["id"]),
        discord_username=row["discord_username"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        in_game_name=row["in_game_name"],
        battletag=row["battletag"],
        alt_names=alts,
        country=CountryCode(row["country"]) if row["country"] else None,
        region=RegionCode(row["region"]) if row["region"] else None,
        language=row["language"],
        tos_accepted=bool(row["tos_accepted"]),
        tos_changed_at=row["tos_changed_at"],
        setup_completed_at=row["setup_completed_at"],
        is_banned=bool(row["is_banned"]),
        ban_reason=row["ban_reason"],
        active_match_id=MatchId(row["active_match_id"]) if row["active_match_id"] is not None else None,
        version=row["version"],
        quick_start_read_at=row.get("quick_start_read_at"),
        shield_battery_ack_at=row.get("shield_battery_ack_at"),
    )


def rating_from_row(row: RowMapping | Mapping[str, Any]) -> Rating:
    return Rating(
        player_id=PlayerId(row["player_id"]),
        race=RaceCode(row["race"]),
        mmr=row["mmr"],
        games_played=row["games_played"],
        games_won=row["games_won"],
        games_lost=row["games_lost"],
        games_drawn=row["games_drawn"],
        last_played=row["last_played"],
        entry_id=row["id"],
        rd=row["rd"],
        volatility=row["volatility"],
    )


def player_values(p: Player) -> dict[str, Any]:
    """Column values for a player's profile fields."""
    alts = [*p.alt_names, None, None]
    return {
        "discord_username": p.discord_username,
        "in_game_name": p.in_game_name,
        "battletag": p.battletag,
        "alt_name_1": alts[0],
        "alt_name_2": alts[1],
        "country": p.country,
        "region": p.region,
        "language": p.language,
        "tos_accepted": p.tos_accepted,
        "tos_changed_at": p.tos_changed_at,
        "setup_completed_at": p.setup_completed_at,
        "is_banned": p.is_banned,
        "ban_reason": p.ban_reason,
        "quick_start_read_at": p.quick_start_read_at,
        "shield_battery_ack_at": p.shield_battery_ack_at,
    }


async def get_with_ratings(conn: AsyncConnection, player_id: PlayerId) -> tuple[Player, list[Rating]] | None:
    """A player and all their ratings in one round trip (LEFT JOIN)."""
    r = ratings.alias("r")
    stmt = (
        select(
            players,
            r.c.id.label("r_id"),
            r.c.race.label("r_race"),
            r.c.mmr.label("r_mmr"),
            r.c.games_played.label("r_games_played"),
            r.c.games_won.label("r_games_won"),
            r.c.games_lost.label("r_games_lost"),
            r.c.games_drawn.label("r_games_drawn"),
            r.c.last_played.label("r_last_played"),
            r.c.rd.label("r_rd"),
            r.c.volatility.label("r_volatility"),
        )
        .select_from(players.outerjoin(r, r.c.player_id == players.c.id))
        .where(players.c.id == player_id)
    )
    rows = (await conn.execute(stmt)).mappings().all()
    if not rows:
        return None
    player = player_from_row(rows[0])
    out = [
        Rating(
            player_id=player.id,
            race=RaceCode(row["r_race"]),
            mmr=row["r_mmr"],
            games_played=row["r_games_played"],
            games_won=row["r_games_won"],
            games_lost=row["r_games_lost"],
            games_drawn=row["r_games_drawn"],
            last_played=row["r_last_played"],
            entry_id=row["r_id"],
            rd=row["r_rd"],
            volatility=row["r_volatility"],
        )
        for row in rows
        if row["r_race"] is not None
    ]
    return player, out


async def insert_if_absent(conn: AsyncConnection, player_id: PlayerId, username: str | None, now: datetime) -> bool:
    """Create the player row unless it exists. True when this call created it."""
    stmt = insert_ignore(conn, players, ["id"]).values(
        id=player_id,
        discord_username=username,
        tos_accepted=False,
        is_banned=False,
        created_at=now,
        updated_at=now,
        version=1,
    )
    result = await conn.execute(stmt)
    return bool(result.rowcount)


async def update_cas(conn: AsyncConnection, new: Player, expected_version: int, now: datetime) -> bool:
    """Write ``new``'s profile fields if the row is still at ``expected_version``."""
    stmt = (
        update(players)
        .where(players.c.id == new.id, players.c.version == expected_version)
        .values(**player_values(new), updated_at=now, version=expected_version + 1)
    )
    return bool((await conn.execute(stmt)).rowcount)


async def claim_for_match(conn: AsyncConnection, ids: Sequence[PlayerId], match_id: MatchId) -> int:
    """Mark players busy with ``match_id`` unless already busy. Returns how many were claimed."""
    stmt = (
        update(players)
        .where(players.c.id.in_(list(ids)), players.c.active_match_id.is_(None))
        .values(active_match_id=match_id)
    )
    return int((await conn.execute(stmt)).rowcount)


async def release_from_match(conn: AsyncConnection, ids: Sequence[PlayerId], match_id: MatchId) -> None:
    stmt = (
        update(players)
        .where(players.c.id.in_(list(ids)), players.c.active_match_id == match_id)
        .values(active_match_id=None)
    )
    await conn.execute(stmt)


async def force_release(conn: AsyncConnection, player_id: PlayerId) -> None:
    """Clear a player's busy flag whatever it points at (admin ``unblock``)."""
    await conn.execute(update(players).where(players.c.id == player_id).values(active_match_id=None))


async def ensure_ratings(
    conn: AsyncConnection, pairs: Iterable[tuple[PlayerId, RaceCode]], initial: RatingState
) -> None:
    """Create missing rating rows at the model's starting state, in one statement."""
    rows = [
        {
            "player_id": p,
            "race": r,
            "mmr": initial.mmr,
            "rd": initial.rd,
            "volatility": initial.volatility,
            "games_played": 0,
            "games_won": 0,
            "games_lost": 0,
            "games_drawn": 0,
        }
        for p, r in pairs
    ]
    if rows:
        await conn.execute(insert_ignore(conn, ratings, ["player_id", "race"]), rows)


async def apply_rating_effects(
    conn: AsyncConnection,
    effects: Sequence[RatingEffect],
    *,
    source: str,
    at: datetime,
    match_id: int | None = None,
) -> list[Rating]:
    """Apply every effect in ONE statement (``mmr = mmr + delta`` etc.) and return the new rows.

    Relative updates mean concurrent admin adjustments are never lost. The statement also bumps
    ``change_seq`` and records what caused the change, so the database's trigger appends the
    change to ``rating_history`` in this same transaction (migration 0004): no extra round trip.
    ``source`` is one of :data:`HISTORY_SOURCES`.
    """
    if not effects:
        return []
    if source not in HISTORY_SOURCES:
        raise ValueError(f"unknown rating change source {source!r}")

    params: dict[str, Any] = {"src": source, "mid": match_id, "at": at}
    for k, e in enumerate(effects):
        params.update(
            {f"p{k}": e.player, f"r{k}": e.race, f"d{k}": e.mmr_delta, f"gp{k}": e.played, f"gw{k}": e.won,
             f"gl{k}": e.lost, f"gd{k}": e.drawn, f"rd{k}": e.rd, f"vol{k}": e.volatility, f"lp{k}": e.last_played}
        )  # fmt: skip
    stmt = _effects_statement(len(effects))
    return [rating_from_row(r) for r in (await conn.execute(stmt, params)).mappings().all()]


@cache
def _effects_statement(n: int) -> Any:
    """The UPDATE for ``n`` effects, built and compiled once per ``n`` (1 or 2 in practice).

    Values are bound parameters: a statement with the values inlined is a new statement for every
    match, ~3 ms of event-loop time to construct and compile. A ``None`` rd, volatility or
    last-played time keeps the stored value (``COALESCE``).
    """

    def row(k: int) -> Any:
        return and_(
            ratings.c.player_id == bindparam(f"p{k}", type_=BigInteger),
            ratings.c.race == bindparam(f"r{k}", type_=String),
        )

    def plus(column: str, name: str) -> Any:
        delta = case(*[(row(k), bindparam(f"{name}{k}", type_=Integer)) for k in range(n)], else_=0)
        return ratings.c[column] + delta

    def keep_or(column: str, name: str, type_: Any) -> Any:
        col = ratings.c[column]
        return case(*[(row(k), func.coalesce(bindparam(f"{name}{k}", type_=type_), col)) for k in range(n)], else_=col)

    return (
        update(ratings)
        .where(or_(*[row(k) for k in range(n)]))
        .values(
            mmr=plus("mmr", "d"),
            games_played=plus("games_played", "gp"),
            games_won=plus("games_won", "gw"),
            games_lost=plus("games_lost", "gl"),
            games_drawn=plus("games_drawn", "gd"),
            rd=keep_or("rd", "rd", Float),
            volatility=keep_or("volatility", "vol", Float),
            last_played=keep_or("last_played", "lp", UTCDateTime),
            change_seq=ratings.c.change_seq + 1,
            change_source=bindparam("src", type_=String),
            change_match_id=bindparam("mid", type_=Integer),
            changed_at=bindparam("at", type_=UTCDateTime),
        )
        .returning(*ratings.c)
    )


async def stream_players(conn: AsyncConnection, chunk: int = 500) -> AsyncIterator[list[Player]]:
    """Every player, ``chunk`` rows at a time (a server-side cursor), so a caller on the event loop
    can yield between chunks instead of converting the whole table in one go."""
    result = await conn.stream(select(players).execution_options(yield_per=chunk))
    async for part in result.mappings().partitions(chunk):
        yield [player_from_row(r) for r in part]


async def stream_ratings(conn: AsyncConnection, chunk: int = 500) -> AsyncIterator[list[Rating]]:
    """Every rating row, ``chunk`` rows at a time (see :func:`stream_players`)."""
    result = await conn.stream(select(ratings).execution_options(yield_per=chunk))
    async for part in result.mappings().partitions(chunk):
        yield [rating_from_row(r) for r in part]
