"""Leaderboard index: filtered pages, match updates, the stepped build, memory and event-loop lag.

Run: ``uv run python bench/bench_leaderboard.py [--sizes 20000,100000,1000000] [--quick]``; prints a
table, writes ``bench/results/leaderboard.json``. Targets: filtered page p99 <= 1 ms at 20k entries
and <= 5 ms at 1M; one match (2 entries) <= 1 ms at 20k; no build step > 2 ms at 1M.

Synthetic ladder: ~2.6 races a player, MMR ~ N(1500, 250), last played uniform over 20 days (~70 %
ranked), 5 % unplayed, 60 skewed countries, 30 % of players with an alternative name; rows reach the
build in pages of 250, as from a database cursor. Latencies are wall clock and thread CPU time (wall
includes time the OS gave others); the JSON also records load average and a noise calibration.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import gc
import json
import os
import platform
import resource
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from evoladder.domain.ids import CountryCode, PlayerId, RaceCode
from evoladder.domain.leaderboard import BoardBuild, BoardFilter, EntryRecord, Leaderboard, PlayerRecord
from evoladder.domain.ranks import Letter
from loop_probe import CallbackTimer

RESULTS = Path(__file__).resolve().parent / "results" / "leaderboard.json"
NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_US = 86_400_000_000
RACES = [RaceCode(r) for r in ("bw_terran", "bw_zerg", "bw_protoss", "sc2_terran", "sc2_zerg", "sc2_protoss")]
SYLLABLES = ["ka", "ro", "mi", "zen", "tor", "lu", "vex", "an", "sol", "ri", "dra", "ko", "pel", "ux", "ma", "gi"]
COUNTRIES = [CountryCode(f"{chr(65 + i // 26)}{chr(65 + i % 26)}") for i in range(60)]
PAGE = 250


class Ladder:
    """Columnar synthetic ladder; rows become records only a page at a time."""

    def __init__(self, n: int, seed: int = 7) -> None:
        rng = self.rng = np.random.default_rng(seed)
        races_per = rng.choice(np.arange(1, 7), size=n, p=[0.3, 0.25, 0.2, 0.12, 0.08, 0.05])
        races_per = races_per[: int(np.searchsorted(np.cumsum(races_per), n)) + 1]
        shuffled = np.argsort(rng.random((len(races_per), 6)), axis=1)
        self.owner = np.repeat(np.arange(len(races_per)), races_per)[:n]
        self.race = shuffled[np.arange(6)[None, :] < races_per[:, None]][:n]
        self.mmr = np.clip(rng.normal(1500, 250, n), 0, 4000).round().astype(np.int64)
        self.games = np.where(rng.random(n) < 0.05, 0, rng.integers(1, 300, n))
        self.lp = (NOW - EPOCH) // timedelta(microseconds=1) - rng.integers(0, 20 * DAY_US, n)
        self.n, self.n_players = n, int(self.owner[-1]) + 1
        share = 1 / np.arange(1, len(COUNTRIES) + 1) ** 1.1
        self.country = rng.choice(len(COUNTRIES), self.n_players, p=share / share.sum())
        self.syl = rng.integers(0, len(SYLLABLES), (self.n_players, 4))

    def entries(self, a: int, b: int) -> list[EntryRecord]:
        rows = zip(*(c[a:b].tolist() for c in (self.owner, self.race, self.mmr, self.games, self.lp)), strict=True)
        when = [None, *(EPOCH + timedelta(microseconds=x) for x in self.lp[a:b].tolist())]
        return [
            EntryRecord(
                a + k + 1, PlayerId(10_000_000 + o), RACES[r], m, g, g // 2, g - g // 2, 0, when[(k + 1) * (g > 0)]
            )
            for k, (o, r, m, g, _) in enumerate(rows)
        ]

    def player(self, p: int) -> PlayerRecord:
        name = "".join(SYLLABLES[k] for k in self.syl[p, : 2 + p % 3]).capitalize() + str(p % 97)
        alts = (f"{SYLLABLES[int(self.syl[p, 3])].capitalize()}{p % 13}x",) if p % 10 < 3 else ()
        return PlayerRecord(PlayerId(10_000_000 + p), name, alts, COUNTRIES[int(self.country[p])])

    def new_build(self) -> BoardBuild:
        """A build told the row counts up front, as a service would after a ``COUNT(*)``."""
        return BoardBuild(NOW, expected_entries=self.n, expected_players=self.n_players)

    def pages(self) -> Iterator[tuple[str, list[Any]]]:
        """The rows as a service would read them: pages of players, then pages of entries."""
        for a in range(0, self.n_players, PAGE):
            yield "players", [self.player(p) for p in range(a, min(a + PAGE, self.n_players))]
        for a in range(0, self.n, PAGE):
            yield "entries", self.entries(a, min(a + PAGE, self.n))

    def build_all(self, build: BoardBuild) -> Leaderboard:
        for kind, page in self.pages():
            (build.add_players if kind == "players" else build.add_entries)(page)
        return build.run()

    def match(self, now: datetime) -> list[EntryRecord]:
        """A committed match: two ranked entries, +/- 5..30 MMR, both played ``now``."""
        now_us = (now - EPOCH) // timedelta(microseconds=1)
        picked: list[int] = []
        while len(picked) < 2:  # rejection sampling: scanning 1M rows per match would be bench overhead
            i = int(self.rng.integers(self.n))
            if self.games[i] > 0 and self.lp[i] >= now_us - 14 * DAY_US and i not in picked:
                picked.append(i)
        delta = int(self.rng.integers(5, 31))
        for i, sign in zip(picked, (1, -1), strict=True):
            self.mmr[i] += sign * delta
            self.games[i] += 1
            self.lp[i] = now_us
        return [self.entries(i, i + 1)[0] for i in picked]


def read_mix() -> list[tuple[str, BoardFilter, int]]:
    """(label, filter, page): every filter kind alone and combined, mostly page 1."""
    one, two = frozenset({RACES[1]}), frozenset({RACES[1], RACES[4]})
    big, small, six = frozenset({COUNTRIES[0]}), frozenset({COUNTRIES[40]}), frozenset(COUNTRIES[2:8])
    mid, c_d = frozenset({Letter.B, Letter.C, Letter.D, Letter.E}), frozenset({Letter.C, Letter.D})
    f, best = BoardFilter, True
    # fmt: off
    return [
        ("none", f(), 1), ("none p50", f(), 50), ("race", f(races=one), 1), ("2 races p10", f(races=two), 10),
        ("country", f(countries=big), 1), ("small country", f(countries=small), 1),
        ("6 countries p3", f(countries=six), 3), ("letter B", f(letters=frozenset({Letter.B})), 1),
        ("letters S+A p2", f(letters=frozenset({Letter.S, Letter.A})), 2), ("best", f(best_race_only=best), 1),
        ("best p20", f(best_race_only=best), 20), ("best+2 races", f(best_race_only=best, races=two), 1),
        ("best+letter D", f(best_race_only=best, letters=frozenset({Letter.D})), 1),
        ("best+letter F", f(best_race_only=best, letters=frozenset({Letter.F})), 1),
        ("best+letters B-E", f(best_race_only=best, letters=mid), 1), ("country+race", f(countries=big, races=one), 1),
        ("6 countries+2 races+C", f(countries=six, races=two, letters=frozenset({Letter.C})), 1),
        ("country+best", f(countries=big, best_race_only=best), 1), ("name 3", f(name_prefix="kar"), 1),
        ("name 6", f(name_prefix="torzen"), 1), ("name 2+best", f(name_prefix="mi", best_race_only=best), 1),
        ("everything", f(countries=six, races=two, letters=c_d, best_race_only=best, name_prefix="k"), 1),
    ]
    # fmt: on


def ms(seconds: float) -> float:
    return round(seconds * 1e3, 3)


def stats(wall: list[float], cpu: list[float]) -> dict[str, Any]:
    pick = {"p50_ms": (wall, 50), "p99_ms": (wall, 99), "max_ms": (wall, 100)}
    pick |= {"cpu_p50_ms": (cpu, 50), "cpu_p99_ms": (cpu, 99), "cpu_max_ms": (cpu, 100)}
    return {"n": len(wall)} | {k: ms(float(np.percentile(v, q))) for k, (v, q) in pick.items()}


def timed(fn: Callable[[], object], wall: list[float], cpu: list[float], kernel: list[float] | None = None) -> None:
    """Run ``fn``; append its wall time, this thread's CPU time and (optionally) its system part."""
    t, c, k = time.perf_counter(), time.thread_time(), resource.getrusage(resource.RUSAGE_THREAD).ru_stime
    fn()
    wall.append(time.perf_counter() - t)
    cpu.append(time.thread_time() - c)
    if kernel is not None:
        kernel.append(resource.getrusage(resource.RUSAGE_THREAD).ru_stime - k)


