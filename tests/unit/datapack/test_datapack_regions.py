"""Regions, servers, game regions and the cross-table of the bundled pack."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from evoladder.datapack import Continent, DataPack, GameRegionCode, UnknownCode
from evoladder.domain.ids import RegionCode, ServerCode

REGIONS = [
    "NAW",
    "NAC",
    "NAE",
    "CAM",
    "SAM",
    "EUW",
    "EUE",
    "AFR",
    "MEA",
    "SEA",
    "KRJ",
    "CHN",
    "THM",
    "OCE",
    "USB",
    "FER",
]


def test_residential_regions_in_order_with_continents(pack: DataPack) -> None:
    assert [r.code for r in pack.residential_regions] == REGIONS
    by_continent = {
        continent: [r.code for r in pack.residential_regions if r.continent is continent] for continent in Continent
    }
    assert by_continent == {
        Continent.AMERICAS: ["NAW", "NAC", "NAE", "CAM", "SAM"],
        Continent.EUROPE_AFRICA: ["EUW", "EUE", "AFR", "MEA"],
        Continent.ASIA_OCEANIA: ["SEA", "KRJ", "CHN", "THM", "OCE", "USB", "FER"],
    }
    assert pack.region(RegionCode("THM")).name == "Taiwan, Hong Kong, and Macau"


def test_servers_and_their_game_regions(pack: DataPack) -> None:
    assert {s.code: s.game_region for s in pack.servers} == {
        "USW": "AM",
        "USC": "AM",
        "USE": "AM",
        "BRZ": "AM",
        "EUC": "EU",
        "SNG": "AM",  # as in SC2: Singapore and Australia are on the Americas region
        "AUS": "AM",
        "KOR": "AS",
        "TWN": "AS",
    }
    assert pack.server(ServerCode("BRZ")).short_name == "South America"


def test_game_regions_and_depot_hosts(pack: DataPack) -> None:
    assert [(g.code, g.name, g.bnet_number) for g in pack.game_regions] == [
        ("AM", "Americas", 1),
        ("EU", "Europe", 2),
        ("AS", "Asia", 3),
    ]
    assert pack.game_region(GameRegionCode("AS")).depot_host == "kr-s2-depot.classic.blizzard.com"


def test_unknown_codes_raise_key_errors(pack: DataPack) -> None:
    with pytest.raises(UnknownCode, match="unknown region 'XYZ'"):
        pack.region(RegionCode("XYZ"))
    with pytest.raises(UnknownCode, match="unknown server 'XYZ'"):
        pack.server(ServerCode("XYZ"))
    with pytest.raises(UnknownCode, match="unknown game region 'CN'"):
        pack.game_region(GameRegionCode("CN"))
    with pytest.raises(UnknownCode, match="unknown region 'XYZ'"):
        pack.server_for(RegionCode("NAW"), RegionCode("XYZ"))
    with pytest.raises(KeyError):
        pack.server_for(RegionCode("XYZ"), RegionCode("NAW"))


def test_cross_table_has_every_unordered_pair_once(pack: DataPack) -> None:
    expected = {frozenset(pair) for pair in itertools.combinations_with_replacement(REGIONS, 2)}
    assert len(expected) == 136
    assert set(pack.cross_table) == expected
    known = {s.code for s in pack.servers}
    assert set(pack.cross_table.values()) <= known


def test_server_for_is_symmetric_over_all_pairs(pack: DataPack) -> None:
    for a, b in itertools.product(REGIONS, repeat=2):
        ra, rb = RegionCode(a), RegionCode(b)
        assert pack.server_for(ra, rb) == pack.server_for(rb, ra)
        assert pack.server_for(ra, rb).code == pack.cross_table[frozenset((ra, rb))]


@pytest.mark.parametrize(
    ("a", "b", "server"),
    [
        ("NAW", "NAW", "USW"),
        ("NAW", "NAC", "USC"),
        ("NAE", "EUE", "EUC"),
        ("NAC", "AFR", "EUC"),
        ("EUW", "KRJ", "USW"),
        ("SEA", "KRJ", "TWN"),
        ("THM", "THM", "TWN"),
        ("MEA", "SEA", "SNG"),
        ("OCE", "OCE", "AUS"),
        ("OCE", "FER", "SNG"),
        ("CHN", "CHN", "KOR"),
        ("FER", "FER", "KOR"),
    ],
)
def test_cross_table_spot_values(pack: DataPack, a: str, b: str, server: str) -> None:
    assert pack.server_for(RegionCode(a), RegionCode(b)).code == server
    assert pack.server_for(RegionCode(b), RegionCode(a)).code == server


@pytest.mark.shared
def test_cross_table_matches_the_reference_everywhere(pack: DataPack, shared_dir: Path) -> None:
    reference = shared_dir / "reference" / "evoladderbot-data"
    code_by_short = {
        s["short_name"]: s["code"] for s in json.loads((reference / "regions.json").read_text())["game_servers"]
    }
    rows = json.loads((reference / "cross_table.json").read_text())
    assert len(rows) == 136
    for row in rows:
        a, b = RegionCode(row["region_1"]), RegionCode(row["region_2"])
        assert pack.server_for(a, b).code == code_by_short[row["mapping"]], (a, b)
