"""Replay pipeline benchmark: upload -> stored -> parsed -> verified -> match result, end to end.

Run: ``uv run python bench/bench_replay_pipeline.py [--throughput N] [--latency N] [--backend local|celery]``.
Writes ``bench/results/replay_pipeline.json`` and prints a table. Reads the fixture replays from
../shared (or ``EVOLADDER_SHARED_DIR``).

Everything goes through the real service (``Ladder.replays.upload``) on an embedded SQLite file in a
temporary folder, with replay files written to disk (fsync) and the configured parse backend, as
``evoladder run`` would. The data pack is the test pack of ``tests/replay_support.py`` (under which
the fixture game ``sc2/b39576_312`` passes every check), so half the uploads finish their match
(result and MMR in the verdict's transaction) and half are other fixtures that fail a check. Each
upload gets 32 random bytes appended (sc2reader ignores bytes after the archive), so every upload is
a new file: the storage writes it instead of finding it already stored.

What is measured:
- latency: one upload at a time, from the call to the stored verdict, p50/p99;
- throughput: a burst of N uploads (at most ``replay_queue_size`` in flight), replays per second;
- the event loop's lag during a burst of 100 uploads, from a 1 ms ticker;
- memory of each parser worker (RSS, and PSS: shared pages split), and of the main process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.datapack import load_pack
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import Match
from evoladder.domain.replay_intake import ReplayEffect
from evoladder.store.schema import upgrade
from evoladder.workers.parse import parse_replay_bytes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from replay_support import MATCH_CREATED, REPLAY, UPLOADED, build_test_pack, replay_match, setup_named  # noqa: E402

SHARED = Path(os.environ.get("EVOLADDER_SHARED_DIR", ROOT.parent / "shared")).resolve()
RESULTS = ROOT / "bench" / "results" / "replay_pipeline.json"


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "n": len(ordered),
    }


def memory_kib(pid: int) -> dict[str, int]:
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


async def loop_lag(during: Callable[[], Awaitable[object]]) -> dict[str, float]:
    """Oversleep of a 1 ms ticker while ``during`` runs."""
    lags: list[float] = []

    async def ticker() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - before - 0.001)

    task = asyncio.create_task(ticker())
    try:
        await during()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return {**percentiles(lags), "ticks": len(lags)}


gc_pauses: list[tuple[int, float]] = []
_gc_started: list[float] = [0.0]


def _gc_timer(phase: str, info: dict[str, Any]) -> None:
    """Record each garbage collection's pause: a full collection of a large heap stops the loop."""
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    else:
        gc_pauses.append((int(info["generation"]), time.perf_counter() - _gc_started[0]))


def _gc_summary(pauses: list[tuple[int, float]]) -> dict[str, Any]:
    return {
        f"gen{g}": {"count": len(ms), "max_ms": round(max(ms) * 1000, 3) if ms else 0.0}
        for g in (0, 1, 2)
        for ms in [[p for gen, p in pauses if gen == g]]
    }


class Bench:
    def __init__(self, ladder: Ladder, clock: ManualClock, valid: bytes, others: list[bytes]) -> None:
        self.ladder, self.clock, self.valid, self.others = ladder, clock, valid, others
        self.next_player = 10_000
        self.rng = random.Random(7)

    async def matches(self, count: int) -> list[Match]:
        """``count`` in-progress matches, each between a fresh OneScotch and a fresh BluBird."""
        self.clock.set(MATCH_CREATED)
        made = []
        for _ in range(count):
            p1, p2 = self.next_player, self.next_player + 1
            self.next_player += 2
            await setup_named(self.ladder, p1, "OneScotch")
            await setup_named(self.ladder, p2, "BluBird")
            made.append(await replay_match(self.ladder, p1, p2, key=f"bench-{p1}"))
        self.clock.set(UPLOADED)
        return made

    def payload(self, i: int) -> bytes:
        base = self.valid if i % 2 == 0 else self.others[i % len(self.others)]
        return base + self.rng.randbytes(32)

    async def burst(self, matches: list[Match]) -> None:
        """One upload per match, all arriving within a few milliseconds, each as its own event (as
        uploads arrive from the network), then wait for every verdict."""
        tasks = []
        for i, m in enumerate(matches):
            tasks.append(asyncio.create_task(self.upload(m, i)))
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)

    async def upload(self, match: Match, i: int) -> tuple[float, ReplayEffect | None]:
        started = time.perf_counter()
        outcome = await self.ladder.replays.upload(match.id, PlayerId(match.player1), self.payload(i))
        return time.perf_counter() - started, outcome.replay.effect


