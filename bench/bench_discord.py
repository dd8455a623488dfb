"""The Discord bot under load: 500 simulated users through the test harness (real discord.py, fake Discord).

Each pair of users arrives at a steady rate (open loop: arrivals do not wait for earlier users) and
each user runs one session of slash commands and components, all through ``BotHarness`` (gateway
``INTERACTION_CREATE`` payloads into discord.py, REST answered by ``FakeDiscord``), on an embedded
SQLite file:

    /profile, /leaderboard, /queue -> pick a race -> Join -> Cancel (leave), then the pair is matched
    (``MatchService.create``: the match-found DMs go out) and both press Confirm.

Figures: time from the interaction received (the payload handed to discord.py) to its first response
(the interaction callback reaching the fake Discord: a message, an update, a defer or a modal), p50
and p99 per kind and overall; the event loop's blocking, as a 1 ms ticker's lateness and as the
longest single callback (``loop_probe.CallbackTimer`` wraps ``asyncio.Handle._run``).

Run: ``uv run python bench/bench_discord.py [--users 500] [--seconds 30] [--history 300]``; writes
``bench/results/discord.json``. Targets (issue 7): p99 first response <= 50 ms, loop lag <= 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import gc
import json
import logging
import os
import random
import sys
import tempfile
import time
from array import array
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the harness lives with the tests

from discord_harness import BotHarness, FakeMessage, FakeUser, InteractionRecord  # noqa: E402
from discord_match_support import ready_player  # noqa: E402
from evoladder.clock import ManualClock  # noqa: E402
from evoladder.config import Settings  # noqa: E402
from evoladder.domain.ids import PlayerId  # noqa: E402
from evoladder.services.matches import MatchRequest  # noqa: E402
from evoladder.store.schema import upgrade  # noqa: E402
from loop_probe import CallbackTimer, lag, ms, pct, ticker  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "discord.json"
NOW = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
BW = ["bw_terran", "bw_zerg", "bw_protoss"]
SC2 = ["sc2_terran", "sc2_zerg", "sc2_protoss"]


def letters(i: int) -> str:
    """A distinct in-game-name-safe user name (letters only): ``userAAA``, ``userAAB``..."""
    return "user" + "".join(chr(ord("a") + (i // 26**k) % 26) for k in (2, 1, 0))


GC_PAUSED = [0.0]
"""Seconds spent in garbage collections so far (``track_gc``), to tell a callback's own work from a pause."""


def suspended_at(task: asyncio.Task[Any]) -> str:
    """Where a task's coroutine chain is suspended, innermost last: the outer frame alone (a test helper,
    a command tree wrapper) hides which awaited call did the work. Walks ``cr_await``."""
    chain = []
    obj: Any = task.get_coro()
    while obj is not None and len(chain) < 12:
        frame = getattr(obj, "cr_frame", None) or getattr(obj, "gi_frame", None)
        if frame is not None:
            chain.append(f"{frame.f_code.co_qualname} @ {Path(frame.f_code.co_filename).name}:{frame.f_lineno}")
        obj = getattr(obj, "cr_await", None) or getattr(obj, "gi_yieldfrom", None)
    return " > ".join(chain[:1] + chain[-3:]) if len(chain) > 4 else " > ".join(chain)


class SlowCallbacks:
    """The slowest loop callbacks (``--diagnose``): what blocked the loop, by callback, with the CPU
    time and the garbage-collection pauses inside it."""

    def __init__(self, keep: int = 16) -> None:
        self.keep = keep
        self.slowest: list[tuple[float, str]] = []
        self.over_5ms_cpu: collections.Counter[str] = collections.Counter()

    def installed(self) -> Any:
        original = asyncio.Handle._run
        probe = self

        def run(handle: asyncio.Handle) -> None:
            t, c, g = time.perf_counter(), time.thread_time(), GC_PAUSED[0]
            owner = getattr(handle._callback, "__self__", None)
            where = suspended_at(owner) if isinstance(owner, asyncio.Task) else ""
            try:
                original(handle)
            finally:
                took, cpu, paused = time.perf_counter() - t, time.thread_time() - c, GC_PAUSED[0] - g
                if cpu - paused > 0.005:
                    probe.over_5ms_cpu[(where or repr(handle)[:120]).split(" > ")[-1]] += 1
                if took > 0.004:
                    note = f"cpu {cpu * 1000:.1f} ms, gc {paused * 1000:.1f} ms; {where or repr(handle)[:200]}"
                    probe.slowest.append((took, note))
                    probe.slowest.sort(reverse=True)
                    del probe.slowest[probe.keep :]

        class _Ctx:
            def __enter__(self) -> None:
                asyncio.Handle._run = run  # type: ignore[method-assign]

            def __exit__(self, *exc: object) -> None:
                asyncio.Handle._run = original  # type: ignore[method-assign]

        return _Ctx()


