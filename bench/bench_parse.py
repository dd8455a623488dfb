"""Replay parsing benchmark: sc2reader load levels, the pool end to end, throughput, loop lag, memory.

Run: ``uv run python bench/bench_parse.py [--rounds N]``. Reads the fixture replays from ../shared
(or ``EVOLADDER_SHARED_DIR``), writes ``bench/results/parse.json`` and prints a table.

What is measured, and why:
- in-process latency of sc2reader at load levels 1, 2 and 3 (raw ``Replay`` construction) and of
  ``parse_replay_bytes`` (level 2 + archive guard + summary): to choose the load level;
- pool latency, one parse at a time, caller to answer (IPC + parse): what an upload waits;
- throughput of 2 workers over a burst of every fixture x rounds, queued up to ``max_pending``;
- the event loop's lag while 100 parses run, from a 1 ms ticker, against the same ticker idle;
- each worker's memory (RSS, and PSS, which splits pages shared with the forkserver);
- pool start, and how long a crashed worker takes to be replaced.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import io
import json
import logging
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sc2reader.resources import Replay

from evoladder.workers.parse import parse_replay_bytes
from evoladder.workers.pool import ParserPool

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVOLADDER_SHARED_DIR", ROOT.parent / "shared")).resolve()
RESULTS = ROOT / "bench" / "results" / "parse.json"
logging.getLogger("sc2reader").setLevel(logging.CRITICAL)


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p99/max/mean in milliseconds."""
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "n": len(ordered),
    }


def load_fixtures() -> dict[str, list[tuple[str, bytes]]]:
    folders = {name: SHARED / "fixtures" / "replays" / name for name in ("evo", "sc2")}
    missing = [str(p) for p in folders.values() if not p.is_dir()]
    if missing:
        sys.exit(f"fixture replays not found: {', '.join(missing)} (set EVOLADDER_SHARED_DIR)")
    return {name: [(p.name, p.read_bytes()) for p in sorted(d.glob("*.SC2Replay"))] for name, d in folders.items()}


def sc2reader_at_level(level: int, data: bytes) -> object:
    """sc2reader alone, configured as parse_replay_bytes configures it, stopping at ``level``."""
    return Replay(io.BytesIO(data), load_level=level, engine=None, load_map=False, debug=False)


def in_process(fixtures: dict[str, list[tuple[str, bytes]]], rounds: int) -> dict[str, Any]:
    """Median time per replay for each way of reading it, per fixture set and per file."""
    ways: dict[str, Callable[[bytes], object]] = {
        f"sc2reader_level_{level}": functools.partial(sc2reader_at_level, level) for level in (1, 2, 3)
    }
    ways["parse_replay_bytes"] = parse_replay_bytes
    gc.collect()
    gc.freeze()  # as the workers do after warming up, so long-lived objects are not rescanned
    result: dict[str, Any] = {}
    for way, run in ways.items():
        for _, data in fixtures["evo"][:2]:
            run(data)  # warm caches before timing
        per_set: dict[str, Any] = {}
        for set_name, files in fixtures.items():
            samples, per_file = [], {}
            for name, data in files:
                times = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    run(data)
                    times.append(time.perf_counter() - started)
                samples.extend(times)
                per_file[name] = round(statistics.median(times) * 1000, 3)
            per_set[set_name] = {**percentiles(samples), "per_file_median_ms": per_file}
        result[way] = per_set
    return result


