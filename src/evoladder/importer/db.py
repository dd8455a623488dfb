"""The two connections of an import: the old database, read-only, and ours, written in batches.

Both are synchronous engines: the import is one long batch job with nothing else on its loop, and
``executemany`` on a plain connection is the fastest path on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from evoladder.store.engine import install_sqlite_hooks, sync_url


def open_source(url: str) -> Engine:
    """The old database, opened so that it cannot be written.

    SQLite: the file is opened with ``mode=ro`` (a missing file is an error, never created).
    PostgreSQL: every transaction is ``READ ONLY`` (``default_transaction_read_only``).
    """
    target = sync_url(url)
    if target.get_backend_name() == "sqlite":
        path = target.database
        if not path or path == ":memory:" or not Path(path).is_file():
            raise FileNotFoundError(f"no EvoLadderBot SQLite database at {path!r}")
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)
    options = str(target.query.get("options", ""))
    query: dict[str, Any] = dict(target.query)
    query["options"] = f"{options} -c default_transaction_read_only=on".strip()
    return create_engine(target.set(query=query), poolclass=NullPool)


def open_target(url: str) -> Engine:
    """Our database, with the same SQLite pragmas (WAL, foreign keys) the ladder itself uses."""
    target = sync_url(url)
    engine = create_engine(target, poolclass=NullPool)
    if target.get_backend_name() == "sqlite":
        install_sqlite_hooks(engine)
    return engine


def source_tables(engine: Engine) -> set[str]:
    """The table names the old database has (an old dev database may lack the log tables)."""
    return set(inspect(engine).get_table_names())


def redact(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
