"""Depot URLs: parsing them into (game region, hash, ext) and building them back."""

from __future__ import annotations

import pytest

from evoladder.datapack import BadDepotUrl, DataPack, GameRegionCode, parse_depot_url

HASH = "b7d36bc55a372aa70cf7487201ece8cd4c8ec556b2f8bc9cf23c58f824a2fa37"


@pytest.mark.parametrize(
    ("host", "region"),
    [
        ("us-s2-depot.classic.blizzard.com", "AM"),
        ("eu-s2-depot.classic.blizzard.com", "EU"),
        ("kr-s2-depot.classic.blizzard.com", "AS"),
    ],
)
def test_parse_each_regions_host(pack: DataPack, host: str, region: str) -> None:
    ref = pack.parse_depot_url(f"https://{host}/{HASH}.s2ma")
    assert ref == (region, HASH, "s2ma")
    assert ref.game_region == region
    assert ref.handle.file_name == f"{HASH}.s2ma"


def test_parse_normalizes_case_and_accepts_http(pack: DataPack) -> None:
    ref = pack.parse_depot_url(f"http://EU-S2-Depot.classic.blizzard.com/{HASH.upper()}.S2MA ")
    assert ref == ("EU", HASH, "s2ma")


@pytest.mark.parametrize(
    "url",
    [
        f"https://cn-s2-depot.battlenet.com.cn/{HASH}.s2ma",
        f"https://evil.example.com/{HASH}.s2ma",
        f"https://us-s2-depot.classic.blizzard.com.evil.example/{HASH}.s2ma",
    ],
)
def test_unknown_hosts_are_refused(pack: DataPack, url: str) -> None:
    with pytest.raises(BadDepotUrl, match="unknown depot host"):
        pack.parse_depot_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://us-s2-depot.classic.blizzard.com/",
        f"https://us-s2-depot.classic.blizzard.com/{HASH[:-1]}.s2ma",
        f"https://us-s2-depot.classic.blizzard.com/{HASH}",
        f"https://us-s2-depot.classic.blizzard.com/x/{HASH}.s2ma",
        f"ftp://us-s2-depot.classic.blizzard.com/{HASH}.s2ma",
    ],
)
def test_malformed_urls_are_refused(pack: DataPack, url: str) -> None:
    with pytest.raises(BadDepotUrl, match="not a depot URL"):
        pack.parse_depot_url(url)
    with pytest.raises(ValueError, match="not a depot URL"):  # BadDepotUrl is a ValueError
        pack.parse_depot_url(url)


def test_pure_parser_takes_its_hosts() -> None:
    hosts = {"depot.test": GameRegionCode("EU")}
    assert parse_depot_url(f"https://depot.test/{HASH}.s2mv", hosts) == ("EU", HASH, "s2mv")
    with pytest.raises(BadDepotUrl):
        parse_depot_url(f"https://us-s2-depot.classic.blizzard.com/{HASH}.s2ma", hosts)


def test_every_release_handle_round_trips(pack: DataPack) -> None:
    for release in pack.mod_releases:
        for code, build in release.regions.items():
            region = pack.game_region(code)
            for handle in (*build.handles, *build.art_handles):
                url = region.depot_url(handle)
                assert url.startswith(f"https://{region.depot_host}/")
                ref = pack.parse_depot_url(url)
                assert ref.game_region == code
                assert ref.handle == handle
