"""Fixture replays from ../shared, and the official mod release they were recorded with."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from evoladder.domain.replay import CacheHandle, OfficialMod


@pytest.fixture(scope="session")
def sc2_dir(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "replays" / "sc2"


@pytest.fixture(scope="session")
def evo_dir(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "replays" / "evo"


@pytest.fixture(scope="session")
def sc2_manifest(sc2_dir: Path) -> list[dict[str, str]]:
    with (sc2_dir / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="session")
def evo_mod_2025_11_07(shared_dir: Path) -> OfficialMod:
    """The official chains in force for the evo fixtures, converted to the verification input.

    The JSON keys chains by game region (am/eu/as); the input keys them by the depot label that
    the replays' cache handles carry, which is read from each URL.
    """
    data = json.loads((shared_dir / "reference" / "evoladderbot-data" / "mods_2025-11-07.json").read_text())
    chains: dict[str, tuple[str, ...]] = {}
    art: dict[str, frozenset[str]] = {}
    for region in ("am", "eu", "as"):
        handles = [CacheHandle.from_url(url) for url in data[f"{region}_handles"]]
        depot = handles[0].server
        chains[depot] = tuple(h.hash for h in handles)
        art[depot] = frozenset(CacheHandle.from_url(u).hash for u in data[f"{region}_artmod_handles"])
    return OfficialMod(name=data["name"], release="2025-11-07", chains=chains, art_mods=art)
