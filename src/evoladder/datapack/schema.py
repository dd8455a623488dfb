"""The pack's value types: frozen pydantic models that also validate the data files' shape.

One set of classes serves both purposes, so what the loader checks is exactly what callers get.
Every model is frozen and holds only tuples and ``FrozenDict`` mappings, so a loaded pack can be
shared by every task and thread without copies.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, NewType, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, StringConstraints, model_validator

from evoladder.datapack.errors import UnknownCode
from evoladder.datapack.frozen import FrozenDict
from evoladder.domain.games import Game as Game
from evoladder.domain.ids import CountryCode, MapName, RaceCode, RegionCode, ServerCode

SeasonCode = NewType("SeasonCode", str)
"""A season's code, e.g. ``season_alpha``."""

GameRegionCode = NewType("GameRegionCode", str)
"""A battle.net game region: ``AM``, ``EU`` or ``AS``."""


class Continent(StrEnum):
    """The display group of a residential region (one globe picture per group)."""

    AMERICAS = "americas"
    EUROPE_AFRICA = "europe_africa"
    ASIA_OCEANIA = "asia_oceania"


K = TypeVar("K")
V = TypeVar("V")


def _freeze(value: Mapping[K, V]) -> Mapping[K, V]:
    return FrozenDict(value)


TEXT = StringConstraints(min_length=1, pattern=r"^\S(.*\S)?$")
SNAKE = StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")
UPPER2 = StringConstraints(pattern=r"^[A-Z]{2}$")
UPPER3 = StringConstraints(pattern=r"^[A-Z]{3}$")

Text = Annotated[str, TEXT]
"""A non-empty string without leading or trailing blanks."""

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
DataDate = Annotated[date, Strict()]
"""A TOML date (``2025-11-01``, unquoted); strings and date-times are refused."""

_HANDLE_RE = re.compile(r"([0-9a-f]{64})\.([a-z0-9]{2,8})")


def normalize_label(text: str) -> str:
    """The form aliases are compared in: Unicode NFC, casefolded, outer blanks stripped."""
    return unicodedata.normalize("NFC", text).casefold().strip()


class Frozen(BaseModel):
    """Base of every pack model: immutable, and unknown keys in a data file are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Race(Frozen):
    """A playable race. ``aliases`` are the strings replays use for it, in any client language."""

    code: Annotated[RaceCode, SNAKE]
    game: Game
    name: Text
    short_name: Text
    aliases: tuple[Text, ...] = ()


class GameMap(Frozen):
    """A map of one season's pool, identified by ``name`` within that season."""

    name: Annotated[MapName, TEXT]
    short_name: Text
    author: Text
    game: Game
    links: Annotated[Mapping[GameRegionCode, Text], AfterValidator(_freeze)]
    content_hash: Sha256 | None = None
    replay_names: tuple[Text, ...] = ()

    def link(self, game_region: GameRegionCode) -> str:
        """The battle.net link in ``game_region``; raises ``UnknownCode`` for an unknown region."""
        try:
            return self.links[game_region]
        except KeyError:
            raise UnknownCode("game region", game_region, self.links) from None


class Season(Frozen):
    """A ladder season and its map pool (possibly empty)."""

    code: Annotated[SeasonCode, SNAKE]
    name: Text
    start: DataDate
    maps: tuple[GameMap, ...]


class DepotHandle(Frozen):
    """A cache file on battle.net's depot, by content: written ``<sha256>.<ext>`` in data files."""

    hash: Sha256
    ext: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{2,8}$")]

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _HANDLE_RE.fullmatch(value)
            if match is None:
                raise ValueError("expected '<64 lowercase hex digits>.<extension>'")
            return {"hash": match.group(1), "ext": match.group(2)}
        return value

    @property
    def file_name(self) -> str:
        """``<hash>.<ext>``, the last part of the depot URL."""
        return f"{self.hash}.{self.ext}"

    def url(self, host: str) -> str:
        """The full depot URL on ``host`` (see ``GameRegion.depot_host``)."""
        return f"https://{host}/{self.file_name}"


class RegionalMod(Frozen):
    """The mod as published in one game region: its link, official chain and optional art mods."""

    link: Text
    handles: Annotated[tuple[DepotHandle, ...], Field(min_length=1)]
    art_handles: tuple[DepotHandle, ...] = ()


class ModRelease(Frozen):
    """One official release of the mod, in force from ``effective`` until the next release."""

    label: Text
    effective: DataDate
    name: Text
    author: Text
    regions: Annotated[Mapping[GameRegionCode, RegionalMod], AfterValidator(_freeze)]

    def build(self, game_region: GameRegionCode) -> RegionalMod:
        """The release as published in ``game_region``; raises ``UnknownCode`` for an unknown region."""
        try:
            return self.regions[game_region]
        except KeyError:
            raise UnknownCode("game region", game_region, self.regions) from None


class GameRegion(Frozen):
    """A battle.net region (accounts, maps and mods are published per region)."""

    code: Annotated[GameRegionCode, UPPER2]
    name: Text
    short_name: Text
    bnet_number: Annotated[int, Strict(), Field(ge=1, le=9)]
    depot_host: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")]

    def depot_url(self, handle: DepotHandle) -> str:
        """Where this region's depot serves ``handle``."""
        return handle.url(self.depot_host)


class GameServer(Frozen):
    """A server a lobby can be hosted on, within one game region."""

    code: Annotated[ServerCode, UPPER3]
    name: Text
    short_name: Text
    game_region: Annotated[GameRegionCode, UPPER2]


class ResidentialRegion(Frozen):
    """Where a player lives; two players' regions pick their server through the cross-table."""

    code: Annotated[RegionCode, UPPER3]
    name: Text
    continent: Continent


class Country(Frozen):
    """A country a player may represent. ``special`` marks XX and ZZ, which are not ISO countries."""

    code: Annotated[CountryCode, UPPER2]
    name: Text
    common: bool = False
    special: bool = False