def repeat(fn: Callable[[], object], times: int) -> dict[str, Any]:
    wall, cpu = [], []  # type: ignore[var-annotated]
    _ = [timed(fn, wall, cpu) for _ in range(times)]  # type: ignore[func-returns-value]
    return stats(wall, cpu)


def noise() -> dict[str, Any]:
    """How much this machine perturbs a fixed ~0.2 ms computation (read the other figures against it)."""
    return repeat(lambda: int((np.arange(200_000, dtype=np.int64) * 3 + 1).sum()), 3000)


def bench_build(ladder: Ladder) -> tuple[Leaderboard, dict[str, Any]]:
    """Time each unit of board work: one page added, or one finishing step (row making excluded)."""
    build = ladder.new_build()
    wall, cpu, kernel, worst = [], [], [], {}  # type: ignore[var-annotated]
    for kind, page in ladder.pages():
        add = build.add_players if kind == "players" else build.add_entries
        timed(lambda add=add, page=page: add(page), wall, cpu, kernel)  # type: ignore[misc]
        worst[kind] = max(worst.get(kind, 0.0), cpu[-1])
    steps, phase = build.steps(), [""]
    while phase[0] != "done":
        timed(lambda: phase.__setitem__(0, next(steps)), wall, cpu, kernel)
        worst[phase[0]] = max(worst.get(phase[0], 0.0), cpu[-1])
    user = [c - k for c, k in zip(cpu, kernel, strict=True)]  # kernel time: first touches of fresh VM memory
    over = {"steps_over_2ms_wall": sum(w > 0.002 for w in wall), "steps_over_2ms_cpu": sum(c > 0.002 for c in cpu)}
    over |= {"steps_over_2ms_user_cpu": sum(u > 0.002 for u in user), "kernel_s": round(sum(kernel), 3)}
    totals = {"board_s": round(sum(wall), 3), "board_cpu_s": round(sum(cpu), 3), "steps": len(wall)}
    worst_ms = {"worst_cpu_ms_by_phase": {k: ms(v) for k, v in worst.items()}}
    return build.result(), totals | stats(wall, cpu) | over | worst_ms


