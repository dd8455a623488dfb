"""The pack against the old bot's data files in ../shared: same facts, in our own format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evoladder.datapack import DataPack, Game, GameRegionCode, SeasonCode

pytestmark = pytest.mark.shared

PREFIX = {"AM": "am", "EU": "eu", "AS": "as"}


def _reference(shared_dir: Path, name: str) -> Any:
    return json.loads((shared_dir / "reference" / "evoladderbot-data" / name).read_text(encoding="utf-8"))


def test_races_keep_every_reference_alias(pack: DataPack, shared_dir: Path) -> None:
    for row in _reference(shared_dir, "races.json")["races"]:
        race = pack.race(row["code"])
        assert (race.name, race.short_name) == (row["name"], row["short_name"])
        assert set(row["aliases"]) <= set(race.aliases)


def test_map_pools_match_the_reference(pack: DataPack, shared_dir: Path) -> None:
    pools = _reference(shared_dir, "maps.json")["maps"]
    assert [s.code for s in pack.seasons] == list(pools)
    for code, rows in pools.items():
        named = [row for row in rows if row["name"]]
        maps = pack.map_pool(SeasonCode(code))
        assert [m.name for m in maps] == [row["name"] for row in named]
        for game_map, row in zip(maps, named, strict=True):
            assert (game_map.short_name, game_map.author) == (row["short_name"], row["author"])
            for region, prefix in PREFIX.items():
                assert game_map.link(GameRegionCode(region)) == row[f"{prefix}_link"]
            if "game" in row:
                assert game_map.game is Game(row["game"])


def test_regions_match_the_reference(pack: DataPack, shared_dir: Path) -> None:
    reference = _reference(shared_dir, "regions.json")
    assert [(r.code, r.name) for r in pack.residential_regions] == [
        (row["code"], row["name"]) for row in reference["residential_regions"]
    ]
    assert [(s.code, s.name, s.short_name, s.game_region) for s in pack.servers] == [
        (row["code"], row["name"], row["short_name"], row["region_code"]) for row in reference["game_servers"]
    ]
    assert [(g.code, g.name) for g in pack.game_regions] == [
        (row["code"], row["name"]) for row in reference["game_regions"]
    ]


@pytest.mark.parametrize(("file", "label"), [("mods_2025-11-07.json", "2025-11-07"), ("mods.json", "2026-03")])
def test_mod_releases_match_the_reference(pack: DataPack, shared_dir: Path, file: str, label: str) -> None:
    reference = _reference(shared_dir, file)
    (release,) = [r for r in pack.mod_releases if r.label == label]
    assert (release.name, release.author) == (reference["name"], reference["author"])
    for region, prefix in PREFIX.items():
        code = GameRegionCode(region)
        build = release.build(code)
        game_region = pack.game_region(code)
        assert build.link == reference[f"{prefix}_link"]
        assert [game_region.depot_url(h) for h in build.handles] == reference[f"{prefix}_handles"]
        assert [game_region.depot_url(h) for h in build.art_handles] == reference[f"{prefix}_artmod_handles"]
