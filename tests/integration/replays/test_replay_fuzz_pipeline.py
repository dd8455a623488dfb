"""Fuzz the whole pipeline: mutated, truncated and random inputs through intake, storage, the real
parser pool and verification. Every input gets a clear answer, none disturbs the main process, the
pool stays whole, and only a replay that passed every check ever changes the match.

Files go to ``MemoryReplayStorage`` (10,000 stored replays would be ~400 MB of disk); the storage
itself is tested on disk elsewhere. The 1,000-input run is part of the default suite; the
10,000-input run is marked slow.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.datapack import DataPack
from evoladder.domain.errors import InvalidInput, LadderError
from evoladder.domain.ids import PlayerId
from evoladder.domain.replay_intake import ReplayEffect, ReplayStatus
from evoladder.store.replay_files import MemoryReplayStorage
from evoladder.store.schema import upgrade
from replay_support import REPLAY, UPLOADED, replay_match, setup_named

pytestmark = pytest.mark.shared
MAX_BYTES = 256 * 1024
SEEDS = (REPLAY, "evo/khione-sel__official__eu.SC2Replay", "sc2/b75800_334.SC2Replay", "sc2/b16291_014.SC2Replay")
KINDS = ("flip", "header", "truncate", "splice", "random", "magic", "magic1a", "empty", "oversize")
WEIGHTS = (20, 20, 20, 10, 10, 10, 6, 2, 2)


def hostile_inputs(seeds: list[bytes], count: int, seed: int = 2026) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    out = []
    for kind in rng.choices(KINDS, WEIGHTS, k=count):
        base = bytearray(rng.choice(seeds))
        if kind in ("flip", "header"):
            limit = 2048 if kind == "header" else len(base)
            for _ in range(rng.randint(1, 24)):
                base[rng.randrange(min(limit, len(base)))] = rng.randrange(256)
            data = bytes(base)
        elif kind == "truncate":
            data = bytes(base[: rng.randrange(len(base))])
        elif kind == "splice":
            at = rng.randrange(len(base))
            data = bytes(base[:at] + rng.randbytes(rng.randint(1, 512)) + base[at:])
        elif kind == "random":
            data = rng.randbytes(rng.randint(1, 4096))
        elif kind in ("magic", "magic1a"):
            data = (b"MPQ\x1b" if kind == "magic" else b"MPQ\x1a") + rng.randbytes(rng.randint(0, 2048))
        elif kind == "empty":
            data = b""
        else:
            data = b"MPQ\x1b" + rng.randbytes(MAX_BYTES)
        out.append((kind, data))
    return out


async def run_fuzz(tmp_path: Path, pack: DataPack, seeds: list[bytes], count: int) -> Counter[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fuzz.db'}"
    upgrade(url)
    clock = ManualClock(UPLOADED)
    ladder: Ladder = build(Settings(database_url=url, data_dir=tmp_path, _env_file=None), clock=clock, pack=pack)  # type: ignore[call-arg]
    ladder.replays.storage = MemoryReplayStorage()
    ladder.replays.policy = replace(ladder.replays.policy, max_bytes=MAX_BYTES, resume_interval_s=3600)
    await ladder.start(expiry_interval_s=3600, run_waves=False, run_replays=True)
    tally: Counter[str] = Counter()
    try:
        p1, p2 = PlayerId(601), PlayerId(602)
        await setup_named(ladder, p1, "OneScotch")
        await setup_named(ladder, p2, "BluBird")
        clock.set(UPLOADED.replace(minute=20))
        match = await replay_match(ladder, p1, p2)
        clock.set(UPLOADED)
        gate = asyncio.Semaphore(8)

        async def one(kind: str, data: bytes) -> None:
            async with gate:
                try:
                    outcome = await ladder.replays.upload(match.id, p1, data)
                except LadderError as error:  # a refusal must be a clear, typed one, and only at intake
                    refused = error
                else:
                    refused = None
            if refused is not None:
                assert isinstance(refused, InvalidInput), f"{kind}: unexpected {refused.code}: {refused}"
                assert refused.params["reason"] in ("empty", "too_large", "not_a_replay") and str(refused), kind
                tally[f"refused:{refused.params['reason']}"] += 1
                return
            record = outcome.replay
            assert record.status is not ReplayStatus.PENDING, kind
            assert record.verdict is not None and record.overall in ("pass", "warn", "needs_admin", "fail")
            assert all(check["message"] for check in record.verdict["checks"])
            if record.status is not ReplayStatus.PARSED:
                assert record.error and record.overall == "needs_admin"
            if record.effect is ReplayEffect.COMPLETED:
                assert record.overall == "pass"  # only a replay passing every check finishes a match
            tally[record.status.value] += 1

        await asyncio.gather(*(one(kind, data) for kind, data in hostile_inputs(seeds, count)))
        stats = ladder.replays.backend.stats()
        async with asyncio.timeout(10):
            while ladder.replays.backend.stats()["workers_alive"] < 2:  # noqa: ASYNC110 - replacement is another process
                await asyncio.sleep(0.05)
        tally["parser_failures"] = stats["failed"]
        final = await ladder.matches.get(match.id)
        assert final.replay_id is None or (await ladder.replays.get(final.replay_id)).overall == "pass"
    finally:
        await ladder.stop()
    return tally


@pytest.fixture(scope="module")
def seeds(shared_dir: Path) -> list[bytes]:
    return [(shared_dir / "fixtures" / "replays" / name).read_bytes() for name in SEEDS]


async def test_1000_hostile_inputs_each_get_a_clear_answer(
    tmp_path: Path, replay_pack: DataPack, seeds: list[bytes]
) -> None:
    tally = await run_fuzz(tmp_path, replay_pack, seeds, 1000)
    assert sum(v for k, v in tally.items() if k != "parser_failures") == 1000
    assert tally["unreadable"] > 100 and tally["refused:not_a_replay"] > 50  # both paths exercised


@pytest.mark.slow
async def test_10000_hostile_inputs_each_get_a_clear_answer(
    tmp_path: Path, replay_pack: DataPack, seeds: list[bytes]
) -> None:
    tally = await run_fuzz(tmp_path, replay_pack, seeds, 10_000)
    assert sum(v for k, v in tally.items() if k != "parser_failures") == 10_000