async def loop_lag(during: Callable[[], Awaitable[object]] | None, idle_s: float = 0.5) -> dict[str, float]:
    """Oversleep of a 1 ms ticker while ``during`` runs (or for ``idle_s`` when it is None)."""
    lags: list[float] = []

    async def ticker() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - before - 0.001)

    task = asyncio.create_task(ticker())
    try:
        await (during() if during is not None else asyncio.sleep(idle_s))
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return {**percentiles(lags), "ticks": len(lags)}


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and PSS of a process in KiB (Linux /proc); empty elsewhere."""
    found: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                found["rss_kib"] = int(line.split()[1])
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                found["pss_kib"] = int(line.split()[1])
    return found


async def burst(pool: ParserPool, payloads: list[bytes], window: int) -> None:
    """Parse every payload, keeping at most ``window`` in flight (the pool's max_pending)."""
    semaphore = asyncio.Semaphore(window)

    async def one(data: bytes) -> None:
        async with semaphore:
            await pool.parse(data)

    await asyncio.gather(*(one(d) for d in payloads))


async def pool_figures(fixtures: dict[str, list[tuple[str, bytes]]], rounds: int) -> dict[str, Any]:
    everything = [data for files in fixtures.values() for _, data in files]
    figures: dict[str, Any] = {}
    for method in ("forkserver", "spawn"):
        started = time.perf_counter()
        pool = ParserPool(2, start_method=method, test_hooks=True, warmup_replay=everything[0])
        await pool.start()
        figures[f"start_2_workers_{method}_ms"] = round((time.perf_counter() - started) * 1000, 1)
        if method == "spawn":
            await pool.stop()
            continue
        async with ParserPool(1) as single:
            hundred = [everything[i % len(everything)] for i in range(100)]
            figures["loop_lag_burst_100_one_worker"] = await loop_lag(lambda: burst(single, hundred, window=32))  # noqa: B023
        try:
            first = time.perf_counter()
            await pool.parse(everything[1])
            figures["first_parse_after_start_ms"] = round((time.perf_counter() - first) * 1000, 3)
            figures["memory_after_start"] = [memory_kib(w["pid"]) for w in pool.worker_info()]

            samples = []
            for _ in range(rounds):
                for data in everything:
                    t0 = time.perf_counter()
                    await pool.parse(data)
                    samples.append(time.perf_counter() - t0)
            figures["end_to_end_sequential"] = percentiles(samples)

            payloads = everything * rounds
            t0 = time.perf_counter()
            await burst(pool, payloads, window=32)
            elapsed = time.perf_counter() - t0
            figures["throughput_2_workers"] = {
                "replays": len(payloads),
                "seconds": round(elapsed, 3),
                "per_second": round(len(payloads) / elapsed, 1),
            }

            figures["loop_lag_idle"] = await loop_lag(None)
            hundred = [everything[i % len(everything)] for i in range(100)]
            cpu = time.thread_time()
            figures["loop_lag_burst_100"] = await loop_lag(lambda: burst(pool, hundred, window=32))  # noqa: B023
            figures["loop_thread_cpu_per_parse_ms"] = round((time.thread_time() - cpu) / 100 * 1000, 3)
            figures["memory_after_bursts"] = [memory_kib(w["pid"]) for w in pool.worker_info()]
            figures["stats"] = pool.stats().__dict__

            t0 = time.perf_counter()
            with contextlib.suppress(Exception):
                await pool.parse(b"EVOLADDER-TEST-CRASH")
            crash_answer = time.perf_counter() - t0
            while pool.stats().workers_alive < 2:  # noqa: ASYNC110 (another process; nothing to wait on)
                await asyncio.sleep(0.001)
            figures["crash"] = {
                "error_after_ms": round(crash_answer * 1000, 1),
                "replaced_after_ms": round((time.perf_counter() - t0) * 1000, 1),
            }
        finally:
            await pool.stop()
    return figures


def print_table(report: dict[str, Any]) -> None:
    print(f"\nReplay parsing ({report['machine']['python']}, {report['machine']['cpus']} CPUs)")
    print(f"{'in-process, ms per replay':<34}{'set':>5}{'p50':>9}{'p99':>9}{'mean':>9}")
    for way, sets in report["in_process"].items():
        for set_name, figures in sets.items():
            print(f"{way:<34}{set_name:>5}{figures['p50_ms']:>9.2f}{figures['p99_ms']:>9.2f}{figures['mean_ms']:>9.2f}")
    pool = report["pool"]
    e2e = pool["end_to_end_sequential"]
    print(f"\npool end to end (1 at a time): p50 {e2e['p50_ms']:.2f} ms, p99 {e2e['p99_ms']:.2f} ms")
    tp = pool["throughput_2_workers"]
    print(f"throughput, 2 workers: {tp['per_second']:.0f} replays/s ({tp['replays']} in {tp['seconds']} s)")
    idle, busy, one = pool["loop_lag_idle"], pool["loop_lag_burst_100"], pool["loop_lag_burst_100_one_worker"]
    print(f"loop lag (1 ms ticker): idle max {idle['max_ms']:.2f} ms; burst of 100 max {busy['max_ms']:.2f} ms,")
    print(f"  p99 {busy['p99_ms']:.2f} ms over {busy['ticks']} ticks (with 1 worker: max {one['max_ms']:.2f} ms,")
    print(f"  p99 {one['p99_ms']:.2f} ms); loop-thread CPU per parse {pool['loop_thread_cpu_per_parse_ms']:.3f} ms")
    rss = ", ".join(
        f"{m.get('rss_kib', 0) / 1024:.1f}/{m.get('pss_kib', 0) / 1024:.1f}" for m in pool["memory_after_bursts"]
    )
    print(f"worker memory RSS/PSS MiB after bursts: {rss}")
    print(
        f"start 2 workers: forkserver {pool['start_2_workers_forkserver_ms']} ms, spawn "
        f"{pool['start_2_workers_spawn_ms']} ms; first parse {pool['first_parse_after_start_ms']} ms; crash: error "
        f"{pool['crash']['error_after_ms']} ms, replaced {pool['crash']['replaced_after_ms']} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="repetitions per replay (default 5)")
    args = parser.parse_args()
    fixtures = load_fixtures()
    report: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "fixtures": {name: len(files) for name, files in fixtures.items()},
        "rounds": args.rounds,
        "in_process": in_process(fixtures, args.rounds),
        "pool": asyncio.run(pool_figures(fixtures, args.rounds)),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print_table(report)
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