def track_gc() -> dict[str, Any]:
    """Collections during the run: count, longest pause, and each full (generation 2) pause (``--diagnose``)."""
    stats: dict[str, Any] = {"collections": 0, "max_ms": 0.0, "gen2": 0, "gen2_ms": [], "gen2_cpu_ms": []}
    started: list[tuple[float, float]] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append((time.perf_counter(), time.thread_time()))
        elif started:
            wall, cpu = started.pop()
            took = time.perf_counter() - wall
            GC_PAUSED[0] += took
            stats["collections"] += 1
            if info.get("generation") == 2:  # wall time, and CPU time (what the machine's load does not inflate)
                stats["gen2"] += 1
                stats["gen2_ms"].append(round(took * 1000, 2))
                stats["gen2_cpu_ms"].append(round((time.thread_time() - cpu) * 1000, 2))
            stats["max_ms"] = max(stats["max_ms"], round(took * 1000, 3))

    gc.callbacks.append(callback)
    return stats


class Recorder:
    """First-response latency of every interaction, by kind."""

    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.unacked = 0

    def add(self, kind: str, record: InteractionRecord) -> InteractionRecord:
        if record.ack_latency is None:
            self.unacked += 1
        else:
            self.latency[kind].append(record.ack_latency)
        return record

    def summary(self) -> dict[str, Any]:
        every = [x for xs in self.latency.values() for x in xs]
        out: dict[str, Any] = {
            "interactions": len(every),
            "unacknowledged": self.unacked,
            "first_response_p50_ms": ms(pct(every, 50)),
            "first_response_p99_ms": ms(pct(every, 99)),
            "first_response_max_ms": ms(max(every, default=0.0)),
        }
        out["by_kind"] = {
            kind: {"n": len(xs), "p50_ms": ms(pct(xs, 50)), "p99_ms": ms(pct(xs, 99)), "max_ms": ms(max(xs))}
            for kind, xs in sorted(self.latency.items())
        }
        return out


async def seed_history(h: BotHarness, users: list[FakeUser], matches: int, rng: random.Random) -> None:
    """Finished matches between random users, so /profile and /leaderboard show real standings."""
    ladder = h.ladder
    for n in range(matches):
        a, b = rng.sample(users, 2)
        pa, pb = PlayerId(a.id), PlayerId(b.id)
        m = await ladder.matches.create(MatchRequest(pa, rng.choice(BW), pb, rng.choice(SC2), idempotency_key=f"h{n}"))
        await ladder.matches.confirm(m.id, pa)
        await ladder.matches.confirm(m.id, pb)
        result = rng.choice((1, 2, 1, 2, 0))
        await ladder.matches.report(m.id, pa, result)
        await ladder.matches.report(m.id, pb, result)


async def wait_for_card(h: BotHarness, user: FakeUser, match_id: int, after: int) -> FakeMessage:
    """The match-found DM (sent by the match cog's listener when the match is created). Only messages
    newer than ``after`` are looked at: the fake's own bookkeeping must not weigh on the loop measured."""
    deadline = time.perf_counter() + 10.0
    title = f"#{match_id}"
    while True:
        for m in reversed(h.fake.messages.values()):
            if m.id <= after:
                break
            if (
                m.channel_id == user.dm_channel_id
                and m.custom_ids
                and any(title in str(e.get("title", "")) for e in m.embeds)
            ):
                return m
        if time.perf_counter() > deadline:
            raise AssertionError(f"no match card for #{match_id} in {user.username}'s DM")
        await asyncio.sleep(0.005)


async def session(h: BotHarness, rec: Recorder, user: FakeUser, race_select: str, race: str) -> None:
    """One user: /profile, /leaderboard, then queue join and leave."""
    rec.add("profile", await h.slash(user, "profile"))
    rec.add("leaderboard", await h.slash(user, "leaderboard"))
    opened = rec.add("queue", await h.slash(user, "queue"))
    assert opened.message is not None, "no /queue message"
    picked = rec.add("queue_pick", await h.select(user, opened.message, race_select, [race]))
    assert picked.message is not None
    joined = rec.add("queue_join", await h.click(user, picked.message, "evo:queue:join"))
    assert joined.message is not None
    rec.add("queue_leave", await h.click(user, joined.message, "Cancel"))


async def pair(h: BotHarness, rec: Recorder, a: FakeUser, b: FakeUser, n: int, rng: random.Random) -> None:
    await asyncio.gather(
        session(h, rec, a, "evo:queue:bw", rng.choice(BW)), session(h, rec, b, "evo:queue:sc2", rng.choice(SC2))
    )
    pa, pb = PlayerId(a.id), PlayerId(b.id)
    request = MatchRequest(pa, rng.choice(BW), pb, rng.choice(SC2), idempotency_key=f"b{n}")
    after = h.fake.snowflake()
    match = await h.ladder.matches.create(request)
    cards = await asyncio.gather(wait_for_card(h, a, match.id, after), wait_for_card(h, b, match.id, after))
    confirms = await asyncio.gather(h.click(a, cards[0], "Confirm"), h.click(b, cards[1], "Confirm"))
    for record in confirms:
        rec.add("confirm", record)
    forget(h, a, b)


