"""The loaded data pack: one immutable object, built once at start and shared by every caller.

Lookups by an identifier the caller stores (race code, season code, map name, region, server,
country) raise ``UnknownCode``; lookups by something observed in a replay or typed by a user
(race alias, map content hash, country search) return ``None`` or an empty result instead, because
"not ours" is an ordinary answer there.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import MappingProxyType
from typing import TypeVar

from evoladder.datapack import countries as country_search
from evoladder.datapack.depot import DepotRef, parse_depot_url
from evoladder.datapack.errors import NoModRelease, UnknownCode
from evoladder.datapack.schema import (
    Country,
    Game,
    GameMap,
    GameRegion,
    GameRegionCode,
    GameServer,
    ModRelease,
    Race,
    ResidentialRegion,
    Season,
    SeasonCode,
    normalize_label,
)
from evoladder.domain.ids import CountryCode, MapName, RaceCode, RegionCode, ServerCode

K = TypeVar("K")
V = TypeVar("V")


def _frozen(items: dict[K, V]) -> Mapping[K, V]:
    return MappingProxyType(items)


@dataclass(frozen=True, slots=True)
class _Index:
    """Lookup tables derived from the pack's tuples; read-only views."""

    race_by_code: Mapping[RaceCode, Race]
    race_by_alias: Mapping[str, Race]
    season_by_code: Mapping[SeasonCode, Season]
    map_by_name: Mapping[SeasonCode, Mapping[str, GameMap]]
    map_by_hash: Mapping[SeasonCode, Mapping[str, GameMap]]
    release_dates: tuple[date, ...]
    region_by_code: Mapping[RegionCode, ResidentialRegion]
    server_by_code: Mapping[ServerCode, GameServer]
    game_region_by_code: Mapping[GameRegionCode, GameRegion]
    game_region_by_host: Mapping[str, GameRegionCode]
    server_by_pair: Mapping[tuple[RegionCode, RegionCode], GameServer]
    country_by_code: Mapping[CountryCode, Country]
    country_entries: tuple[tuple[Country, str], ...]


def _build_index(pack: DataPack, cross_table: Mapping[frozenset[RegionCode], ServerCode]) -> _Index:
    """Index an already validated pack (duplicates were refused by the loader)."""
    aliases: dict[str, Race] = {}
    for race in pack.races:
        for label in (race.name, *race.aliases):
            aliases[normalize_label(label)] = race
    by_name: dict[SeasonCode, Mapping[str, GameMap]] = {}
    by_hash: dict[SeasonCode, Mapping[str, GameMap]] = {}
    for season in pack.seasons:
        names: dict[str, GameMap] = {}
        hashes: dict[str, GameMap] = {}
        for game_map in season.maps:
            for label in (game_map.name, *game_map.replay_names):
                names[unicodedata.normalize("NFC", label)] = game_map
            if game_map.content_hash:
                hashes[game_map.content_hash] = game_map
        by_name[season.code] = _frozen(names)
        by_hash[season.code] = _frozen(hashes)
    servers = {server.code: server for server in pack.servers}
    pairs: dict[tuple[RegionCode, RegionCode], GameServer] = {}
    for pair, server_code in cross_table.items():
        members = sorted(pair)  # one member when a region plays itself
        first, second = members[0], members[-1]
        pairs[(first, second)] = pairs[(second, first)] = servers[server_code]
    return _Index(
        race_by_code=_frozen({race.code: race for race in pack.races}),
        race_by_alias=_frozen(aliases),
        season_by_code=_frozen({season.code: season for season in pack.seasons}),
        map_by_name=_frozen(by_name),
        map_by_hash=_frozen(by_hash),
        release_dates=tuple(release.effective for release in pack.mod_releases),
        region_by_code=_frozen({region.code: region for region in pack.residential_regions}),
        server_by_code=_frozen(servers),
        game_region_by_code=_frozen({gr.code: gr for gr in pack.game_regions}),
        game_region_by_host=_frozen({gr.depot_host: gr.code for gr in pack.game_regions}),
        server_by_pair=_frozen(pairs),
        country_by_code=_frozen({country.code: country for country in pack.countries}),
        country_entries=tuple((country, country_search.fold(country.name)) for country in pack.countries),
    )


