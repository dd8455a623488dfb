"""Importer fixtures: an EvoLadderBot database and an empty ladder, both on SQLite or both on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from import_support import Pair, legacy_pg_schema
from legacy_db import ADMINS_FILE, build_legacy

from evoladder.store.schema import upgrade
from services_support import postgres_schema


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    admins = tmp_path / "admins.json"
    admins.write_text(json.dumps(ADMINS_FILE), encoding="utf-8")
    if request.param == "sqlite":
        legacy = f"sqlite:///{tmp_path / 'evoladderbot.db'}"
        build_legacy(legacy)
        target = f"sqlite:///{tmp_path / 'ladder.db'}"
        upgrade(target)
        yield Pair("sqlite", legacy, target, admins, tmp_path)
        return
    with legacy_pg_schema() as legacy, postgres_schema() as target:
        build_legacy(legacy)
        upgrade(target)
        yield Pair("postgres", legacy, target, admins, tmp_path)
