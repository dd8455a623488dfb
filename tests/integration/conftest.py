"""Integration fixtures: each test gets its own database on SQLite and on real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.store.schema import upgrade
from services_support import postgres_schema

START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, or a fresh schema in the real PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'ladder.db'}"
        upgrade(url)
        yield url
        return
    with postgres_schema() as url:
        upgrade(url)
        yield url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # Elo pinned: the tests check hand-computed Elo values; Glicko-2 has its own tests.
    return Settings(  # type: ignore[call-arg]
        database_url=db_url, data_dir=tmp_path, admin_ids=(999,), rating_model="elo", _env_file=None
    )


@pytest.fixture
async def ladder(settings: Settings, clock: ManualClock) -> AsyncIterator[Ladder]:
    app = build(settings, clock=clock)
    await app.start(expiry_interval_s=3600, run_waves=False)
    try:
        yield app
    finally:
        await app.stop()