@dataclass(frozen=True, slots=True, eq=False)
class DataPack:
    """A game's facts. Build it with ``load_pack``; the constructor trusts validated input.

    Tuples keep the data files' order (seasons and mod releases are oldest first, which the loader
    enforces), except ``countries`` and ``common_countries``, sorted by name for display.
    ``cross_table`` maps each unordered region pair (a one-element set for a region with itself) to
    a server code.
    """

    name: str
    title: str
    races: tuple[Race, ...]
    seasons: tuple[Season, ...]
    current_season: Season
    mod_releases: tuple[ModRelease, ...]
    residential_regions: tuple[ResidentialRegion, ...]
    servers: tuple[GameServer, ...]
    game_regions: tuple[GameRegion, ...]
    countries: tuple[Country, ...]
    common_countries: tuple[Country, ...]
    cross_table: Mapping[frozenset[RegionCode], ServerCode] = field(repr=False)
    _ix: _Index = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cross_table", _frozen(dict(self.cross_table)))
        object.__setattr__(self, "_ix", _build_index(self, self.cross_table))

    # ---- races ----

    def race(self, code: RaceCode) -> Race:
        """The race with ``code``; raises ``UnknownCode``."""
        try:
            return self._ix.race_by_code[code]
        except KeyError:
            raise UnknownCode("race", code, self._ix.race_by_code) from None

    def race_for_alias(self, text: str) -> Race | None:
        """The race a replay (or a user) names by ``text`` (an alias or the English name), if any.

        Compared after Unicode NFC, casefold and strip.
        """
        return self._ix.race_by_alias.get(normalize_label(text))

    def races_of_game(self, game: Game) -> tuple[Race, ...]:
        """The races playing ``game``'s units, in pack order."""
        return tuple(race for race in self.races if race.game is game)

    # ---- seasons and maps ----

    def season(self, code: SeasonCode) -> Season:
        """The season with ``code``; raises ``UnknownCode``."""
        try:
            return self._ix.season_by_code[code]
        except KeyError:
            raise UnknownCode("season", code, self._ix.season_by_code) from None

    def map_pool(self, season: SeasonCode | None = None) -> tuple[GameMap, ...]:
        """The maps of ``season`` (default: the current season); may be empty."""
        return self._season_or_current(season).maps

    def map_by_name(self, name: MapName | str, season: SeasonCode | None = None) -> GameMap:
        """The map of ``season``'s pool (default: current) whose full name or replay name is ``name``.

        Exact match after NFC. Raises ``UnknownCode`` if the map is not in that pool.
        """
        chosen = self._season_or_current(season)
        found = self._ix.map_by_name[chosen.code].get(unicodedata.normalize("NFC", name))
        if found is None:
            raise UnknownCode("map", name, detail=f"map {name!r} is not in the pool of {chosen.code!r}")
        return found

    def map_by_content_hash(self, content_hash: str, season: SeasonCode | None = None) -> GameMap | None:
        """The map of ``season``'s pool (default: current) whose file has this depot hash, if any."""
        chosen = self._season_or_current(season)
        return self._ix.map_by_hash[chosen.code].get(content_hash.strip().lower())

    def with_current_season(self, code: SeasonCode | str) -> DataPack:
        """The same pack with another season current (a season rollover); raises ``UnknownCode``."""
        return replace(self, current_season=self.season(SeasonCode(code)))

    def find_map(self, name: MapName | str) -> GameMap:
        """A map by name in the current season, else in any other season (newest first).

        For things that outlive a season's pool, e.g. a match created just before a rollover.
        Raises ``UnknownCode`` if no season has it.
        """
        try:
            return self.map_by_name(name)
        except UnknownCode:
            for season in reversed(self.seasons):
                found = self._ix.map_by_name[season.code].get(unicodedata.normalize("NFC", name))
                if found is not None:
                    return found
            raise

    def _season_or_current(self, season: SeasonCode | None) -> Season:
        return self.current_season if season is None else self.season(season)

    # ---- mod releases ----

    def mod_release_on(self, day: date) -> ModRelease:
        """The release in force on ``day``: the latest whose effective date is on or before it.

        A ``datetime`` counts by its calendar date as given (no timezone conversion). Raises
        ``NoModRelease`` for a day before the first release.
        """
        if isinstance(day, datetime):
            day = day.date()
        position = bisect.bisect_right(self._ix.release_dates, day)
        if position == 0:
            first = self.mod_releases[0].effective if self.mod_releases else None
            raise NoModRelease(f"no mod release was in force on {day.isoformat()}; the first took effect {first}")
        return self.mod_releases[position - 1]

    def parse_depot_url(self, url: str) -> DepotRef:
        """Split a depot URL into (game region, hash, ext); raises ``BadDepotUrl`` for unknown hosts."""
        return parse_depot_url(url, self._ix.game_region_by_host)

    # ---- regions and servers ----

    def region(self, code: RegionCode) -> ResidentialRegion:
        """The residential region with ``code``; raises ``UnknownCode``."""
        try:
            return self._ix.region_by_code[code]
        except KeyError:
            raise UnknownCode("region", code, self._ix.region_by_code) from None

    def server(self, code: ServerCode) -> GameServer:
        """The game server with ``code``; raises ``UnknownCode``."""
        try:
            return self._ix.server_by_code[code]
        except KeyError:
            raise UnknownCode("server", code, self._ix.server_by_code) from None

    def game_region(self, code: GameRegionCode) -> GameRegion:
        """The battle.net game region with ``code``; raises ``UnknownCode``."""
        try:
            return self._ix.game_region_by_code[code]
        except KeyError:
            raise UnknownCode("game region", code, self._ix.game_region_by_code) from None

    def server_for(self, region_a: RegionCode, region_b: RegionCode) -> GameServer:
        """The server two players living in these regions play on (order does not matter)."""
        found = self._ix.server_by_pair.get((region_a, region_b))
        if found is None:
            bad = region_a if region_a not in self._ix.region_by_code else region_b
            raise UnknownCode("region", bad, self._ix.region_by_code)
        return found

    # ---- countries ----

    def country(self, code: CountryCode) -> Country:
        """The country with ISO alpha-2 ``code`` (or XX/ZZ); raises ``UnknownCode``."""
        try:
            return self._ix.country_by_code[code]
        except KeyError:
            raise UnknownCode("country", code) from None

    def search_countries(self, text: str, limit: int = 25) -> tuple[Country, ...]:
        """Up to ``limit`` best matches for autocomplete (code/name prefix, then substring).

        Accents and case are ignored; common countries come first within equally good matches.
        """
        return country_search.search(self._ix.country_entries, text, limit)

    # ---- overview ----

    def summary(self) -> dict[str, int]:
        """Counts for start-up logs and health checks; ``maps`` is the current pool's size."""
        return {
            "races": len(self.races),
            "seasons": len(self.seasons),
            "maps": len(self.current_season.maps),
            "residential_regions": len(self.residential_regions),
            "servers": len(self.servers),
            "game_regions": len(self.game_regions),
            "cross_table_pairs": len(self.cross_table),
            "mod_releases": len(self.mod_releases),
            "countries": len(self.countries),
        }
