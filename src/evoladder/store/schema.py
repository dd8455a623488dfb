"""Schema versioning: upgrade with Alembic, and refuse to run on a schema older than the code."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncConnection

from evoladder.store.engine import sync_url

MIGRATIONS = Path(__file__).parent / "migrations"
UPGRADE_HINT = "evoladder db upgrade"


class SchemaOutdated(RuntimeError):
    """The database is behind (or ahead of) the code; the message says which command fixes it."""


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # configparser treats "%" as interpolation: escape it (URL-encoded options contain "%3D").
    cfg.set_main_option("sqlalchemy.url", sync_url(url).render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def upgrade(url: str, revision: str = "head") -> str:
    """Bring the database to ``revision`` (creating the SQLite file if needed). Returns the new revision."""
    target = sync_url(url)
    if target.get_backend_name() == "sqlite" and target.database not in (None, "", ":memory:"):
        Path(target.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(target)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision() or "base"
    finally:
        engine.dispose()


async def current_revision(conn: AsyncConnection) -> str | None:
    return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


async def check_schema(conn: AsyncConnection) -> None:
    """Raise ``SchemaOutdated`` unless the database is exactly at the code's head revision."""
    current = await current_revision(conn)
    head = await asyncio.to_thread(head_revision)  # reads every migration file: ~5 ms, off the loop
    if current == head:
        return
    if current is None:
        raise SchemaOutdated(f"The database has no evoladder schema yet. Run `{UPGRADE_HINT}` to create it.")
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise SchemaOutdated(
            f"The database schema ({current}) is newer than this code ({head}). Upgrade evoladder itself."
        )
    raise SchemaOutdated(f"The database schema ({current}) is older than this code ({head}). Run `{UPGRADE_HINT}`.")
