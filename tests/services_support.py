"""Helpers for tests that need a real database: SQLite files and throw-away PostgreSQL schemas."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

PG_BASE = os.environ.get("EVOLADDER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("EVOLADDER_TEST_REDIS", "redis://127.0.0.1:6379/15")
REQUIRE = os.environ.get("EVOLADDER_REQUIRE_SERVICES") == "1"


def _unavailable(what: str, why: str) -> None:
    message = f"{what} not reachable ({why})"
    if REQUIRE:
        pytest.fail(f"{message}, and EVOLADDER_REQUIRE_SERVICES=1 forbids skipping", pytrace=False)
    pytest.skip(f"{message}; set EVOLADDER_TEST_PG or start PostgreSQL to run this test")


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg

        with psycopg.connect(PG_BASE, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test; yields a URL whose search_path points at it."""
    reason = postgres_available()
    if reason is not None:
        _unavailable("PostgreSQL", reason)
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in PG_BASE else "?"
    url = f"{PG_BASE}{sep}options={quote(f'-csearch_path={name}')}"
    try:
        yield url
    finally:
        with psycopg.connect(PG_BASE, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def require_redis() -> str:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        if REQUIRE:
            pytest.fail(f"Redis not reachable ({exc}) and EVOLADDER_REQUIRE_SERVICES=1", pytrace=False)
        pytest.skip(f"Redis not reachable ({exc})")
    return REDIS_URL
