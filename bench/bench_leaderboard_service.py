"""The leaderboard and profile services end to end: start-up build, reads and match completions.

    uv run python bench/bench_leaderboard_service.py [--entries 20000] [--seconds 10] [--pg URL]

A real ladder on SQLite (or PostgreSQL with ``--pg``) holding ``--entries`` player-race rows
(inserted in bulk), then:

* start-up: ``Ladder.start`` (cache warm-up and the stepped board build) under a 1 ms ticker;
* traffic: 100 reads a second (a mix of filtered leaderboard pages and full profiles, which cost
  one database round trip each) and 10 match completions a second (create, two confirms, two
  reports: the board and the stored history follow each one) for ``--seconds``.

Event-loop blocking is measured two ways: the ticker's lateness (includes time the OS gave other
processes on this shared 2-core machine), and the longest single callback the loop ran, timed by
wrapping ``asyncio.Handle._run`` (wall and thread CPU time). The callback figure is what "the loop
was blocked" means; the ticker shows what a user would feel on this machine.
Writes ``bench/results/leaderboard_service.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.services.matches import MatchRequest
from evoladder.store.schema import upgrade
from evoladder.store.tables import players, ratings
from loop_probe import CallbackTimer, lag, ms, pct, ticker

RESULTS = Path(__file__).parent / "results" / "leaderboard_service.json"
NOW = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
BW = ["bw_terran", "bw_zerg", "bw_protoss"]
SC2 = ["sc2_terran", "sc2_zerg", "sc2_protoss"]
COUNTRIES = ["DE", "KR", "US", "FR", "CN", "PL", "SE", "BR", "RU", "CA", "GB", "UA"]
FIRST_ID = 1_000_000


async def seed(url: str, entries: int, rng: random.Random) -> int:
    """Players with ~2.6 races each (70 % played within 14 days), inserted in bulk; returns players."""
    ladder = build(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    prows: list[dict[str, Any]] = []
    rrows: list[dict[str, Any]] = []
    pid = FIRST_ID
    while len(rrows) < entries:
        prows.append(
            dict(id=pid, discord_username=f"u{pid}", in_game_name=f"P{pid % 100000}", battletag=f"P#{pid}",
                 country=rng.choice(COUNTRIES), region="EUW", tos_accepted=True, tos_changed_at=NOW,
                 setup_completed_at=NOW, is_banned=False, created_at=NOW, updated_at=NOW, version=1)
        )  # fmt: skip
        for race in rng.sample(BW + SC2, rng.choice([1, 2, 3, 4])):
            games = rng.randint(1, 80)
            won = rng.randint(0, games)
            rrows.append(
                dict(player_id=pid, race=race, mmr=int(rng.gauss(1500, 250)), games_played=games, games_won=won,
                     games_lost=games - won, games_drawn=0,
                     last_played=NOW - timedelta(days=rng.uniform(0, 20)))
            )  # fmt: skip
        pid += 1
    async with ladder.db.write() as conn:
        for i in range(0, len(prows), 5000):
            await conn.execute(insert(players), prows[i : i + 5000])
        for i in range(0, len(rrows), 5000):
            await conn.execute(insert(ratings), rrows[i : i + 5000])
    await ladder.db.dispose()
    return len(prows)


READS: list[dict[str, Any]] = [
    {},
    {"races": ["bw_zerg"]},
    {"countries": ["KR"]},
    {"letters": ["B"]},
    {"best_race_only": True},
    {"countries": ["DE", "FR"], "races": ["sc2_terran", "sc2_zerg"], "letters": ["C", "D"]},
    {"name_prefix": "P12"},
    {"best_race_only": True, "letters": ["S", "A"], "page": 2},
    {"page": 20},
]


async def traffic(ladder: Ladder, n_players: int, seconds: float, rng: random.Random) -> dict[str, Any]:
    page_t: list[float] = []
    profile_t: list[float] = []
    match_t: list[float] = []
    stop = asyncio.Event()
    lags: list[float] = []
    tick = asyncio.create_task(ticker(stop, lags))
    clock = ladder.ctx.clock
    assert isinstance(clock, ManualClock)

    async def reads() -> None:
        i = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            if i % 4 == 3:
                t = time.perf_counter()
                await ladder.profiles.profile(PlayerId(FIRST_ID + rng.randrange(n_players)))
                profile_t.append(time.perf_counter() - t)
            else:
                t = time.perf_counter()
                ladder.leaderboard.page(**READS[i % len(READS)])
                page_t.append(time.perf_counter() - t)
            i += 1
            await asyncio.sleep(max(0.0, start + i / 100 - time.perf_counter()))

    async def one_match(k: int) -> None:
        a = PlayerId(FIRST_ID + 2 * k)
        b = PlayerId(FIRST_ID + 2 * k + 1)
        t = time.perf_counter()
        m = await ladder.matches.create(MatchRequest(a, rng.choice(BW), b, rng.choice(SC2), None, None, f"b{k}"))
        await ladder.matches.confirm(m.id, a)
        await ladder.matches.confirm(m.id, b)
        result = rng.choice([1, 2])
        await ladder.matches.report(m.id, a, result)
        await ladder.matches.report(m.id, b, result)
        match_t.append(time.perf_counter() - t)

    async def writes() -> None:
        tasks = []
        start = time.perf_counter()
        k = 0
        while time.perf_counter() - start < seconds:
            tasks.append(asyncio.create_task(one_match(k)))
            k += 1
            clock.advance(seconds=0.1)
            await asyncio.sleep(max(0.0, start + k / 10 - time.perf_counter()))
        await asyncio.gather(*tasks)

    timer = CallbackTimer()
    with timer.installed():
        await asyncio.gather(reads(), writes())
    stop.set()
    await tick
    return {
        "seconds": seconds,
        "page_reads": len(page_t),
        "profile_reads": len(profile_t),
        "matches": len(match_t),
        "page_p50_ms": ms(pct(page_t, 50)),
        "page_p99_ms": ms(pct(page_t, 99)),
        "profile_p50_ms": ms(pct(profile_t, 50)),
        "profile_p99_ms": ms(pct(profile_t, 99)),
        "match_completion_p50_ms": ms(pct(match_t, 50)),
        "match_completion_p99_ms": ms(pct(match_t, 99)),
        **lag(lags),
        **timer.summary(),
    }


async def run(entries: int, seconds: float, url: str | None) -> dict[str, Any]:
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        db = url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(db)
        n_players = await seed(db, entries, rng)
        settings = Settings(database_url=db, data_dir=Path(tmp), rating_model="elo", _env_file=None)  # type: ignore[call-arg]
        ladder = build(settings, clock=ManualClock(NOW))
        stop = asyncio.Event()
        lags: list[float] = []
        tick = asyncio.create_task(ticker(stop, lags))
        timer = CallbackTimer()
        t = time.perf_counter()
        with timer.installed():
            await ladder.start(expiry_interval_s=3600, run_waves=False, run_replays=False)
        start_s = time.perf_counter() - t
        stop.set()
        await tick
        startup = {"start_s": round(start_s, 3), **lag(lags), **timer.summary()}
        try:
            load = await traffic(ladder, n_players, seconds, rng)
        finally:
            await ladder.stop()
    return {
        "entries": entries,
        "players": n_players,
        "database": "postgresql" if url else "sqlite",
        "startup": startup,
        "traffic": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--pg", help="run on this PostgreSQL URL (an empty schema) instead of SQLite")
    args = parser.parse_args()
    load_start = os.getloadavg()
    result = asyncio.run(run(args.entries, args.seconds, args.pg))
    result["machine"] = {"cpus": os.cpu_count(), "load_avg_at_start": load_start, "load_avg_at_end": os.getloadavg()}
    RESULTS.parent.mkdir(exist_ok=True)
    out = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    out[f"{result['database']}_{args.entries}"] = result
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