def bench_memory(n: int) -> dict[str, Any]:
    """Bytes the finished board holds (tracemalloc sees numpy buffers too), and the RSS growth."""
    ladder = Ladder(n)
    gc.collect()
    rss0 = _rss()
    tracemalloc.start()
    board = ladder.build_all(ladder.new_build())
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mb = {"board_mb": current, "peak_during_build_mb": peak, "rss_growth_mb": _rss() - rss0}
    per_entry = {"bytes_per_entry": round(current / n), "entries": len(board)}
    return {k: round(v / 2**20, 1) for k, v in mb.items()} | per_entry


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def bench_reads(board: Leaderboard, rounds: int) -> dict[str, Any]:
    wall: list[float] = []
    cpu: list[float] = []
    per: dict[str, list[float]] = {}
    for _ in range(rounds):
        for label, f, page in read_mix():
            timed(lambda f=f, page=page: board.query(f, page, now=NOW), wall, cpu)  # type: ignore[misc]
            per.setdefault(label, []).append(cpu[-1])
    return {**stats(wall, cpu), "cpu_p50_ms_by_filter": {k: ms(float(np.median(v))) for k, v in per.items()}}


def bench_updates(board: Leaderboard, ladder: Ladder, count: int) -> dict[str, Any]:
    pairs = iter([ladder.match(NOW) for _ in range(count)])  # made before timing: bench overhead
    return repeat(lambda: board.upsert_entries(next(pairs)), count)


async def _ticker(stop: asyncio.Event, lags: list[float]) -> None:
    """Sleeps 1 ms at a time and records how late each wake-up is: the loop's responsiveness."""
    while not stop.is_set():
        t = time.perf_counter()
        await asyncio.sleep(0.001)
        lags.append(max(0.0, time.perf_counter() - t - 0.001))


def _lag(lags: list[float]) -> dict[str, float]:
    return {"loop_lag_p99_ms": ms(float(np.percentile(lags, 99))), "loop_lag_max_ms": ms(max(lags))}


