"""``INSERT ... ON CONFLICT DO NOTHING`` tells a new row from a skipped one, on SQLite and PostgreSQL.

Regression: without ``preserve_rowcount`` SQLAlchemy reports -1 for psycopg INSERTs, so a skipped
insert looked like a new player on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from evoladder.domain.ids import PlayerId
from evoladder.store import players as player_store
from evoladder.store.engine import create_engine
from evoladder.store.uow import Database


async def test_insert_if_absent_is_true_once(db_url: str) -> None:
    db = Database(create_engine(db_url))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    try:
        async with db.write() as conn:
            assert await player_store.insert_if_absent(conn, PlayerId(42), "first", now) is True
            assert await player_store.insert_if_absent(conn, PlayerId(42), "again", now) is False
        async with db.write() as conn:
            assert await player_store.insert_if_absent(conn, PlayerId(42), "later", now) is False
    finally:
        await db.dispose()
