"""Broken packs: each corruption of one field fails the load with a message naming file and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from evoladder.datapack import DataPackError, load_pack


@dataclass(frozen=True)
class Case:
    file: str
    old: str
    new: str
    field: str
    message: str


CASES = {
    "cross_table_unknown_region": Case(
        "regions.toml",
        '[cross_table.NAW]\nNAW = "USW"',
        '[cross_table.NAW]\nXYZ = "USW"\nNAW = "USW"',
        "cross_table.NAW.XYZ",
        "unknown region 'XYZ'",
    ),
    "cross_table_unknown_row": Case(
        "regions.toml", "[cross_table.FER]", "[cross_table.FAR]", "cross_table.FAR", "unknown region 'FAR'"
    ),
    "cross_table_missing_pair": Case(
        "regions.toml",
        '[cross_table.FER]\nFER = "KOR"',
        "[cross_table.FER]",
        "cross_table.FER.FER",
        "missing: 1 region pair(s) have no server: FER-FER",
    ),
    "cross_table_pair_twice": Case(
        "regions.toml",
        '[cross_table.NAC]\nNAC = "USC"',
        '[cross_table.NAC]\nNAW = "USC"\nNAC = "USC"',
        "cross_table.NAC.NAW",
        "pair NAC-NAW is already given as cross_table.NAW.NAC",
    ),
    "cross_table_unknown_server": Case(
        "regions.toml",
        '[cross_table.NAW]\nNAW = "USW"',
        '[cross_table.NAW]\nNAW = "XXX"',
        "cross_table.NAW.NAW",
        "unknown server 'XXX'",
    ),
    "cross_table_not_a_string": Case(
        "regions.toml",
        '[cross_table.NAW]\nNAW = "USW"',
        "[cross_table.NAW]\nNAW = 1",
        "cross_table.NAW.NAW",
        "Input should be a valid string",
    ),
    "duplicate_server_code": Case(
        "regions.toml", 'code = "USC"', 'code = "USW"', "servers[1].code", "duplicate code 'USW'"
    ),
    "duplicate_region_code": Case(
        "regions.toml", 'code = "NAC"', 'code = "NAW"', "residential_regions[1].code", "duplicate code 'NAW'"
    ),
    "server_unknown_game_region": Case(
        "regions.toml",
        'short_name = "Korea"\ngame_region = "AS"',
        'short_name = "Korea"\ngame_region = "CN"',
        "servers[7].game_region",
        "unknown game region 'CN'",
    ),
    "unknown_continent": Case(
        "regions.toml",
        'continent = "americas"',
        'continent = "atlantis"',
        "residential_regions[0].continent",
        "atlantis",
    ),
    "duplicate_race_alias": Case(
        "races.toml",
        'aliases = ["Terran",',
        'aliases = ["Terran", "bw zerg",',
        "races[3].aliases[1]",
        "alias 'bw zerg' of race 'sc2_terran' already names race 'bw_zerg'",
    ),
    "duplicate_race_code": Case(
        "races.toml", 'code = "bw_zerg"', 'code = "bw_terran"', "races[1].code", "duplicate code 'bw_terran'"
    ),
    "unknown_race_game": Case(
        "races.toml", 'game = "bw"', 'game = "bw3"', "races[0].game", "Input should be 'bw' or 'sc2' (got 'bw3')"
    ),
    "extra_race_field": Case(
        "races.toml", 'short_name = "T1"', 'short_name = "T1"\ncolour = "red"', "races[0].colour", "Extra inputs"
    ),
    "map_without_game": Case("seasons.toml", 'game = "sc2"\n', "", "seasons[0].maps[0].game", "Field required"),
    "map_unknown_game": Case(
        "seasons.toml", 'game = "sc2"\n', 'game = "sc3"\n', "seasons[0].maps[0].game", "'bw' or 'sc2'"
    ),
    "season_date_as_text": Case(
        "seasons.toml", "start = 2025-09-01", 'start = "2025-09-01"', "seasons[0].start", "valid date"
    ),
    "season_dates_out_of_order": Case(
        "seasons.toml",
        "start = 2026-01-05",
        "start = 2025-10-01",
        "seasons[2].start",
        "2025-10-01 is not after the previous season's start 2025-11-01",
    ),
    "duplicate_season_code": Case(
        "seasons.toml", 'code = "season_1"', 'code = "season_beta"', "seasons[2].code", "duplicate code"
    ),
    "duplicate_map_in_season": Case(
        "seasons.toml",
        'name = "Mothership LE"',
        'name = "Khione SEL"',
        "seasons[0].maps[4].name",
        "already names a map of season_alpha",
    ),
    "bad_content_hash": Case(
        "seasons.toml",
        'content_hash = "cb3c9b',
        'content_hash = "XYZ',
        "seasons[0].maps[3].content_hash",
        "should match pattern",
    ),
    "map_link_of_wrong_region": Case(
        "seasons.toml",
        'EU = "battlenet:://starcraft/map/2/260081"',
        'EU = "battlenet:://starcraft/map/1/260081"',
        "seasons[0].maps[0].links.EU",
        "link is for battle.net region 1, but EU is 2",
    ),
    "map_missing_region_link": Case(
        "seasons.toml",
        ', AS = "battlenet:://starcraft/map/3/186928"',
        "",
        "seasons[0].maps[0].links",
        "missing game region(s): AS",
    ),
    "map_unknown_region_link": Case(
        "seasons.toml",
        'AS = "battlenet:://starcraft/map/3/186928"',
        'AS = "battlenet:://starcraft/map/3/186928", CN = "x"',
        "seasons[0].maps[0].links.CN",
        "unknown game region 'CN'",
    ),
    "unknown_current_season": Case(
        "pack.toml", 'current_season = "season_alpha"', 'current_season = "season_9"', "current_season", "season_9"
    ),
    "release_date_as_text": Case(
        "mods.toml", "effective = 2025-11-01", 'effective = "2025-11-01"', "releases[0].effective", "valid date"
    ),
    "release_dates_out_of_order": Case(
        "mods.toml", "effective = 2026-03-01", "effective = 2025-11-01", "releases[1].effective", "is not after"
    ),
    "duplicate_release_label": Case(
        "mods.toml", 'label = "2026-03"', 'label = "2025-11-07"', "releases[1].label", "duplicate label"
    ),
    "bad_handle": Case(
        "mods.toml",
        '"b7d36bc55a372aa70cf7487201ece8cd4c8ec556b2f8bc9cf23c58f824a2fa37.s2ma"',
        '"b7d36bc5.s2ma"',
        "releases[0].regions.AM.handles[0]",
        "expected '<64 lowercase hex digits>.<extension>'",
    ),
    "release_missing_region": Case(
        "mods.toml", "[releases.regions.AS]", "[releases.regions.XS]", "releases[0].regions.XS", "unknown game region"
    ),
    "unknown_common_country": Case("countries.toml", '"AR", "AT"', '"QQ", "AT"', "common[0]", "unknown country 'QQ'"),
    "special_country_is_iso": Case(
        "countries.toml", 'XX = "Non-representing"', 'DE = "Deutschland"', "special.DE", "ISO"
    ),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_corrupted_field_is_named(pack_copy: Path, case: Case) -> None:
    path = pack_copy / case.file
    text = path.read_text(encoding="utf-8")
    assert case.old in text, "the case no longer matches the bundled data"
    path.write_text(text.replace(case.old, case.new, 1), encoding="utf-8")
    with pytest.raises(DataPackError) as caught:
        load_pack(pack_copy)
    error = caught.value
    assert (error.file, error.field) == (case.file, case.field), str(error)
    assert case.message in error.message
    assert str(error).startswith(f"{case.file}: {case.field}: ")


def test_message_reads_as_the_spec_example(pack_copy: Path) -> None:
    path = pack_copy / "regions.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('[cross_table.NAW]\nNAW = "USW"', '[cross_table.NAW]\nXYZ = "USW"'), encoding="utf-8")
    with pytest.raises(DataPackError) as caught:
        load_pack(pack_copy)
    assert str(caught.value) == "regions.toml: cross_table.NAW.XYZ: unknown region 'XYZ'"


def test_invalid_toml_names_file_and_line(pack_copy: Path) -> None:
    path = pack_copy / "seasons.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("start = 2025-09-01", "start = 2025-13-01"))
    with pytest.raises(DataPackError, match=r"^seasons\.toml: not valid TOML: .*line \d+") as caught:
        load_pack(pack_copy)
    assert caught.value.file == "seasons.toml"


def test_missing_file(pack_copy: Path) -> None:
    (pack_copy / "countries.toml").unlink()
    with pytest.raises(DataPackError, match=r"^countries\.toml: file is missing"):
        load_pack(pack_copy)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataPackError, match="folder not found"):
        load_pack(tmp_path / "nowhere")


def test_several_problems_are_all_reported(pack_copy: Path) -> None:
    path = pack_copy / "races.toml"
    text = path.read_text(encoding="utf-8").replace('game = "bw"', 'game = "xx"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataPackError) as caught:
        load_pack(pack_copy)
    assert caught.value.field == "races[0].game"
    assert "also races[1].game" in caught.value.message
