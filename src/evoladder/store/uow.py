"""Transactions: every user action runs in exactly one ``Database.write()`` block.

The block commits when it exits normally and rolls back on any exception, so a failure between
the first statement and the commit leaves no trace. On SQLite, writers in this process queue on
an asyncio lock and take the database lock up front (``BEGIN IMMEDIATE``); other processes wait
on SQLite's busy timeout. On PostgreSQL, row locks and compare-and-set updates do that job.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from evoladder.store.engine import is_sqlite

BeforeCommitHook = Callable[[AsyncConnection], Awaitable[None]]


class Database:
    """The process's handle on the database: an engine plus transaction helpers."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.is_sqlite = is_sqlite(engine.url)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self.before_commit: BeforeCommitHook | None = None
        """Test hook: runs after the block's statements, just before COMMIT. Raising aborts it."""

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """One read-write transaction."""
        if self._write_lock is None:
            async with self.engine.connect() as conn, conn.begin():
                yield conn
                if self.before_commit is not None:
                    await self.before_commit(conn)
            return
        async with self._write_lock, self.engine.connect() as raw:
            conn = await raw.execution_options(sqlite_begin="IMMEDIATE")
            async with conn.begin():
                yield conn
                if self.before_commit is not None:
                    await self.before_commit(conn)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction (rolled back at the end)."""
        async with self.engine.connect() as conn, conn.begin() as tx:
            yield conn
            await tx.rollback()

    async def dispose(self) -> None:
        await self.engine.dispose()
