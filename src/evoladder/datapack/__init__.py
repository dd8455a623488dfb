"""A game's facts as data: races, seasons and map pools, mod releases, regions, servers, countries.

Layer: above ``domain``, below everything else. The facts live in TOML files under ``packs/<name>/``
(shipped inside the package); ``load_pack`` reads and checks them once at start and returns an
immutable ``DataPack`` that every service shares. A bad file stops the start with a
``DataPackError`` naming the file and field, rather than failing later in a match.
"""

from evoladder.datapack.depot import DepotRef, parse_depot_url
from evoladder.datapack.errors import BadDepotUrl, DataPackError, NoModRelease, UnknownCode
from evoladder.datapack.frozen import FrozenDict
from evoladder.datapack.loader import DEFAULT_PACK, bundled_packs, load_pack
from evoladder.datapack.pack import DataPack
from evoladder.datapack.schema import (
    Continent,
    Country,
    DepotHandle,
    Game,
    GameMap,
    GameRegion,
    GameRegionCode,
    GameServer,
    ModRelease,
    Race,
    RegionalMod,
    ResidentialRegion,
    Season,
    SeasonCode,
    normalize_label,
)

__all__ = [
    "DEFAULT_PACK",
    "BadDepotUrl",
    "Continent",
    "Country",
    "DataPack",
    "DataPackError",
    "DepotHandle",
    "DepotRef",
    "FrozenDict",
    "Game",
    "GameMap",
    "GameRegion",
    "GameRegionCode",
    "GameServer",
    "ModRelease",
    "NoModRelease",
    "Race",
    "RegionalMod",
    "ResidentialRegion",
    "Season",
    "SeasonCode",
    "UnknownCode",
    "bundled_packs",
    "load_pack",
    "normalize_label",
    "parse_depot_url",
]