class ParsedAlready:
    """A parse backend that answers from summaries computed beforehand: what the service side costs
    when parsing is free (as it nearly is for the service once parsers run on other machines)."""

    name = "parsed-already"

    def __init__(self, real: Any, payloads: list[bytes]) -> None:
        self.real = real
        self.summaries = {p: parse_replay_bytes(p) for p in payloads}

    async def parse(self, data: bytes, timeout: float) -> Any:  # noqa: ASYNC109
        await asyncio.sleep(0)  # an answer arrives as an event, as from a worker
        return self.summaries[data[:-32]]

    def stats(self) -> dict[str, Any]:
        return self.real.stats()


async def service_side_only(bench: Bench, settings: Settings, uploads: int) -> dict[str, Any]:
    """The same burst with parsing taken out: the ceiling of the service process alone."""
    service = bench.ladder.replays
    real = service.backend
    service.backend = ParsedAlready(real, [bench.valid, *bench.others])  # type: ignore[assignment]
    try:
        matches = await bench.matches(uploads)
        window = asyncio.Semaphore(settings.replay_queue_size)

        async def windowed(m: Match, i: int) -> None:
            async with window:
                await bench.upload(m, i)

        loop_cpu, t0 = time.thread_time(), time.perf_counter()
        await asyncio.gather(*(windowed(m, i) for i, m in enumerate(matches)))
        elapsed = time.perf_counter() - t0
    finally:
        service.backend = real
    return {
        "uploads": uploads,
        "per_second": round(uploads / elapsed, 1),
        "event_loop_thread_cpu_ms_per_upload": round((time.thread_time() - loop_cpu) / uploads * 1000, 3),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    valid = (SHARED / "fixtures" / "replays" / REPLAY).read_bytes()
    others = [p.read_bytes() for p in sorted((SHARED / "fixtures" / "replays").glob("*/*.SC2Replay"))]
    others = [o for o in others if o != valid]
    with tempfile.TemporaryDirectory(prefix="evoladder-bench-") as folder:
        tmp = Path(folder)
        pack = load_pack(str(build_test_pack(tmp / "pack")))
        url = args.database_url or f"sqlite+aiosqlite:///{tmp / 'ladder.db'}"
        upgrade(url)
        overrides: dict[str, Any] = {"database_url": url, "data_dir": tmp, "job_backend": args.backend}
        if args.redis_url:
            overrides["redis_url"] = args.redis_url
        settings = Settings(_env_file=None, **overrides)  # type: ignore[call-arg]
        clock = ManualClock(MATCH_CREATED)
        ladder = build(settings, clock=clock, pack=pack)
        started = time.perf_counter()
        await ladder.start(expiry_interval_s=3600, run_waves=False, run_replays=True)
        report: dict[str, Any] = {"replay_service_start_ms": round((time.perf_counter() - started) * 1000, 1)}
        bench = Bench(ladder, clock, valid, others)
        try:
            # warm-up: the first upload also loads the data pack indexes and SQL statement caches
            for i, m in enumerate(await bench.matches(4)):
                await bench.upload(m, i)

            matches = await bench.matches(args.latency)
            timings: dict[str, list[float]] = {"completes_match": [], "fails_a_check": []}
            for i, m in enumerate(matches):
                elapsed, effect = await bench.upload(m, i)
                key = "completes_match" if effect is ReplayEffect.COMPLETED else "fails_a_check"
                timings[key].append(elapsed)
            report["latency"] = {
                "all": percentiles(timings["completes_match"] + timings["fails_a_check"]),
                **{k: percentiles(v) for k, v in timings.items() if v},
            }

            matches = await bench.matches(args.throughput)
            window = asyncio.Semaphore(settings.replay_queue_size)
            effects: dict[str, int] = {}

            async def windowed(m: Match, i: int) -> None:
                async with window:
                    _, effect = await bench.upload(m, i)
                    effects[str(effect)] = effects.get(str(effect), 0) + 1

            cpu, loop_cpu = time.process_time(), time.thread_time()
            gc_before = gc_pauses[:]
            t0 = time.perf_counter()
            await asyncio.gather(*(windowed(m, i) for i, m in enumerate(matches)))
            elapsed = time.perf_counter() - t0
            report["throughput"] = {
                "uploads": args.throughput,
                "seconds": round(elapsed, 3),
                "per_second": round(args.throughput / elapsed, 1),
                "main_process_cpu_ms_per_upload": round((time.process_time() - cpu) / args.throughput * 1000, 3),
                "event_loop_thread_cpu_ms_per_upload": round(
                    (time.thread_time() - loop_cpu) / args.throughput * 1000, 3
                ),
                "effects": effects,
                "gc_pauses_ms": _gc_summary(gc_pauses[len(gc_before) :]),
            }

            report["service_side_only"] = await service_side_only(bench, settings, args.throughput)

            matches = await bench.matches(100)
            seen = len(gc_pauses)
            report["loop_lag_burst_100"] = await loop_lag(lambda: bench.burst(matches))
            report["loop_lag_burst_100"]["gc_pauses_ms"] = _gc_summary(gc_pauses[seen:])
            backend = ladder.replays.backend
            pids = backend.worker_pids() if hasattr(backend, "worker_pids") else []
            report["memory"] = {
                "workers": [memory_kib(pid) for pid in pids],
                "main_process": memory_kib(os.getpid()),
            }
            report["backend_stats"] = ladder.replays.stats()
        finally:
            await ladder.stop()
    return report


def print_table(report: dict[str, Any]) -> None:
    lat, tp, lag = report["latency"], report["throughput"], report["loop_lag_burst_100"]
    machine = report["machine"]
    print(f"\nReplay pipeline, {report['backend']} backend ({machine['cpus']} CPUs, load {machine['load_before']})")
    for key, figures in lat.items():
        p50, p99, n = figures["p50_ms"], figures["p99_ms"], figures["n"]
        print(f"  latency {key:<16} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms  (n={n})")
    print(f"  throughput              {tp['per_second']:7.1f} uploads/s ({tp['uploads']} in {tp['seconds']} s)")
    alone = report["service_side_only"]
    print(f"  service side alone      {alone['per_second']:7.1f} uploads/s (parsing answered from a cache)")
    print(
        f"  CPU per upload          {tp['event_loop_thread_cpu_ms_per_upload']:7.2f} ms event loop, "
        f"{tp['main_process_cpu_ms_per_upload']:.2f} ms whole main process"
    )
    gen2 = lag["gc_pauses_ms"]["gen2"]
    print(
        f"  loop lag, burst of 100  max {lag['max_ms']:.2f} ms, p99 {lag['p99_ms']:.2f} ms over {lag['ticks']} ticks "
        f"(full GCs during it: {gen2['count']}, longest {gen2['max_ms']} ms)"
    )
    for i, mem in enumerate(report["memory"]["workers"]):
        rss, pss = mem.get("rss_kib", 0) / 1024, mem.get("pss_kib", 0) / 1024
        print(f"  worker {i} memory        RSS {rss:.1f} MiB, PSS {pss:.1f} MiB")
    print(f"  replay service start    {report['replay_service_start_ms']} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=int, default=200, help="sequential uploads timed one by one")
    parser.add_argument("--throughput", type=int, default=1000, help="uploads in the throughput burst")
    parser.add_argument("--backend", choices=("local", "celery"), default="local")
    parser.add_argument("--redis-url", default=None, help="Redis for --backend celery (a worker must be running)")
    parser.add_argument(
        "--database-url", default=None, help="an EMPTY database to use instead of a fresh SQLite file (it is migrated)"
    )
    args = parser.parse_args()
    if not (SHARED / "fixtures" / "replays" / REPLAY).is_file():
        sys.exit(f"fixture replays not found under {SHARED} (set EVOLADDER_SHARED_DIR)")
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    gc.callbacks.append(_gc_timer)
    figures = asyncio.run(run(args))
    report = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_before": round(load_before, 2) if load_before is not None else None,
        },
        "backend": args.backend,
        "database": "postgresql" if args.database_url else "sqlite",
        "command": "uv run python bench/bench_replay_pipeline.py " + " ".join(sys.argv[1:]),
        **figures,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    suffix = ("" if args.backend == "local" else "_celery") + ("_postgres" if args.database_url else "")
    out = RESULTS.with_name(f"replay_pipeline{suffix}.json")
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print_table(report)
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
