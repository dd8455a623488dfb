"""Simulated players' public identities: readable in-game names and a country that fits the region.

Deterministic per player id, so a restarted demo shows the same people. Names are letters only
(3..12, the profile rule); countries are ISO codes the data pack knows.
"""

from __future__ import annotations

import random

FIRST = (
    "Zer", "Ghost", "Hydra", "Lurk", "Nova", "Drone", "Vex", "Arc", "Scout", "Muta", "Dark", "Templ",
    "Goliath", "Vult", "Ultra", "Rav", "Brood", "Queen", "Stalk", "Zeal", "Reap", "Marau", "Viper", "Thor",
    "Raven", "Oracle", "Tempest", "Disrupt", "Hellion", "Cyclone", "Baneling", "Infest", "Dragoon", "Corsair",
)  # fmt: skip
LAST = (
    "ling", "zor", "mind", "fang", "storm", "blade", "fire", "ix", "on", "us", "ara", "ek", "wolf", "king",
    "lord", "ace", "fox", "ray", "byte", "star", "lux", "io", "en", "ish",
)  # fmt: skip

COUNTRIES: dict[str, tuple[str, ...]] = {
    # residential region (the simulator's mix) -> plausible countries
    "EUW": ("DE", "FR", "GB", "ES", "NL", "IT", "SE", "DK", "NO", "AT"),
    "EUE": ("PL", "UA", "RU", "CZ", "RO", "HU", "FI", "LT", "BG", "HR"),
    "NAE": ("US", "CA"),
    "NAW": ("US", "CA"),
    "NAC": ("US", "CA", "MX"),
    "KRJ": ("KR", "KR", "KR", "JP"),
    "CHN": ("CN",),
    "SEA": ("SG", "VN", "PH", "MY", "ID"),
    "OCE": ("AU", "NZ"),
    "SAM": ("BR", "AR", "CL", "PE", "CO"),
    "CAM": ("MX", "CR", "CU"),
    "THM": ("TW", "HK"),
    "USB": ("RU", "KZ", "BY"),
    "FER": ("RU",),
    "MEA": ("IL", "IN", "XX"),
    "AFR": ("ZZ", "XX"),
}


def identity(player_id: int, region: str, taken: set[str]) -> tuple[str, str]:
    """(in-game name, country) for one simulated player; ``taken`` keeps names unique (and is updated)."""
    rng = random.Random(player_id * 7919)
    for attempt in range(50):
        name = rng.choice(FIRST) + rng.choice(LAST)
        if attempt >= 3 or name in taken:  # add letters rather than digits (names are letters only)
            name = (name + "".join(rng.choice("xyzqkv") for _ in range(1 + attempt // 10)))[:12]
        if name not in taken and 3 <= len(name) <= 12:
            break
    taken.add(name)
    return name, rng.choice(COUNTRIES.get(region, ("ZZ",)))
