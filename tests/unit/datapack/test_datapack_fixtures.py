"""The pack against real replays in ../shared: map content hashes, map names, mod chains, races.

These re-derive from the recordings what the pack states, so a wrong hash or chain in the data
fails here rather than in production replay checks.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sc2reader

from evoladder.datapack import DataPack, GameRegionCode

pytestmark = pytest.mark.shared

REGION_OF_SERVER = {"eu": "EU", "kr": "AS", "na": "AM"}


def _evo_replays(shared_dir: Path, variant: str = "*") -> Iterator[tuple[Path, str, str, str]]:
    """(path, map slug, variant, server) for each Evo fixture replay."""
    for path in sorted((shared_dir / "fixtures" / "replays" / "evo").glob(f"*__{variant}__*.SC2Replay")):
        slug, kind, server = path.stem.split("__")
        yield path, slug, kind, server


def _load(path: Path, level: int = 1) -> Any:
    return sc2reader.load_replay(str(path), load_level=level, load_map=False)


def _handles(replay: Any) -> list[str]:
    return [str(h) for h in replay.raw_data["replay.initData"]["game_description"]["cache_handles"]]


@pytest.fixture(scope="module")
def derived_hashes(shared_dir: Path) -> dict[str, tuple[str, str]]:
    """Map slug -> (replay map name, content hash), checked identical over servers and variants."""
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path, slug, _kind, _server in _evo_replays(shared_dir):
        replay = _load(path)
        last = replay.raw_data["replay.initData"]["game_description"]["cache_handles"][-1]
        assert str(replay.map_file) == str(last)
        seen[slug].add((replay.map_name, last.hash))
    assert len(seen) == 5
    for slug, values in seen.items():
        assert len(values) == 1, f"{slug}: map name or hash differs between its replays: {values}"
    return {slug: next(iter(values)) for slug, values in seen.items()}


def test_content_hashes_match_the_replays(pack: DataPack, derived_hashes: dict[str, tuple[str, str]]) -> None:
    for map_name, content_hash in derived_hashes.values():
        holders = [s for s in pack.seasons if any(m.name == map_name or map_name in m.replay_names for m in s.maps)]
        assert holders, f"{map_name!r} is in no season"
        for season in holders:
            game_map = pack.map_by_name(map_name, season.code)
            assert game_map.content_hash == content_hash, (season.code, map_name)
            assert pack.map_by_content_hash(content_hash, season.code) == game_map


def test_pack_holds_no_other_hashes(pack: DataPack, derived_hashes: dict[str, tuple[str, str]]) -> None:
    in_pack = {m.content_hash for s in pack.seasons for m in s.maps if m.content_hash}
    assert in_pack == {content_hash for _name, content_hash in derived_hashes.values()}


def test_official_replays_load_the_release_in_force(pack: DataPack, shared_dir: Path) -> None:
    checked = 0
    for path, _slug, _kind, server in _evo_replays(shared_dir, "official"):
        replay = _load(path)
        release = pack.mod_release_on(replay.start_time)
        assert release.label == "2025-11-07"
        region = GameRegionCode(REGION_OF_SERVER[server])
        refs = [pack.parse_depot_url(url) for url in _handles(replay)]
        assert {ref.game_region for ref in refs} == {region}
        chain = list(release.build(region).handles)
        loaded = [ref.handle for ref in refs]
        starts = [i for i in range(len(loaded)) if loaded[i : i + len(chain)] == chain]
        assert len(starts) == 1, f"{path.name}: the official chain is not loaded in order"
        newer = list(pack.mod_releases[-1].build(region).handles)
        assert not any(loaded[i : i + len(newer)] == newer for i in range(len(loaded)))
        checked += 1
    assert checked == 15


def test_replay_race_labels_resolve(pack: DataPack, shared_dir: Path) -> None:
    for path, _slug, _kind, _server in _evo_replays(shared_dir, "official"):
        (player,) = _load(path, level=2).players
        race = pack.race_for_alias(player.play_race)
        assert race is not None
        assert race.code == "bw_zerg"
    manifest = shared_dir / "fixtures" / "replays" / "sc2" / "MANIFEST.tsv"
    with manifest.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert rows
    for row in rows:
        for column in ("player1_race", "player2_race"):
            race = pack.race_for_alias(row[column])
            assert race is not None, row[column]
            assert race.code == f"sc2_{row[column].lower()}"
