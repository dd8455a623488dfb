"""Migrations create exactly the tables the code declares, and an outdated database is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from evoladder.app import build
from evoladder.config import Settings
from evoladder.store.engine import sync_url
from evoladder.store.schema import SchemaOutdated, head_revision, upgrade
from evoladder.store.tables import metadata
from services_support import postgres_schema


def _diff(url: str) -> list[object]:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), metadata))
    finally:
        engine.dispose()


def test_sqlite_migrations_match_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    assert upgrade(url) == head_revision()
    assert _diff(url) == []
    assert upgrade(url) == head_revision()  # idempotent


@pytest.mark.postgres
def test_postgres_migrations_match_tables() -> None:
    with postgres_schema() as url:
        assert upgrade(url) == head_revision()
        assert _diff(url) == []


async def test_app_refuses_a_database_without_schema(tmp_path: Path) -> None:
    ladder = build(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    with pytest.raises(SchemaOutdated, match="evoladder db upgrade"):
        await ladder.start()
    await ladder.stop()


async def test_app_refuses_an_unknown_schema_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url)
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0000_older'")
    engine.dispose()
    ladder = build(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    with pytest.raises(SchemaOutdated, match="newer than this code"):
        await ladder.start()
    await ladder.stop()


async def test_app_refuses_an_older_schema_and_names_the_fix(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'older.db'}"
    upgrade(url, "0001")
    ladder = build(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    with pytest.raises(SchemaOutdated, match=r"older than this code.*evoladder db upgrade"):
        await ladder.start()
    await ladder.stop()
    assert upgrade(url) == head_revision()