def forget(h: BotHarness, *users: FakeUser) -> None:
    """Drop a finished pair's messages and interactions from the fake Discord. They model Discord's
    servers, which do not live in the bot's process: left in memory, thousands of stored payloads
    would make every full garbage collection of the bot's process scan them."""
    channels = {u.dm_channel_id for u in users}
    ids = {u.id for u in users}
    for mid in [mid for mid, m in h.fake.messages.items() if m.channel_id in channels]:
        del h.fake.messages[mid]
    for token in [t for t, r in h.fake.interactions.items() if r.user.id in ids]:
        del h.fake.interactions[token]


async def run(users: int, seconds: float, history: int, seed: int, diagnose: bool = False) -> dict[str, Any]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'ladder.db'}"
        upgrade(url)
        settings = Settings(  # type: ignore[call-arg]
            database_url=url, data_dir=Path(tmp), rating_model="elo", discord_command_cooldown_s=0.0, _env_file=None
        )
        clock = ManualClock(NOW)
        h = await BotHarness.start(settings, clock)
        try:
            t0 = time.perf_counter()
            base = asyncio.all_tasks()  # the ladder's own timers
            people = [await ready_player(h, letters(i)) for i in range(users)]
            await seed_history(h, people, history, rng)
            await h.settle(base)
            seeded_s = time.perf_counter() - t0
            gc.collect()
            gc.freeze()  # as ``Ladder.start`` does after warming up: start-up objects leave the collector's sight

            h.concurrent = True
            rec = Recorder()
            stop = asyncio.Event()
            lags = array("d")  # not a list: see loop_probe.CallbackTimer
            timer = CallbackTimer()
            pairs = [(people[i], people[i + 1]) for i in range(0, users - 1, 2)]
            interval = seconds / max(1, len(pairs))
            tick = asyncio.create_task(ticker(stop, lags))
            started = time.perf_counter()
            slow = SlowCallbacks()
            gc_pauses = track_gc() if diagnose else {}
            with timer.installed(), slow.installed() if diagnose else contextlib.nullcontext():
                tasks = []
                for n, (a, b) in enumerate(pairs):
                    tasks.append(asyncio.create_task(pair(h, rec, a, b, n, rng)))
                    await asyncio.sleep(max(0.0, started + (n + 1) * interval - time.perf_counter()))
                results = await asyncio.gather(*tasks, return_exceptions=True)
            elapsed = time.perf_counter() - started
            stop.set()
            await tick
            failures = [repr(r) for r in results if isinstance(r, BaseException)]
            if diagnose:
                gc.collect()
                full = []
                for _ in range(5):  # what one full collection costs over what the run left alive (min: load-robust)
                    t = time.perf_counter()
                    gc.collect()
                    full.append(time.perf_counter() - t)
                gc_pauses["full_collection_after_run_ms"] = ms(min(full))
                tracked = gc.get_objects()
                live = collections.Counter(type(o).__qualname__ for o in tracked)
                sized = sorted(
                    ((len(o), type(o).__qualname__) for o in tracked if isinstance(o, list | dict | set)), reverse=True
                )
                gc_pauses["largest_containers"] = sized[:6]  # type: ignore[assignment]
                gc_pauses["unfrozen_objects"] = sum(live.values())
                gc_pauses["top_types"] = live.most_common(12)  # type: ignore[assignment]
            summary = rec.summary()
            return {
                "benchmark": "bench_discord",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "load_1m": os.getloadavg()[0]},
                "config": {
                    "users": users,
                    "arrival_seconds": seconds,
                    "history_matches": history,
                    "database": "sqlite (file)",
                    "mix": "per user: /profile, /leaderboard, /queue, race select, Join, Cancel; per pair: Confirm x2",
                },
                "seed_s": round(seeded_s, 2),
                "elapsed_s": round(elapsed, 2),
                "interactions_per_s": round(summary["interactions"] / elapsed, 1),
                "failures": failures[:5],
                "failed_pairs": len(failures),
                **summary,
                **lag(lags),
                **timer.summary(),
                "targets": {"first_response_p99_ms": 50, "loop_lag_ms": 5},
                **(
                    {
                        "slowest_callbacks": [(ms(t), what) for t, what in slow.slowest],
                        "over_5ms_cpu_outside_gc": slow.over_5ms_cpu.most_common(12),
                        "gc": gc_pauses,
                    }
                    if diagnose
                    else {}
                ),
            }
        finally:
            h.concurrent = False
            await h.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30.0, help="spread the users' arrivals over this time")
    parser.add_argument("--history", type=int, default=300, help="finished matches seeded before the run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--diagnose", action="store_true", help="also list the slowest loop callbacks")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args.users, args.seconds, args.history, args.seed, args.diagnose))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "by_kind"}, indent=2))
    print(json.dumps(result["by_kind"], indent=2))


if __name__ == "__main__":
    main()
