"""Importer test helpers: an old database and an empty ladder on the same backend (``Pair``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from legacy_db import T0

from evoladder.datapack import load_pack
from evoladder.importer import ImportOptions
from evoladder.store.schema import upgrade
from services_support import PG_BASE, _unavailable, postgres_available, postgres_schema

NOW = T0.replace(year=2026, month=3)


@contextmanager
def legacy_pg_schema() -> Iterator[str]:
    """A separate PostgreSQL schema ``legacy_<random>`` for the old database; dropped after."""
    reason = postgres_available()
    if reason is not None:
        _unavailable("PostgreSQL", reason)
    import psycopg

    name = f"legacy_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in PG_BASE else "?"
    try:
        yield f"{PG_BASE}{sep}options={quote(f'-csearch_path={name}')}"
    finally:
        with psycopg.connect(PG_BASE, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@dataclass
class Pair:
    backend: str
    legacy_url: str
    target_url: str
    admins: Path
    tmp: Path

    def options(self, target_url: str | None = None, **over: object) -> ImportOptions:
        options = ImportOptions(
            source_url=self.legacy_url,
            target_url=target_url or self.target_url,
            pack=load_pack("evo_complete"),
            admins_file=self.admins,
            now=NOW,
        )
        for key, value in over.items():
            setattr(options, key, value)
        return options

    @contextmanager
    def another_target(self) -> Iterator[str]:
        """A second empty ladder on the same backend."""
        if self.backend == "sqlite":
            url = f"sqlite:///{self.tmp / f'other_{uuid.uuid4().hex[:6]}.db'}"
            upgrade(url)
            yield url
            return
        with postgres_schema() as url:
            upgrade(url)
            yield url
