"""Reading a data pack from disk: bundled packs by name, or any folder by path.

A pack is read and checked once; a bundled pack is then cached per name, which is safe because the
``DataPack`` is immutable. A folder given by path is read afresh on every call (tests edit them).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import Field, ValidationError

from evoladder.datapack.assemble import COUNTRIES, MODS, PACK, RACES, REGIONS, SEASONS, Parsed, assemble
from evoladder.datapack.countries import iso_countries
from evoladder.datapack.errors import DataPackError
from evoladder.datapack.pack import DataPack
from evoladder.datapack.schema import (
    SNAKE,
    UPPER2,
    Frozen,
    GameRegion,
    GameServer,
    ModRelease,
    Race,
    ResidentialRegion,
    Season,
    SeasonCode,
    Text,
)
from evoladder.domain.ids import CountryCode

DEFAULT_PACK = "evo_complete"
_BUNDLED = resources.files("evoladder.datapack").joinpath("packs")

M = TypeVar("M", bound=Frozen)


class PackFile(Frozen):
    """``pack.toml``: the pack's identity and the current season."""

    name: Annotated[str, SNAKE]
    title: Text
    current_season: Annotated[SeasonCode, SNAKE]


class RacesFile(Frozen):
    races: tuple[Race, ...]


class SeasonsFile(Frozen):
    seasons: tuple[Season, ...]


class ModsFile(Frozen):
    releases: tuple[ModRelease, ...]


class RegionsFile(Frozen):
    game_regions: Annotated[tuple[GameRegion, ...], Field(min_length=1)]
    servers: Annotated[tuple[GameServer, ...], Field(min_length=1)]
    residential_regions: Annotated[tuple[ResidentialRegion, ...], Field(min_length=1)]
    cross_table: Mapping[str, Mapping[str, str]]


class CountriesFile(Frozen):
    common: tuple[Annotated[CountryCode, UPPER2], ...]
    special: Mapping[Annotated[CountryCode, UPPER2], Text]


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            path += " (key)"
        else:
            path += f".{part}" if path else part
    return path


def _describe(error: Mapping[str, Any]) -> str:
    message = str(error["msg"])
    value = error.get("input")
    if error["type"] != "missing" and not isinstance(value, dict | list):
        message += f" (got {value!r})"
    if error["type"] == "date_type" and isinstance(value, str):
        message += "; write a date unquoted, e.g. 2025-11-01"
    return message


def _validation_error(file: str, exc: ValidationError) -> DataPackError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    message = _describe(first)
    others = [f"{_field_path(e['loc'])}: {_describe(e)}" for e in errors[1:4]]
    if others:
        more = f"; and {len(errors) - 4} more" if len(errors) > 4 else ""
        message += "; also " + "; ".join(others) + more
    return DataPackError(file, _field_path(first["loc"]), message)


def _read(root: Traversable, file: str, model: type[M]) -> M:
    """Parse one file of the pack against ``model``; every failure names the file."""
    node = root.joinpath(file)
    if not node.is_file():
        raise DataPackError(file, "", f"file is missing from the pack at {root}")
    try:
        raw = tomllib.loads(node.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataPackError(file, "", f"not valid TOML: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _validation_error(file, exc) from None


def _load_from(root: Traversable) -> DataPack:
    pack = _read(root, PACK, PackFile)
    races = _read(root, RACES, RacesFile)
    seasons = _read(root, SEASONS, SeasonsFile)
    mods = _read(root, MODS, ModsFile)
    regions = _read(root, REGIONS, RegionsFile)
    countries = _read(root, COUNTRIES, CountriesFile)
    return assemble(
        Parsed(
            name=pack.name,
            title=pack.title,
            current_season=pack.current_season,
            races=races.races,
            seasons=seasons.seasons,
            releases=mods.releases,
            game_regions=regions.game_regions,
            servers=regions.servers,
            residential_regions=regions.residential_regions,
            cross_table=regions.cross_table,
            common_countries=countries.common,
            special_countries=countries.special,
            iso_countries=iso_countries(),
        )
    )


def bundled_packs() -> tuple[str, ...]:
    """Names of the packs shipped inside the package."""
    return tuple(
        sorted(node.name for node in _BUNDLED.iterdir() if node.is_dir() and not node.name.startswith(("_", ".")))
    )


@functools.cache
def _load_bundled(name: str) -> DataPack:
    return _load_from(_BUNDLED.joinpath(name))


def load_pack(source: str | Path = DEFAULT_PACK) -> DataPack:
    """Load and validate a data pack, by bundled name (``"evo_complete"``) or folder path.

    A plain name (no path separator) is looked up among the bundled packs and cached; anything else
    is a folder read on every call. Raises ``DataPackError`` naming the file and field at fault.
    """
    if isinstance(source, str) and "/" not in source and "\\" not in source and source not in {".", ".."}:
        if _BUNDLED.joinpath(source).is_dir():
            return _load_bundled(source)
        if not Path(source).is_dir():
            known = ", ".join(bundled_packs())
            raise DataPackError(source, "", f"no bundled data pack by that name (bundled: {known}) and no such folder")
    folder = Path(source)
    if not folder.is_dir():
        raise DataPackError(str(folder), "", "data pack folder not found")
    return _load_from(folder)
