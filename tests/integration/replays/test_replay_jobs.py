"""Pending replays are durable jobs: persisted before the acknowledgement, resumed after a restart,
kept through a full queue, retried once after a crash, then handed to an admin."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.datapack import DataPack
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import Match, MatchState
from evoladder.domain.replay import ReplaySummary
from evoladder.domain.replay_intake import ReplayBusy, ReplayEffect, ReplayRecord, ReplayStatus
from evoladder.services.replays import ReplayService
from evoladder.store.replay_files import LocalReplayStorage
from evoladder.workers.errors import ParserBusy, ReplayParseFailed
from evoladder.workers.jobs import ParseBackend
from replay_support import REPLAY, UPLOADED, replay_match, setup_named

pytestmark = pytest.mark.shared
SCOTCH, BLUBIRD = PlayerId(401), PlayerId(402)
TESTS_DIR = Path(__file__).resolve().parents[2]


class ScriptedBackend:
    """Wraps a real backend; the first parses fail as scripted (``busy``, ``died``, ``timeout``)."""

    name = "scripted"

    def __init__(self, real: ParseBackend, script: list[str]) -> None:
        self.real, self.script, self.calls = real, list(script), 0

    async def start(self) -> None:
        await self.real.start()

    async def stop(self) -> None:
        await self.real.stop()

    def stats(self) -> dict[str, Any]:
        return self.real.stats()

    async def parse(self, data: bytes, timeout: float) -> ReplaySummary:  # noqa: ASYNC109
        self.calls += 1
        step = self.script.pop(0) if self.script else "real"
        if step == "busy":
            raise ParserBusy(1, 1)
        if step in ("worker_died", "timeout"):
            raise ReplayParseFailed(step, "scripted")
        return await self.real.parse(data, timeout)


@pytest.fixture
async def stopper(settings: Settings, clock: ManualClock, replay_pack: DataPack) -> AsyncIterator[Callable[..., Any]]:
    """Start ladders on one database (several in turn = restarts); those still running stop at the end."""
    ladders: list[Ladder] = []

    async def make(*, run_replays: bool, script: list[str] | None = None) -> Ladder:
        ladder = build(settings, clock=clock, pack=replay_pack)
        ladder.replays.policy = replace(ladder.replays.policy, resume_interval_s=0.05)
        if script is not None:
            ladder.replays.backend = ScriptedBackend(ladder.replays.backend, script)
        await ladder.start(expiry_interval_s=3600, run_waves=False, run_replays=run_replays)
        ladders.append(ladder)
        return ladder

    yield make
    for ladder in ladders:
        if ladder.started:
            await ladder.stop()


async def new_match(ladder: Ladder, clock: ManualClock) -> Match:
    await setup_named(ladder, SCOTCH, "OneScotch")
    await setup_named(ladder, BLUBIRD, "BluBird")
    m = await replay_match(ladder, SCOTCH, BLUBIRD)
    clock.set(UPLOADED)
    return m


async def wait_for(ladder: Ladder, replay_id: int, limit_s: float = 20.0) -> ReplayRecord:
    async with asyncio.timeout(limit_s):
        while True:
            record = await ladder.replays.get(replay_id)
            if record.status is not ReplayStatus.PENDING:
                return record
            await asyncio.sleep(0.05)


async def test_upload_is_saved_before_it_is_acknowledged_even_if_the_process_dies(
    stopper: Callable[..., Any], clock: ManualClock, settings: Settings, replay_pack_dir: Path, shared_dir: Path
) -> None:
    first = await stopper(run_replays=False)
    m = await new_match(first, clock)
    await first.stop()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", DIE_AFTER_COMMIT, str(TESTS_DIR), settings.effective_database_url,
        str(settings.data_dir), str(replay_pack_dir), str(shared_dir / "fixtures/replays" / REPLAY), str(m.id),
        str(SCOTCH), settings.rating_model, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    async with asyncio.timeout(120):
        out, err = await child.communicate()
    assert child.returncode == 9, err.decode()
    assert b"acknowledged" not in out
    second = await stopper(run_replays=True)  # a restart: the pending upload is resumed
    [record] = await second.replays.for_match(m.id)
    stored = LocalReplayStorage(settings.data_dir / "replays").path_for(record.sha256)
    assert stored.read_bytes() == (shared_dir / "fixtures/replays" / REPLAY).read_bytes()
    done = await wait_for(second, record.id)
    assert done.status is ReplayStatus.PARSED and done.effect is ReplayEffect.COMPLETED
    assert (await second.matches.get(m.id)).state is MatchState.COMPLETED


DIE_AFTER_COMMIT = """
import asyncio, os, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from evoladder.app import build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.datapack import load_pack
from evoladder.services.replays import ReplayService
from replay_support import UPLOADED