async def _traffic(board: Leaderboard, ladder: Ladder, seconds: float) -> dict[str, Any]:
    """100 reads/s and 10 matches/s for ``seconds``; board time runs 3600x so entries expire."""
    stop, mix, t0 = asyncio.Event(), read_mix(), time.perf_counter()
    lags: list[float] = []
    reads: list[float] = []
    writes: list[float] = []
    ticker = asyncio.create_task(_ticker(stop, lags))
    timer = CallbackTimer()
    with timer.installed():
        await _traffic_loop(board, ladder, seconds, t0, mix, reads, writes)
    stop.set()
    await ticker
    reads_p99, writes_p99 = ms(float(np.percentile(reads, 99))), ms(float(np.percentile(writes, 99)))
    done = {"seconds": seconds, "reads": len(reads), "matches": len(writes), "ranked_at_end": board.ranked_count}
    return done | _lag(lags) | {"read_p99_ms": reads_p99, "match_p99_ms": writes_p99} | timer.summary()


async def _traffic_loop(
    board: Leaderboard,
    ladder: Ladder,
    seconds: float,
    t0: float,
    mix: list[tuple[str, BoardFilter, int]],
    reads: list[float],
    writes: list[float],
) -> None:
    k = 0
    while (elapsed := time.perf_counter() - t0) < seconds:
        now = NOW + timedelta(hours=elapsed)
        if k % 10 == 0:  # every 10th tick of 10 ms: a match completes
            pair = ladder.match(now)
            timed(lambda pair=pair: board.upsert_entries(pair), writes, [])  # type: ignore[misc]
        _, f, page = mix[k % len(mix)]
        timed(lambda f=f, page=page, now=now: board.query(f, page, now=now), reads, [])  # type: ignore[misc]
        k += 1
        await asyncio.sleep(max(0.0, t0 + k * 0.01 - time.perf_counter()))


async def _build_lag(ladder: Ladder, threaded: bool) -> dict[str, Any]:
    """Loop lag while a full build runs: interleaved steps (``sleep(0)`` between) or one thread."""
    stop = asyncio.Event()
    lags: list[float] = []
    ticker = asyncio.create_task(_ticker(stop, lags))
    await asyncio.sleep(0.01)
    t = time.perf_counter()
    build = ladder.new_build()
    if threaded:
        await asyncio.to_thread(ladder.build_all, build)
    else:  # the service's loop: read a page (here: make it), yield, add it, yield, ... then finish
        for kind, page in ladder.pages():
            await asyncio.sleep(0)
            (build.add_players if kind == "players" else build.add_entries)(page)
            await asyncio.sleep(0)
        for _ in build.steps():
            await asyncio.sleep(0)
    elapsed = time.perf_counter() - t
    stop.set()
    await ticker
    return {"build_s": round(elapsed, 3), **_lag(lags)}


