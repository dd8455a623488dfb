"""Engine construction: one pooled async engine per process, the same code for SQLite and PostgreSQL.

SQLite gets WAL, a busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` for write transactions
(so two writers queue instead of deadlocking on a lock upgrade); PostgreSQL gets a sized pool
with pre-ping. URLs without an async driver are completed (``postgresql://`` -> psycopg,
``sqlite://`` -> aiosqlite).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

SQLITE_BUSY_TIMEOUT_MS = 10_000


def async_url(url: str) -> URL:
    """Normalise a database URL to the async driver this project uses."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")


def sync_url(url: str) -> URL:
    """The same database through a synchronous driver (Alembic, importers, benchmarks)."""
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite")
    return parsed  # psycopg 3 serves both sync and async


def is_sqlite(url: str | URL) -> bool:
    return make_url(str(url) if isinstance(url, URL) else url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's implicit BEGIN is not wanted).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def install_sqlite_hooks(sync_engine: Any) -> None:
    """Pragmas on connect, and an explicit BEGIN whose mode the unit of work chooses."""
    event.listen(sync_engine, "connect", _sqlite_pragmas)
    event.listen(sync_engine, "begin", _sqlite_begin)


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """Build the process's engine. Creates the SQLite file's folder when needed."""
    target = async_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if target.get_backend_name() == "sqlite":
        db = target.database
        if db and db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        kwargs["poolclass"] = NullPool if not db or db == ":memory:" else None
        if kwargs["poolclass"] is None:
            del kwargs["poolclass"]
            # Connections are kept, never churned: opening one (a thread plus pragmas) holds the
            # event loop ~5 ms, and overflow connections are closed on return. Writers still queue
            # on SQLite's lock (BEGIN IMMEDIATE), so the size only bounds concurrent readers.
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 0
            kwargs["pool_timeout"] = 30
    else:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, pool_recycle=1800)
    engine = create_async_engine(target, **kwargs)
    if target.get_backend_name() == "sqlite":
        install_sqlite_hooks(engine.sync_engine)
    return engine
