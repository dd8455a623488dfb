"""SQL for cross-process updates on PostgreSQL: ``NOTIFY`` the changed ids, ``LISTEN``, fetch the rows.

The writer (the ladder's process) sends only ids, because a ``NOTIFY`` payload is capped at 8,000
bytes; a reader fetches the current rows of all the ids in one message with ONE statement.
The channel is named after the connection's schema, so two ladders in two schemas of one
database (tests, a staging copy) never hear each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.domain.ids import PlayerId
from evoladder.domain.player import Player, Rating
from evoladder.store.engine import sync_url
from evoladder.store.players import player_from_row, rating_from_row
from evoladder.store.tables import players, ratings

CHANNEL_PREFIX = "evoladder_changes"
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


async def channel(conn: AsyncConnection) -> str:
    """The ladder's channel name: ``evoladder_changes:<schema>``."""
    schema = (await conn.execute(select(func.current_schema()))).scalar_one()
    return f"{CHANNEL_PREFIX}:{schema}"


async def notify(conn: AsyncConnection, channel_name: str, payloads: Sequence[str]) -> None:
    """Queue the payloads on the channel; PostgreSQL delivers them when ``conn``'s transaction commits."""
    for payload in payloads:
        await conn.execute(_NOTIFY, {"channel": channel_name, "payload": payload})


@cache
def _rows_statement() -> Any:
    """Players with all their ratings, as ``(player columns, r_* rating columns)`` rows; built once."""
    r = ratings.alias("r")
    return (
        select(players, *(c.label(f"r_{c.name}") for c in r.c))
        .select_from(players.outerjoin(r, r.c.player_id == players.c.id))
        .where(players.c.id.in_(bindparam("ids", expanding=True)))
    )


async def players_with_ratings(conn: AsyncConnection, ids: Sequence[PlayerId]) -> list[tuple[Player, list[Rating]]]:
    """The current rows of ``ids`` (unknown ids are skipped), each player with ALL their ratings."""
    if not ids:
        return []
    rows = (await conn.execute(_rows_statement(), {"ids": list(ids)})).mappings().all()
    out: dict[int, tuple[Player, list[Rating]]] = {}
    for row in rows:
        if row["id"] not in out:
            out[row["id"]] = (player_from_row(row), [])
        if row["r_id"] is not None:
            out[row["id"]][1].append(rating_from_row({k[2:]: v for k, v in row.items() if k.startswith("r_")}))
    return list(out.values())


def libpq_url(url: str | URL) -> str:
    """The SQLAlchemy URL as a libpq connection string (password kept), for a raw psycopg connection."""
    target = sync_url(url)  # type: ignore[arg-type]  # make_url takes a URL as it is (str() would hide the password)
    return target.set(drivername="postgresql").render_as_string(hide_password=False)


async def listen(conninfo: str, channel_name: str) -> psycopg.AsyncConnection[Any]:
    """A dedicated autocommit connection LISTENing on the channel; iterate ``conn.notifies()``."""
    conn = await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
    try:
        await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel_name)))
    except BaseException:
        await conn.close()
        raise
    return conn