db_url, data_dir, pack_dir, replay, match_id, player, model = sys.argv[2:]

async def die(self, record, data):
    os._exit(9)  # the row and the file are committed; the acknowledgement never happens

ReplayService._process = die

async def main():
    settings = Settings(database_url=db_url, data_dir=Path(data_dir), rating_model=model, _env_file=None)
    ladder = build(settings, clock=ManualClock(UPLOADED), pack=load_pack(pack_dir))
    await ladder.start(expiry_interval_s=3600, run_waves=False)
    await ladder.replays.upload(int(match_id), int(player), Path(replay).read_bytes())
    print("acknowledged")

asyncio.run(main())
"""


async def test_a_failure_right_after_the_commit_loses_nothing(
    stopper: Callable[..., Any], clock: ManualClock, fixture_replay: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    ladder = await stopper(run_replays=True)
    m = await new_match(ladder, clock)

    async def boom(self: ReplayService, record: ReplayRecord, data: bytes | None) -> Any:
        raise RuntimeError("the process is going down")

    with monkeypatch.context() as patch:
        patch.setattr(ReplayService, "_process", boom)
        with pytest.raises(RuntimeError):
            await ladder.replays.upload(m.id, SCOTCH, fixture_replay)
    [record] = await ladder.replays.for_match(m.id)
    assert record.status is ReplayStatus.PENDING
    assert (await wait_for(ladder, record.id)).effect is ReplayEffect.COMPLETED  # the resume loop


async def test_uploads_taken_while_no_parser_runs_are_checked_after_a_restart(
    stopper: Callable[..., Any], clock: ManualClock, fixture_replay: bytes
) -> None:
    first = await stopper(run_replays=False)
    m = await new_match(first, clock)
    outcome = await first.replays.upload(m.id, SCOTCH, fixture_replay)
    assert outcome.replay.status is ReplayStatus.PENDING and outcome.replay.verdict is None
    await first.stop()
    second = await stopper(run_replays=True)
    done = await wait_for(second, outcome.replay.id)
    assert done.effect is ReplayEffect.COMPLETED
    assert (await second.matches.get(m.id)).state is MatchState.COMPLETED


async def test_a_full_queue_says_busy_keeps_the_upload_and_checks_it_later(
    stopper: Callable[..., Any], clock: ManualClock, fixture_replay: bytes
) -> None:
    ladder = await stopper(run_replays=True, script=["busy"])
    m = await new_match(ladder, clock)
    with pytest.raises(ReplayBusy) as busy:
        await ladder.replays.upload(m.id, SCOTCH, fixture_replay)
    assert busy.value.code == "replay_busy" and "saved" in str(busy.value)
    record = await ladder.replays.get(busy.value.replay_id)
    assert record.status is ReplayStatus.PENDING
    assert (await wait_for(ladder, record.id)).effect is ReplayEffect.COMPLETED


async def test_a_crashed_parse_is_retried_once(
    stopper: Callable[..., Any], clock: ManualClock, fixture_replay: bytes
) -> None:
    ladder = await stopper(run_replays=True, script=["worker_died"])
    m = await new_match(ladder, clock)
    outcome = await ladder.replays.upload(m.id, SCOTCH, fixture_replay)
    assert outcome.replay.status is ReplayStatus.PARSED and outcome.replay.attempts == 1
    assert outcome.match is not None and outcome.match.state is MatchState.COMPLETED


async def test_a_second_crash_hands_the_replay_to_an_admin(
    stopper: Callable[..., Any], clock: ManualClock, fixture_replay: bytes
) -> None:
    ladder = await stopper(run_replays=True, script=["timeout", "worker_died"])
    m = await new_match(ladder, clock)
    outcome = await ladder.replays.upload(m.id, SCOTCH, fixture_replay)
    record = outcome.replay
    assert record.status is ReplayStatus.FAILED and record.attempts == 2
    assert record.overall == "needs_admin" and "worker_died" in (record.error or "")
    assert record.verdict["checks"][0]["message_code"] == "build.check_failed"
    assert outcome.match is not None and outcome.match.state is MatchState.IN_PROGRESS
    assert ladder.replays.backend.calls == 2  # type: ignore[attr-defined]
