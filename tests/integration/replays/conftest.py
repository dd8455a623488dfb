"""Replay pipeline fixtures: the test pack, a clock at the fixture game's time, a ladder whose replay
service runs on the local pool or on Celery (real Redis and a real ``evoladder worker`` process)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.datapack import DataPack, load_pack
from replay_support import MATCH_CREATED, REPLAY, build_test_pack
from services_support import require_redis


@pytest.fixture(scope="session")
def replay_pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_test_pack(tmp_path_factory.mktemp("pack") / "evo_test")


@pytest.fixture(scope="session")
def replay_pack(replay_pack_dir: Path) -> DataPack:
    return load_pack(str(replay_pack_dir))


@pytest.fixture(scope="session")
def fixture_replay(shared_dir: Path) -> bytes:
    return (shared_dir / "fixtures" / "replays" / REPLAY).read_bytes()


@pytest.fixture(scope="session")
def all_replays(shared_dir: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted((shared_dir / "fixtures" / "replays").glob("*/*.SC2Replay"))]


@pytest.fixture
def clock() -> ManualClock:
    """Overrides the integration clock: the fixture game was played on 2015-12-16."""
    return ManualClock(MATCH_CREATED)


@pytest.fixture(scope="session")
def celery_worker() -> Iterator[tuple[str, str]]:
    """A real ``evoladder worker`` process on a queue of its own, on Redis db 15: (redis url, queue)."""
    redis_url = require_redis()
    queue = f"evoladder.test.{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "EVOLADDER_REDIS_URL": redis_url,
        "EVOLADDER_CELERY_QUEUE": queue,
        "EVOLADDER_REPLAY_WORKERS": "2",
    }
    exe = Path(sys.executable).with_name("evoladder")
    proc = subprocess.Popen(
        [str(exe), "worker", "--loglevel", "WARNING"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_until_serving(redis_url, queue, proc)
        yield redis_url, queue
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        import redis

        redis.Redis.from_url(redis_url).delete(queue)


def _wait_until_serving(redis_url: str, queue: str, proc: subprocess.Popen[bytes]) -> None:
    """Round-trip one parse through the worker; fail with its stderr if it died or never answered."""
    from evoladder.workers.celery_backend import CeleryParseBackend

    async def probe() -> None:
        backend = CeleryParseBackend(redis_url, queue=queue, reply_wait_s=1.0)
        await backend.start()
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    await backend.parse(b"MPQ\x1b" + bytes(64), timeout=2.0)
                except Exception as exc:
                    if getattr(exc, "code", "") == "replay_unreadable":
                        return  # a worker answered
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise
        finally:
            await backend.stop()

    try:
        asyncio.run(probe())
    except Exception as exc:
        stderr = b""
        if proc.poll() is not None and proc.stderr is not None:
            stderr = proc.stderr.read()
        pytest.fail(f"the Celery worker did not start: {exc}\n{stderr.decode(errors='replace')[-2000:]}")


@pytest.fixture(params=["local", pytest.param("celery", marks=pytest.mark.redis)])
def backend_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def replay_settings(settings: Settings, backend_kind: str, request: pytest.FixtureRequest) -> Settings:
    if backend_kind == "local":
        return settings
    redis_url, queue = request.getfixturevalue("celery_worker")
    return settings.model_copy(update={"job_backend": "celery", "redis_url": redis_url, "celery_queue": queue})


@pytest.fixture
async def ladder(replay_settings: Settings, clock: ManualClock, replay_pack: DataPack) -> AsyncIterator[Ladder]:
    """Overrides the integration ladder: the test pack, and the replay service running (warm)."""
    app = build(replay_settings, clock=clock, pack=replay_pack)
    app.replays.policy = replace(app.replays.policy, resume_interval_s=3600)
    await app.start(expiry_interval_s=3600, run_waves=False, run_replays=True)
    try:
        yield app
    finally:
        await app.stop()
