"""Typed identifiers, so a player id can never be passed where a match id is expected."""

from typing import NewType

PlayerId = NewType("PlayerId", int)
"""A player's Discord user id: the natural key used everywhere."""

MatchId = NewType("MatchId", int)
"""The public match number ("Match #N")."""

RaceCode = NewType("RaceCode", str)
"""One of the data pack's race codes, e.g. ``bw_zerg`` or ``sc2_terran``."""

MapName = NewType("MapName", str)
"""A map's full name as in the data pack, e.g. ``Khione SEL``."""

CountryCode = NewType("CountryCode", str)
"""ISO 3166-1 alpha-2, or ``XX`` (non-representing) or ``ZZ`` (other)."""

RegionCode = NewType("RegionCode", str)
"""A residential region code, e.g. ``EUW``."""

ServerCode = NewType("ServerCode", str)
"""A game server code, e.g. ``EUC``."""
