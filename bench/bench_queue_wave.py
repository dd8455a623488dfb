"""Event-loop lag during a matchmaking wave, measured through the real queue service.

    uv run python bench/bench_queue_wave.py [--sizes 100,1000,10000]

For each queue size: a fresh SQLite ladder with that many set-up players queued (inserted in bulk),
then one wave through ``QueueService.run_wave`` (matching, match creation, queue bookkeeping) while a
1 ms ticker measures how late the event loop wakes up. Writes bench/results/queue_wave.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from evoladder.app import build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.store.schema import upgrade
from evoladder.store.tables import players, queue_entries, ratings

RESULTS = Path(__file__).parent / "results" / "queue_wave.json"
REGIONS = ["EUW", "EUE", "NAE", "NAW", "KRJ", "SEA", "SAM", "OCE"]
BW = ["bw_terran", "bw_zerg", "bw_protoss"]
SC2 = ["sc2_terran", "sc2_zerg", "sc2_protoss"]


async def one_size(n: int, seed: int = 1) -> dict[str, float]:
    rng = random.Random(seed)
    now = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'b.db'}"
        upgrade(url)
        ladder = build(Settings(database_url=url, data_dir=Path(tmp), _env_file=None), clock=ManualClock(now))  # type: ignore[call-arg]
        await ladder.start(expiry_interval_s=3600, run_waves=False)
        pool = [m.name for m in ladder.pack.map_pool()]
        prows, rrows, qrows = [], [], []
        for i in range(n):
            pid = 1_000_000 + i
            kind = rng.random()
            bw = rng.choice(BW) if kind < 0.7 else None
            sc2 = rng.choice(SC2) if kind > 0.35 or bw is None else None
            prows.append(
                dict(id=pid, discord_username=f"u{pid}", in_game_name="Bench", battletag=f"Bench#{pid}",
                     country="DE", region=rng.choice(REGIONS), tos_accepted=True, tos_changed_at=now,
                     setup_completed_at=now, is_banned=False, created_at=now, updated_at=now, version=1)
            )  # fmt: skip
            for race in (r for r in (bw, sc2) if r):
                rrows.append(dict(player_id=pid, race=race, mmr=int(rng.gauss(1500, 250)), games_played=5,
                                  games_won=2, games_lost=3, games_drawn=0))  # fmt: skip
            qrows.append(
                dict(player_id=pid, bw_race=bw, sc2_race=sc2, map_vetoes=rng.sample(pool, rng.choice([0, 2, 4])),
                     region=prows[-1]["region"], joined_at=now, waves_waited=rng.randrange(0, 6))
            )  # fmt: skip
        async with ladder.db.write() as conn:
            await conn.execute(insert(players), prows)
            await conn.execute(insert(ratings), rrows)
            await conn.execute(insert(queue_entries), qrows)
        await ladder.stop()
        ladder = build(Settings(database_url=url, data_dir=Path(tmp), _env_file=None), clock=ManualClock(now))  # type: ignore[call-arg]
        await ladder.start(expiry_interval_s=3600, run_waves=False)
        await ladder.queue.warm()  # production warms the matcher process at start
        try:
            lags: list[float] = []
            stop = asyncio.Event()

            async def ticker() -> None:
                while not stop.is_set():
                    t0 = time.perf_counter()
                    await asyncio.sleep(0.001)
                    lags.append((time.perf_counter() - t0) * 1000 - 1.0)

            tick = asyncio.create_task(ticker())
            await asyncio.sleep(0.05)
            lags.clear()
            started = time.perf_counter()
            report = await ladder.queue.run_wave()
            wall = (time.perf_counter() - started) * 1000
            stop.set()
            await tick
        finally:
            await ladder.stop()
    return {
        "queued": n,
        "matches_created": len(report.created),
        "matcher_ms": round(report.matcher_ms, 2),
        "offloaded": report.offloaded,
        "wave_wall_ms": round(wall, 1),
        "loop_lag_max_ms": round(max(lags), 2) if lags else 0.0,
        "loop_lag_p99_ms": round(sorted(lags)[int(0.99 * (len(lags) - 1))], 2) if lags else 0.0,
        "loop_lag_median_ms": round(statistics.median(lags), 3) if lags else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(one_size(args.one))))
        return
    rows = []
    for size in args.sizes.split(","):
        # each size in a fresh interpreter, so one run's processes and caches cannot skew the next
        out = subprocess.run(
            [sys.executable, __file__, "--one", size], capture_output=True, text=True, check=True, timeout=900
        ).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": rows}, indent=2))
    header = ("queued", "created", "matcher ms", "off-loop", "wave wall ms", "lag max", "lag p99")
    print(" ".join(f"{h:>12}" for h in header))
    for r in rows:
        keys = ("queued", "matches_created", "matcher_ms", "offloaded", "wave_wall_ms", "loop_lag_max_ms")
        print(" ".join(f"{r[k]!s:>12}" for k in (*keys, "loop_lag_p99_ms")))


if __name__ == "__main__":
    main()
