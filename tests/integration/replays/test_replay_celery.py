"""The Celery backend against a real Redis and a real ``evoladder worker`` process: the same answers
as the local parser, unreadable files, a queue nobody serves, and a backend that refuses to start."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from evoladder.app import build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.datapack import DataPack
from evoladder.domain.ids import PlayerId
from evoladder.domain.replay import ReplayUnreadable
from evoladder.domain.replay_intake import ReplayStatus
from evoladder.workers.celery_backend import CeleryParseBackend
from evoladder.workers.errors import ReplayParseFailed
from evoladder.workers.parse import parse_replay_bytes
from replay_support import UPLOADED, replay_match, setup_named

pytestmark = [pytest.mark.redis, pytest.mark.shared]


async def test_every_fixture_parses_the_same_through_celery(
    celery_worker: tuple[str, str], all_replays: list[bytes]
) -> None:
    redis_url, queue = celery_worker
    backend = CeleryParseBackend(redis_url, queue=queue, max_pending=len(all_replays))
    await backend.start()
    try:
        summaries = await asyncio.gather(*(backend.parse(data, 5.0) for data in all_replays))
    finally:
        await backend.stop()
    assert [s.to_dict() for s in summaries] == [parse_replay_bytes(d).to_dict() for d in all_replays]
    assert backend.stats()["parsed"] == len(all_replays)


async def test_unreadable_bytes_come_back_as_unreadable(celery_worker: tuple[str, str]) -> None:
    backend = CeleryParseBackend(*celery_worker[:1], queue=celery_worker[1])
    await backend.start()
    try:
        with pytest.raises(ReplayUnreadable) as unreadable:
            await backend.parse(b"MPQ\x1b" + b"\xff" * 300, 5.0)
    finally:
        await backend.stop()
    assert unreadable.value.reason


async def test_with_no_worker_on_the_queue_the_upload_stays_pending(
    celery_worker: tuple[str, str],
    settings: Settings,
    clock: ManualClock,
    replay_pack: DataPack,
    fixture_replay: bytes,
) -> None:
    redis_url, _served = celery_worker
    lonely = f"evoladder.test.nobody.{uuid.uuid4().hex[:8]}"
    configured = settings.model_copy(update={"job_backend": "celery", "redis_url": redis_url, "celery_queue": lonely})
    ladder = build(configured, clock=clock, pack=replay_pack)
    ladder.replays.policy = replace(ladder.replays.policy, resume_interval_s=3600, parse_timeout_s=0.2)
    ladder.replays.backend.reply_wait_s = 0.3  # type: ignore[attr-defined]
    await ladder.start(expiry_interval_s=3600, run_waves=False, run_replays=True)
    try:
        p1, p2 = PlayerId(501), PlayerId(502)
        await setup_named(ladder, p1, "OneScotch")
        await setup_named(ladder, p2, "BluBird")
        m = await replay_match(ladder, p1, p2)
        clock.set(UPLOADED)
        outcome = await ladder.replays.upload(m.id, p1, fixture_replay)
        assert outcome.replay.status is ReplayStatus.PENDING and outcome.replay.attempts == 0
        assert ladder.replays.stats()["no_answer"] == 1
    finally:
        await ladder.stop()
        import redis

        redis.Redis.from_url(redis_url).delete(lonely)


async def test_a_backend_without_redis_refuses_to_start() -> None:
    backend = CeleryParseBackend("redis://127.0.0.1:1/0")
    with pytest.raises(ReplayParseFailed) as refused:
        await backend.start()
    assert refused.value.reason == "not_running" and "does not answer" in str(refused.value)


def test_the_worker_command_exists(shared_dir: Path) -> None:
    from typer.testing import CliRunner

    from evoladder.cli.main import app

    result = CliRunner().invoke(app, ["worker", "--help"])
    assert result.exit_code == 0 and "Celery" in result.output
