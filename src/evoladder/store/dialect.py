"""The few statements whose spelling differs between SQLite and PostgreSQL, in one place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert


def insert_ignore(conn: AsyncConnection, table: Table, index_elements: Sequence[str]) -> Insert:
    """``INSERT ... ON CONFLICT (index_elements) DO NOTHING`` for the connection's dialect.

    ``rowcount`` tells whether the row was inserted: SQLAlchemy only keeps an INSERT's rowcount when
    asked (``preserve_rowcount``); without it psycopg's is -1 and a skipped insert looked like a new row.
    """
    mod: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = mod.insert(table).on_conflict_do_nothing(index_elements=list(index_elements))
    return stmt.execution_options(preserve_rowcount=True)  # type: ignore[no-any-return]


def upsert_add(
    conn: AsyncConnection, table: Table, index_elements: Sequence[str], values: dict[str, Any], add: str
) -> Insert:
    """``INSERT ... ON CONFLICT DO UPDATE SET add = add + excluded.add`` (a counter upsert)."""
    mod: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = mod.insert(table).values(**values)
    return stmt.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=list(index_elements),
        set_={add: table.c[add] + stmt.excluded[add]},
    )
