"""The bundled pack: counts, races and aliases, seasons and maps, mod releases, immutability."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from evoladder.datapack import (
    DataPack,
    DataPackError,
    Game,
    GameRegionCode,
    NoModRelease,
    SeasonCode,
    UnknownCode,
    load_pack,
)
from evoladder.domain.ids import MapName, RaceCode

KHIONE_HASH = "cb3c9b059135a00a3f486800f3103a842a228ee05c5fdff1f755f3ce408bedc9"
DEATH_VALLEY_HASH = "a636a7cbb10a5c91f325639ce1ae718e0c173ea2d2e9f61a378930014891b30b"


def test_summary_counts(pack: DataPack) -> None:
    assert pack.summary() == {
        "races": 6,
        "seasons": 3,
        "maps": 9,
        "residential_regions": 16,
        "servers": 9,
        "game_regions": 3,
        "cross_table_pairs": 136,
        "mod_releases": 2,
        "countries": 251,
    }


def test_default_pack_is_loaded_once_and_shared() -> None:
    assert load_pack() is load_pack("evo_complete")


def test_a_folder_path_loads_the_same_facts(pack: DataPack, pack_copy: Path) -> None:
    from_folder = load_pack(pack_copy)
    assert from_folder is not pack
    assert from_folder.summary() == pack.summary()
    assert load_pack(str(pack_copy)).races == pack.races


def test_unknown_pack_name_is_refused() -> None:
    with pytest.raises(DataPackError, match="no bundled data pack"):
        load_pack("no_such_pack")


# ---- races ----


def test_races_codes_games_and_short_names(pack: DataPack) -> None:
    assert [(r.code, r.game, r.name, r.short_name) for r in pack.races] == [
        ("bw_terran", Game.BW, "BW Terran", "T1"),
        ("bw_zerg", Game.BW, "BW Zerg", "Z1"),
        ("bw_protoss", Game.BW, "BW Protoss", "P1"),
        ("sc2_terran", Game.SC2, "SC2 Terran", "T2"),
        ("sc2_zerg", Game.SC2, "SC2 Zerg", "Z2"),
        ("sc2_protoss", Game.SC2, "SC2 Protoss", "P2"),
    ]
    assert [r.code for r in pack.races_of_game(Game.BW)] == ["bw_terran", "bw_zerg", "bw_protoss"]
    assert [r.code for r in pack.races_of_game(Game.SC2)] == ["sc2_terran", "sc2_zerg", "sc2_protoss"]


def _all_aliases() -> list[tuple[str, str]]:
    return [(race.code, alias) for race in load_pack().races for alias in race.aliases]


@pytest.mark.parametrize(("code", "alias"), _all_aliases())
def test_every_alias_resolves_to_its_race(pack: DataPack, code: str, alias: str) -> None:
    assert pack.race_for_alias(alias) == pack.race(RaceCode(code))
    assert pack.race_for_alias(f"  {alias.upper()}\t") == pack.race(RaceCode(code))
    assert pack.race_for_alias(unicodedata.normalize("NFD", alias)) == pack.race(RaceCode(code))


def test_replay_labels_of_both_games(pack: DataPack) -> None:
    assert pack.race_for_alias("BW Zerg") == pack.race(RaceCode("bw_zerg"))
    assert pack.race_for_alias("Zerg") == pack.race(RaceCode("sc2_zerg"))
    assert pack.race_for_alias("테란") == pack.race(RaceCode("sc2_terran"))
    assert pack.race_for_alias("스1 테란") == pack.race(RaceCode("bw_terran"))
    assert pack.race_for_alias("Протоссы") == pack.race(RaceCode("sc2_protoss"))
    assert pack.race_for_alias("SC2 Protoss") == pack.race(RaceCode("sc2_protoss"))  # the English name


def test_unknown_alias_is_none_and_unknown_code_raises(pack: DataPack) -> None:
    assert pack.race_for_alias("Random") is None
    assert pack.race_for_alias("") is None
    with pytest.raises(UnknownCode) as caught:
        pack.race(RaceCode("bw_zorg"))
    assert isinstance(caught.value, KeyError)
    assert str(caught.value).startswith("unknown race 'bw_zorg' (known: bw_terran")


# ---- seasons and maps ----


def test_seasons_in_order_with_placeholder_dates(pack: DataPack) -> None:
    assert [(s.code, s.start) for s in pack.seasons] == [
        ("season_alpha", date(2025, 9, 1)),
        ("season_beta", date(2025, 11, 1)),
        ("season_1", date(2026, 1, 5)),
    ]
    assert pack.current_season.code == "season_alpha"
    assert pack.season(SeasonCode("season_beta")).maps == ()
    assert pack.map_pool(SeasonCode("season_beta")) == ()
    assert len(pack.map_pool(SeasonCode("season_1"))) == 9


def test_current_pool(pack: DataPack) -> None:
    pool = pack.map_pool()
    assert pool == pack.current_season.maps
    assert [m.short_name for m in pool] == [
        "Celestial Enclave",
        "Holy World",
        "Keres Passage",
        "Khione",
        "Mothership",
        "Radeon",
        "Ruby Rock",
        "Sylphid",
        "Vermeer",
    ]
    radeon = pack.map_by_name(MapName("[SC:Evo] Radeon (라데온)"))
    assert radeon.game is Game.BW
    assert radeon.author == "SCEvoLadder"
    assert radeon.link(GameRegionCode("EU")) == "battlenet:://starcraft/map/2/258902"
    assert pack.map_by_name(MapName("Khione SEL")).game is Game.SC2


def test_every_map_has_a_game_and_every_link(pack: DataPack) -> None:
    for season in pack.seasons:
        for game_map in season.maps:
            expected = Game.BW if game_map.name.startswith("[SC:Evo]") else Game.SC2
            assert game_map.game is expected, game_map.name
            assert set(game_map.links) == {"AM", "EU", "AS"}


def test_maps_are_per_season(pack: DataPack) -> None:
    season_1 = SeasonCode("season_1")
    death_valley = pack.map_by_name(MapName("[SC:Evo] Death Valley (데스밸리)"), season_1)
    assert death_valley.content_hash == DEATH_VALLEY_HASH
    with pytest.raises(UnknownCode, match="not in the pool of 'season_alpha'"):
        pack.map_by_name(MapName("[SC:Evo] Death Valley (데스밸리)"))
    # Each season keeps its own spelling of Holy World.
    assert pack.map_by_name(MapName("[SC:Evo] Holy World (홀리월드)")).short_name == "Holy World"
    assert pack.map_by_name(MapName("[SC:Evo] Holy World (홀리울드)"), season_1).short_name == "Holy World"
    with pytest.raises(UnknownCode):
        pack.map_by_name(MapName("[SC:Evo] Holy World (홀리울드)"))
    with pytest.raises(UnknownCode):
        pack.map_pool(SeasonCode("season_9"))


def test_map_by_content_hash(pack: DataPack) -> None:
    assert pack.map_by_content_hash(KHIONE_HASH) == pack.map_by_name(MapName("Khione SEL"))
    assert pack.map_by_content_hash(KHIONE_HASH.upper()) == pack.map_by_name(MapName("Khione SEL"))
    assert pack.map_by_content_hash("0" * 64) is None
    assert pack.map_by_content_hash(DEATH_VALLEY_HASH) is None  # not in the current pool
    found = pack.map_by_content_hash(DEATH_VALLEY_HASH, SeasonCode("season_1"))
    assert found is not None
    assert found.short_name == "Death Valley"


def test_maps_without_fixtures_have_no_hash(pack: DataPack) -> None:
    hashed = {m.short_name for s in pack.seasons for m in s.maps if m.content_hash}
    assert hashed == {"Keres Passage", "Khione", "Death Valley", "Radeon", "Sylphid"}


# ---- mod releases ----


def test_mod_releases_ordered_by_date(pack: DataPack) -> None:
    assert [(r.label, r.effective) for r in pack.mod_releases] == [
        ("2025-11-07", date(2025, 11, 1)),
        ("2026-03", date(2026, 3, 1)),
    ]
    for release in pack.mod_releases:
        assert set(release.regions) == {"AM", "EU", "AS"}
        assert release.name == "SC: Evo Complete"


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2025, 11, 1), "2025-11-07"),
        (date(2025, 11, 3), "2025-11-07"),
        (date(2026, 2, 28), "2025-11-07"),
        (date(2026, 3, 1), "2026-03"),
        (date(2030, 1, 1), "2026-03"),
        (datetime(2026, 3, 1, 0, 0, 1), "2026-03"),
        (datetime(2026, 2, 28, 23, 59, 59), "2025-11-07"),
    ],
)
def test_mod_release_on_boundaries(pack: DataPack, day: date, label: str) -> None:
    assert pack.mod_release_on(day).label == label


def test_no_release_before_the_first(pack: DataPack) -> None:
    with pytest.raises(NoModRelease, match=r"2025-10-31.*2025-11-01"):
        pack.mod_release_on(date(2025, 10, 31))


def test_release_chains_per_region(pack: DataPack) -> None:
    old = pack.mod_release_on(date(2025, 11, 3))
    assert len(old.build(GameRegionCode("AM")).handles) == 9
    assert len(old.build(GameRegionCode("AS")).handles) == 16
    assert old.build(GameRegionCode("AS")).art_handles[0].file_name.startswith("e0115753")
    assert old.build(GameRegionCode("AM")).handles[0].file_name == (
        "b7d36bc55a372aa70cf7487201ece8cd4c8ec556b2f8bc9cf23c58f824a2fa37.s2ma"
    )


# ---- immutability ----


def test_pack_and_its_values_are_immutable(pack: DataPack) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        pack.races = ()  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        pack.races[0].name = "Terran"  # type: ignore[misc]
    game_map = pack.map_pool()[0]
    with pytest.raises(TypeError):
        game_map.links["AM"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        pack.cross_table[frozenset()] = "USW"  # type: ignore[index]
    with pytest.raises(TypeError):
        pack.mod_releases[0].regions["AM"] = None  # type: ignore[index]
    assert isinstance(pack.seasons, tuple)
    assert isinstance(pack.races[0].aliases, tuple)
    assert isinstance(pack.current_season.maps, tuple)


def test_values_are_hashable(pack: DataPack) -> None:
    values = {*pack.map_pool(), *pack.races, *pack.mod_releases, *pack.countries}
    assert len(values) == 9 + 6 + 2 + 251


def test_unknown_game_region_of_a_map_or_release(pack: DataPack) -> None:
    with pytest.raises(UnknownCode, match="unknown game region 'CN'"):
        pack.map_pool()[0].link(GameRegionCode("CN"))
    with pytest.raises(UnknownCode, match="unknown game region 'CN'"):
        pack.mod_releases[0].build(GameRegionCode("CN"))
