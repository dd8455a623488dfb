"""Checks that span records and files, then the assembly of the ``DataPack``.

The per-field shape is checked by the schema models; what is left is what one record cannot know
alone: duplicates, references to other tables, date order, the completeness of the cross-table.
Every failure is a ``DataPackError`` naming the file and the field path as written in that file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evoladder.datapack.countries import fold
from evoladder.datapack.errors import DataPackError
from evoladder.datapack.pack import DataPack
from evoladder.datapack.schema import (
    Country,
    GameRegion,
    GameServer,
    ModRelease,
    Race,
    ResidentialRegion,
    Season,
    SeasonCode,
    normalize_label,
)
from evoladder.domain.ids import CountryCode, RegionCode, ServerCode

_LINK_RE = re.compile(r"battlenet:+//starcraft/map/(\d+)/(\d+)")

RACES, SEASONS, MODS, REGIONS, COUNTRIES, PACK = (
    "races.toml",
    "seasons.toml",
    "mods.toml",
    "regions.toml",
    "countries.toml",
    "pack.toml",
)


@dataclass(frozen=True, slots=True)
class Parsed:
    """The data files after their shape was validated, before cross-checks."""

    name: str
    title: str
    current_season: SeasonCode
    races: tuple[Race, ...]
    seasons: tuple[Season, ...]
    releases: tuple[ModRelease, ...]
    game_regions: tuple[GameRegion, ...]
    servers: tuple[GameServer, ...]
    residential_regions: tuple[ResidentialRegion, ...]
    cross_table: Mapping[str, Mapping[str, str]]
    common_countries: tuple[CountryCode, ...]
    special_countries: Mapping[CountryCode, str]
    iso_countries: Sequence[tuple[CountryCode, str]]


def _unique(items: Sequence[Any], file: str, section: str, attr: str) -> dict[Any, Any]:
    """Index ``items`` by ``attr``, refusing a value that appears twice."""
    seen: dict[Any, int] = {}
    for position, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            raise DataPackError(
                file,
                f"{section}[{position}].{attr}",
                f"duplicate {attr} {value!r} (already used by {section}[{seen[value]}])",
            )
        seen[value] = position
    return {value: items[position] for value, position in seen.items()}


def _check_link(file: str, field: str, link: str, region: GameRegion) -> None:
    match = _LINK_RE.fullmatch(link)
    if match is None:
        raise DataPackError(file, field, f"not a battle.net map link: {link!r}")
    if int(match.group(1)) != region.bnet_number:
        raise DataPackError(
            file,
            field,
            f"link is for battle.net region {match.group(1)}, but {region.code} is {region.bnet_number}",
        )


def _check_region_keys(file: str, field: str, keys: Iterable[str], regions: Mapping[str, GameRegion]) -> None:
    given = set(keys)
    unknown = sorted(given - set(regions))
    if unknown:
        raise DataPackError(file, f"{field}.{unknown[0]}", f"unknown game region {unknown[0]!r}")
    missing = [code for code in regions if code not in given]
    if missing:
        raise DataPackError(file, field, f"missing game region(s): {', '.join(missing)}")


def _check_regions(parsed: Parsed) -> dict[frozenset[RegionCode], ServerCode]:
    game_regions = _unique(parsed.game_regions, REGIONS, "game_regions", "code")
    _unique(parsed.game_regions, REGIONS, "game_regions", "depot_host")
    _unique(parsed.game_regions, REGIONS, "game_regions", "bnet_number")
    servers = _unique(parsed.servers, REGIONS, "servers", "code")
    _unique(parsed.servers, REGIONS, "servers", "short_name")
    for position, server in enumerate(parsed.servers):
        if server.game_region not in game_regions:
            raise DataPackError(
                REGIONS, f"servers[{position}].game_region", f"unknown game region {server.game_region!r}"
            )
    regions = _unique(parsed.residential_regions, REGIONS, "residential_regions", "code")
    return _check_cross_table(parsed.cross_table, regions, servers)


def _check_cross_table(
    table: Mapping[str, Mapping[str, str]], regions: Mapping[str, Any], servers: Mapping[str, Any]
) -> dict[frozenset[RegionCode], ServerCode]:
    pairs: dict[frozenset[RegionCode], ServerCode] = {}
    where: dict[frozenset[RegionCode], str] = {}
    for row, cells in table.items():
        if row not in regions:
            raise DataPackError(REGIONS, f"cross_table.{row}", f"unknown region {row!r}")
        for column, server in cells.items():
            field = f"cross_table.{row}.{column}"
            if column not in regions:
                raise DataPackError(REGIONS, field, f"unknown region {column!r}")
            if server not in servers:
                raise DataPackError(REGIONS, field, f"unknown server {server!r}")
            pair = frozenset((RegionCode(row), RegionCode(column)))
            if pair in pairs:
                raise DataPackError(REGIONS, field, f"pair {row}-{column} is already given as {where[pair]}")
            pairs[pair] = ServerCode(server)
            where[pair] = field
    codes = list(regions)
    missing = [
        (a, b) for i, a in enumerate(codes) for b in codes[i:] if frozenset((RegionCode(a), RegionCode(b))) not in pairs
    ]
    if missing:
        listed = ", ".join(f"{a}-{b}" for a, b in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        first_a, first_b = missing[0]
        raise DataPackError(
            REGIONS,
            f"cross_table.{first_a}.{first_b}",
            f"missing: {len(missing)} region pair(s) have no server: {listed}{more}",
        )
    return pairs


def _check_races(races: tuple[Race, ...]) -> None:
    if not races:
        raise DataPackError(RACES, "races", "at least one race is required")
    _unique(races, RACES, "races", "code")
    _unique(races, RACES, "races", "name")
    _unique(races, RACES, "races", "short_name")
    owner: dict[str, Race] = {}
    for position, race in enumerate(races):
        labels = [(f"races[{position}].name", race.name)]
        labels += [(f"races[{position}].aliases[{i}]", alias) for i, alias in enumerate(race.aliases)]
        for field, label in labels:
            key = normalize_label(label)
            other = owner.setdefault(key, race)
            if other.code != race.code:
                raise DataPackError(
                    RACES, field, f"alias {label!r} of race {race.code!r} already names race {other.code!r}"
                )


def _check_seasons(parsed: Parsed, game_regions: Mapping[str, GameRegion]) -> None:
    seasons = parsed.seasons
    if not seasons:
        raise DataPackError(SEASONS, "seasons", "at least one season is required")
    codes = _unique(seasons, SEASONS, "seasons", "code")
    for position, season in enumerate(seasons):
        if position and season.start <= seasons[position - 1].start:
            raise DataPackError(
                SEASONS,
                f"seasons[{position}].start",
                f"{season.start} is not after the previous season's start {seasons[position - 1].start}",
            )
        section = f"seasons[{position}].maps"
        _unique(season.maps, SEASONS, section, "short_name")
        names: dict[str, int] = {}
        hashes: dict[str, str] = {}
        for index, game_map in enumerate(season.maps):
            field = f"{section}[{index}]"
            for label_field, label in [(f"{field}.name", game_map.name)] + [
                (f"{field}.replay_names[{i}]", name) for i, name in enumerate(game_map.replay_names)
            ]:
                owner = names.setdefault(label, index)
                if owner != index:
                    raise DataPackError(
                        SEASONS,
                        label_field,
                        f"name {label!r} already names a map of {season.code} ({section}[{owner}])",
                    )
            if game_map.content_hash is not None:
                if game_map.content_hash in hashes:
                    raise DataPackError(
                        SEASONS, f"{field}.content_hash", f"same hash as {hashes[game_map.content_hash]!r}"
                    )
                hashes[game_map.content_hash] = game_map.name
            _check_region_keys(SEASONS, f"{field}.links", game_map.links, game_regions)
            for code, link in game_map.links.items():
                _check_link(SEASONS, f"{field}.links.{code}", link, game_regions[code])
    if parsed.current_season not in codes:
        raise DataPackError(PACK, "current_season", f"unknown season {parsed.current_season!r}")


def _check_releases(releases: tuple[ModRelease, ...], game_regions: Mapping[str, GameRegion]) -> None:
    if not releases:
        raise DataPackError(MODS, "releases", "at least one release is required")
    _unique(releases, MODS, "releases", "label")
    for position, release in enumerate(releases):
        if position and release.effective <= releases[position - 1].effective:
            raise DataPackError(
                MODS,
                f"releases[{position}].effective",
                f"{release.effective} is not after the previous release's {releases[position - 1].effective}",
            )
        section = f"releases[{position}].regions"
        _check_region_keys(MODS, section, release.regions, game_regions)
        for code, build in release.regions.items():
            _check_link(MODS, f"{section}.{code}.link", build.link, game_regions[code])
            seen: set[str] = set()
            for key, handles in (("handles", build.handles), ("art_handles", build.art_handles)):
                for index, handle in enumerate(handles):
                    if handle.file_name in seen:
                        raise DataPackError(
                            MODS, f"{section}.{code}.{key}[{index}]", f"handle {handle.file_name} listed twice"
                        )
                    seen.add(handle.file_name)


def _build_countries(parsed: Parsed) -> tuple[tuple[Country, ...], tuple[Country, ...]]:
    iso = dict(parsed.iso_countries)
    for code in parsed.special_countries:
        if code in iso:
            raise DataPackError(COUNTRIES, f"special.{code}", f"{code!r} is an ISO country ({iso[code]})")
    names = {**iso, **parsed.special_countries}
    common: set[str] = set()
    for position, code in enumerate(parsed.common_countries):
        field = f"common[{position}]"
        if code not in names:
            raise DataPackError(COUNTRIES, field, f"unknown country {code!r}")
        if code in common:
            raise DataPackError(COUNTRIES, field, f"{code!r} listed twice")
        common.add(code)
    everyone = [
        Country(code=code, name=name, common=code in common, special=code in parsed.special_countries)
        for code, name in names.items()
    ]
    everyone.sort(key=lambda country: (fold(country.name), country.code))
    return tuple(everyone), tuple(country for country in everyone if country.common)


def assemble(parsed: Parsed) -> DataPack:
    """Cross-check the parsed files and build the pack; raises ``DataPackError``."""
    cross_table = _check_regions(parsed)
    game_regions: dict[str, GameRegion] = {gr.code: gr for gr in parsed.game_regions}
    _check_races(parsed.races)
    _check_seasons(parsed, game_regions)
    _check_releases(parsed.releases, game_regions)
    countries, common = _build_countries(parsed)
    season_by_code = {season.code: season for season in parsed.seasons}
    return DataPack(
        name=parsed.name,
        title=parsed.title,
        races=parsed.races,
        seasons=parsed.seasons,
        current_season=season_by_code[parsed.current_season],
        mod_releases=parsed.releases,
        residential_regions=parsed.residential_regions,
        servers=parsed.servers,
        game_regions=parsed.game_regions,
        countries=countries,
        common_countries=common,
        cross_table=cross_table,
    )