def compare_candidates(n: int) -> dict[str, dict[str, Any]]:
    """The other structures considered, on the same rows: one match update, and one filtered page
    (one country + one race, page 1, with its total). A sorted list or a SortedList gives positions
    but no vectorised attributes, so filters are Python scans; Polars re-sorts on every change."""
    ladder = Ladder(n)
    out: dict[str, dict[str, Any]] = {}
    cut = int(ladder.lp.max()) - 14 * DAY_US
    ranked = np.flatnonzero((ladder.games > 0) & (ladder.lp >= cut))
    keys = sorted(zip((-ladder.mmr[ranked]).tolist(), (-ladder.lp[ranked]).tolist(), ranked.tolist(), strict=True))
    country, race = ladder.country[ladder.owner].tolist(), ladder.race.tolist()
    moved = keys[len(keys) // 2]
    new_key = (moved[0] - 20, -int(ladder.lp.max()), moved[2])

    def scan(seq: Any) -> tuple[int, list[int]]:
        hits = [k[2] for k in seq if country[k[2]] == 0 and race[k[2]] == 1]
        return len(hits), hits[:40]

    def best(fn: Callable[[], object], reps: int) -> float:
        wall: list[float] = []
        for _ in range(reps):
            timed(fn, wall, [])
        return ms(min(wall))

    def list_update() -> None:  # move one entry 20 MMR down and back
        for old, new in ((moved, new_key), (new_key, moved)):
            del keys[bisect.bisect_left(keys, old)]
            bisect.insort(keys, new)

    reps = 3 if n > 100_000 else 20
    out["python_list_bisect"] = {"update_ms": best(list_update, 50), "filtered_page_ms": best(lambda: scan(keys), reps)}
    try:
        from sortedcontainers import SortedList  # installed only as a test dependency (via hypothesis)

        sl = SortedList(keys)

        def sl_update() -> None:
            for old, new in ((moved, new_key), (new_key, moved)):
                sl.remove(old)
                sl.add(new)
                sl.index(new)

        out["sortedcontainers_SortedList"] = {
            "update_ms": best(sl_update, 50),
            "filtered_page_ms": best(lambda: scan(sl), reps),
        }
    except ImportError:
        out["sortedcontainers_SortedList"] = {"note": "not installed"}
    ids = np.asarray([k[2] for k in keys])
    df = pl.DataFrame({"negmmr": [k[0] for k in keys], "neglp": [k[1] for k in keys], "id": ids})
    df = df.with_columns(country=pl.Series(np.asarray(country)[ids]), race=pl.Series(np.asarray(race)[ids]))

    def polars_page() -> tuple[int, pl.DataFrame]:
        found = df.filter((pl.col("country") == 0) & (pl.col("race") == 1))
        return found.height, found.head(40)

    resort = best(lambda: df.sort(["negmmr", "neglp", "id"]), 5)
    out["polars_resort"] = {"update_ms": resort, "filtered_page_ms": best(polars_page, 10)}
    # the alternative to an expiry heap: recompute who is ranked (and their positions) on every read
    out["activity_at_read_time"] = {"per_read_ms": best(lambda: np.cumsum((ladder.games > 0) & (ladder.lp >= cut)), 10)}
    return out


def run_size(n: int, quick: bool) -> dict[str, Any]:
    ladder = Ladder(n)
    board, build = bench_build(ladder)
    gc.collect()
    out: dict[str, Any] = {"entries": n, "players": ladder.n_players, "ranked": board.ranked_count, "build": build}
    out["reads"] = bench_reads(board, 5 if quick else (20 if n >= 500_000 else 60))
    out["match_update"] = bench_updates(board, ladder, 200 if quick else 1000)
    out["traffic"] = asyncio.run(_traffic(board, ladder, 1.5 if quick else 4.0))
    del board
    out["build_lag_stepped"] = asyncio.run(_build_lag(Ladder(n), threaded=False))
    out["build_lag_thread"] = asyncio.run(_build_lag(Ladder(n), threaded=True))
    out["memory"] = bench_memory(n)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000,1000000")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke run)")
    parser.add_argument("--no-candidates", action="store_true", help="skip the data-structure comparison")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    report: dict[str, Any] = {"machine": {**machine, "load_avg_at_start": os.getloadavg()}}
    report["noise_at_start"] = noise()
    report["sizes"] = {}
    for n in sizes:
        print(f"-- {n:,} entries", flush=True)
        report["sizes"][str(n)] = run_size(n, args.quick)
        _print_size(report["sizes"][str(n)])
    if not args.no_candidates:
        report["candidates"] = {str(n): compare_candidates(n) for n in sizes if n in (20_000, 1_000_000)}
        print(json.dumps(report["candidates"], indent=1))
    report["machine"]["load_avg_at_end"] = os.getloadavg()
    report["noise_at_end"] = noise()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS}")


def _print_size(r: dict[str, Any]) -> None:
    def spread(d: dict[str, Any]) -> str:
        wall, cpu = (d[k] for k in ("p50_ms", "p99_ms", "max_ms")), (d["cpu_p99_ms"], d["cpu_max_ms"])
        return "p50/p99/max {}/{}/{} ms (cpu p99/max {}/{})".format(*wall, *cpu)

    lag = [r[k]["loop_lag_max_ms"] for k in ("traffic", "build_lag_stepped", "build_lag_thread")]
    b, m = r["build"], r["memory"]
    print(f"  page   {spread(r['reads'])}\n  match  {spread(r['match_update'])}\n  build  {spread(b)} per step,")
    over = f"{b['steps_over_2ms_cpu']} by cpu, {b['steps_over_2ms_user_cpu']} by user time"
    print(f"         {b['steps']} steps, {b['board_cpu_s']} s cpu; over 2 ms: {over}")
    print(f"  lag    max {lag[0]} ms under traffic, {lag[1]} ms in a stepped build, {lag[2]} ms in a threaded build")
    print(f"  memory {m['board_mb']} MB ({m['bytes_per_entry']} B/entry), build peak {m['peak_during_build_mb']} MB")


if __name__ == "__main__":
    main()
