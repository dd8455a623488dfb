"""A synthetic population: hidden true skill per race, a realistic region mix, daily habits."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

BW_RACES = ("bw_terran", "bw_zerg", "bw_protoss")
SC2_RACES = ("sc2_terran", "sc2_zerg", "sc2_protoss")

REGION_MIX: dict[str, tuple[float, int]] = {
    # residential region: (share of players, UTC offset in hours for the evening peak)
    "EUW": (0.18, 1),
    "EUE": (0.12, 2),
    "NAE": (0.12, -5),
    "NAW": (0.08, -8),
    "NAC": (0.06, -6),
    "KRJ": (0.10, 9),
    "CHN": (0.06, 8),
    "SEA": (0.05, 7),
    "OCE": (0.03, 10),
    "SAM": (0.06, -3),
    "CAM": (0.02, -6),
    "THM": (0.03, 8),
    "USB": (0.03, 6),
    "FER": (0.01, 10),
    "MEA": (0.03, 3),
    "AFR": (0.02, 1),
}


@dataclass(frozen=True, slots=True)
class SimPlayer:
    """One synthetic player. ``skill`` is the hidden truth results are drawn from."""

    id: int
    region: str
    utc_offset: int
    bw_race: str | None
    sc2_race: str | None
    skill: dict[str, float]
    sessions_per_day: float
    games_per_session: float
    patience_s: float
    vetoes: tuple[str, ...]

    def local_hour(self, t_seconds: float) -> float:
        return ((t_seconds / 3600.0) + self.utc_offset) % 24.0


def make_population(n: int, map_names: list[str], seed: int) -> list[SimPlayer]:
    rng = random.Random(seed)
    regions = list(REGION_MIX)
    weights = [REGION_MIX[r][0] for r in regions]
    players = []
    for i in range(n):
        region = rng.choices(regions, weights)[0]
        base = rng.gauss(1500, 300)
        skill = {race: base + rng.gauss(0, 120) for race in (*BW_RACES, *SC2_RACES)}
        kind = rng.random()
        bw = rng.choice(BW_RACES) if kind < 0.75 else None  # 40% BW only, 35% both, 25% SC2 only
        sc2 = rng.choice(SC2_RACES) if kind >= 0.40 else None
        n_vetoes = rng.choice([0, 1, 2, 3, 4, 4])
        players.append(
            SimPlayer(
                id=10_000 + i,
                region=region,
                utc_offset=REGION_MIX[region][1],
                bw_race=bw,
                sc2_race=sc2,
                skill=skill,
                sessions_per_day=rng.uniform(0.3, 1.5),
                games_per_session=rng.uniform(1.5, 5.0),
                patience_s=rng.uniform(5, 20) * 60,
                vetoes=tuple(rng.sample(map_names, n_vetoes)),
            )
        )
    return players


def evening_intensity(local_hour: float) -> float:
    """Relative activity by local hour: a peak at 21:00, a trough in the early morning (0.1..1.0)."""
    return 0.55 + 0.45 * math.cos(2 * math.pi * (local_hour - 21.0) / 24.0)


def next_session_start(player: SimPlayer, now_s: float, rng: random.Random) -> float:
    """Next session start: a Poisson process with daily peaks (thinning of a max-rate process)."""
    max_rate = player.sessions_per_day / 86400.0 / 0.55  # mean intensity is 0.55
    t = now_s
    while True:
        t += rng.expovariate(max_rate)
        if rng.random() <= evening_intensity(player.local_hour(t)):
            return t


def win_probability(skill1: float, skill2: float) -> float:
    """Chance that true skill 1 beats true skill 2 (logistic, 400-point scale)."""
    return 1.0 / (1.0 + 10 ** ((skill2 - skill1) / 400.0))
