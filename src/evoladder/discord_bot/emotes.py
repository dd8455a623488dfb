"""Race, rank and flag emotes: configured per deployment, with Unicode fallbacks so a fresh bot looks right.

Overrides come from ``EVOLADDER_DISCORD_EMOTES`` (JSON), keyed ``race.<code>``, ``rank.<letter>`` and
``flag.<country code>``; the value is any text Discord renders, usually ``<:name:id>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

RACE_FALLBACK: Mapping[str, str] = MappingProxyType(
    {
        "bw_terran": "🔧",
        "bw_zerg": "🐛",
        "bw_protoss": "💠",
        "sc2_terran": "🔧",
        "sc2_zerg": "🐛",
        "sc2_protoss": "💠",
    }
)
SPECIAL_FLAGS: Mapping[str, str] = MappingProxyType({"XX": "🏳️", "ZZ": "🌐"})
_REGIONAL_A = 0x1F1E6


def _regional(letter: str) -> str:
    return chr(_REGIONAL_A + ord(letter.upper()) - ord("A"))


@dataclass(frozen=True, slots=True)
class Emotes:
    overrides: Mapping[str, str] = field(default_factory=dict)

    def race(self, code: str) -> str:
        return self.overrides.get(f"race.{code}") or RACE_FALLBACK.get(code, "🎮")

    def rank(self, letter: str) -> str:
        """Letter ranks S..F as regional-indicator letters (🇸, 🇦, ...) unless configured."""
        custom = self.overrides.get(f"rank.{letter}")
        if custom:
            return custom
        return _regional(letter) if len(letter) == 1 and letter.isalpha() else letter

    def flag(self, country: str | None) -> str:
        """The country's flag from its ISO code (two regional indicators); XX/ZZ/unknown get a neutral one."""
        if not country:
            return SPECIAL_FLAGS["XX"]
        code = country.upper()
        custom = self.overrides.get(f"flag.{code}")
        if custom:
            return custom
        if code in SPECIAL_FLAGS:
            return SPECIAL_FLAGS[code]
        if len(code) == 2 and code.isalpha():
            return _regional(code[0]) + _regional(code[1])
        return SPECIAL_FLAGS["ZZ"]
