"""Time one matchmaking wave for both strategies on realistic queues of 100, 1,000 and 10,000.

Run: ``uv run python bench/bench_wave.py [--quick]``. Prints a table and writes
``bench/results/wave.json``. Targets for ``GlobalMatcher``: <= 20 ms at 1,000 queued players and
<= 200 ms at 10,000. The queue is synthetic but shaped like the ladder: 40 % BW only, 40 % SC2 only,
20 % both; MMR ~ N(1500, 250) (a "both" player's second race within ~150 of the first); 16
residential regions; a third of the players veto 1 to 4 of 9 maps; most players are on their
first or second wave.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import scipy

from evoladder.domain.ids import MapName, PlayerId, RaceCode, RegionCode, ServerCode
from evoladder.domain.matchmaking import (
    BaselineMatcher,
    Game,
    GlobalMatcher,
    MapChoice,
    MatchingStrategy,
    QueueEntry,
    RacePick,
    WaveResult,
)

RESULTS = Path(__file__).resolve().parent / "results" / "wave.json"
SIZES = (100, 1_000, 10_000)
REGIONS = {
    "NAW": "AM", "NAC": "AM", "NAE": "AM", "CAM": "AM", "SAM": "AM",
    "EUW": "EU", "EUE": "EU", "AFR": "EU", "MEA": "EU",
    "SEA": "AS", "KRJ": "AS", "CHN": "AS", "THM": "AS", "OCE": "AS", "USB": "AM", "FER": "AS",
}  # fmt: skip
SERVER_OF = {"AM": "USC", "EU": "EUC", "AS": "KOR"}
POOL = tuple(
    MapChoice(MapName(f"Map {i}"), kind)
    for i, kind in enumerate([Game.BW, Game.BW, Game.SC2, Game.SC2, None, None, None, Game.BW, Game.SC2])
)
START = datetime(2026, 1, 1, tzinfo=UTC)
TARGETS_MS = {1_000: 20.0, 10_000: 200.0}


@dataclass(frozen=True, slots=True)
class Row:
    """One strategy on one queue size: timings over the repetitions and what the wave produced."""

    strategy: str
    queued: int
    repetitions: int
    median_ms: float
    max_ms: float
    matched_players: int
    mean_gap: float | None
    max_gap: int | None


def server_for(a: RegionCode, b: RegionCode) -> ServerCode:
    """A stand-in cross-table: same continent plays there, otherwise the BW player's continent."""
    return ServerCode(SERVER_OF[REGIONS[a]])


def build_queue(n: int, seed: int) -> list[QueueEntry]:
    rng = np.random.default_rng(seed)
    kinds = rng.choice(3, size=n, p=[0.4, 0.4, 0.2])
    first = np.clip(rng.normal(1500, 250, n), 0, None).round().astype(int)
    second = np.clip(first + rng.normal(0, 150, n), 0, None).round().astype(int)
    region_codes = sorted(REGIONS)
    regions = rng.choice(len(region_codes), size=n)
    waves = np.minimum(rng.geometric(0.55, n) - 1, 8)
    names = [m.name for m in POOL]
    entries: list[QueueEntry] = []
    for i in range(n):
        bw = RacePick(RaceCode(f"bw_{rng.choice(['terran', 'zerg', 'protoss'])}"), int(first[i]))
        sc2_mmr = int(second[i]) if kinds[i] == 2 else int(first[i])
        sc2 = RacePick(RaceCode(f"sc2_{rng.choice(['terran', 'zerg', 'protoss'])}"), sc2_mmr)
        n_vetoes = int(rng.integers(1, 5)) if rng.random() < 1 / 3 else 0
        vetoes = frozenset(MapName(str(v)) for v in rng.choice(names, size=n_vetoes, replace=False))
        entries.append(
            QueueEntry(
                player_id=PlayerId(10_000_000 + i),
                region=RegionCode(region_codes[regions[i]]),
                joined_at=START - timedelta(seconds=45 * int(waves[i]) + int(rng.integers(0, 45))),
                bw=bw if kinds[i] != 1 else None,
                sc2=sc2 if kinds[i] != 0 else None,
                vetoes=vetoes,
                waves_waited=int(waves[i]),
            )
        )
    return entries


def time_wave(strategy: MatchingStrategy, queue: list[QueueEntry], reps: int) -> tuple[list[float], WaveResult]:
    times: list[float] = []
    result: WaveResult | None = None
    for rep in range(reps):
        t0 = time.perf_counter()
        result = strategy.run_wave(queue, POOL, server_for, random.Random(rep))
        times.append((time.perf_counter() - t0) * 1000)
    assert result is not None
    return times, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    args = parser.parse_args()
    strategies: list[MatchingStrategy] = [GlobalMatcher(), BaselineMatcher()]
    rows: list[Row] = []
    for n in SIZES:
        queue = build_queue(n, seed=n)
        for strategy in strategies:
            reps = 3 if args.quick else {100: 30, 1_000: 15, 10_000: 7}[n]
            if strategy.name == "baseline" and n == 10_000:
                reps = min(reps, 3)
            strategy.run_wave(queue, POOL, server_for, random.Random(0))  # warm-up
            times, result = time_wave(strategy, queue, reps)
            gaps = [m.mmr_gap for m in result.matches]
            rows.append(
                Row(
                    strategy=strategy.name,
                    queued=n,
                    repetitions=reps,
                    median_ms=round(statistics.median(times), 2),
                    max_ms=round(max(times), 2),
                    matched_players=2 * len(result.matches),
                    mean_gap=round(statistics.fmean(gaps), 1) if gaps else None,
                    max_gap=max(gaps) if gaps else None,
                )
            )
    print(f"{'strategy':<9} {'queued':>7} {'reps':>4} {'median ms':>10} {'max ms':>8} {'matched':>8} {'mean gap':>9}")
    for row in rows:
        target = TARGETS_MS.get(row.queued) if row.strategy == "global" else None
        mark = "" if target is None else ("  ok" if row.median_ms <= target else "  OVER TARGET")
        print(
            f"{row.strategy:<9} {row.queued:>7} {row.repetitions:>4} {row.median_ms:>10.2f} "
            f"{row.max_ms:>8.2f} {row.matched_players:>8} {row.mean_gap!s:>9}{mark}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "matchmaking wave",
                "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "numpy": np.__version__},
                "scipy": scipy.__version__,
                "targets_ms": {f"global@{n}": ms for n, ms in TARGETS_MS.items()},
                "note": "one wave each; matched/mean_gap are per wave (see window.py for the steady-state comparison)",
                "rows": [asdict(row) for row in rows],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
