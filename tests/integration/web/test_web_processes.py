"""Several web processes on PostgreSQL follow the ladder's writes over LISTEN/NOTIFY.

Real processes (``evoladder web``) on free ports over a fresh schema; the test process is the writer
(the ladder's services), and the check is over HTTP, as a spectator would see it.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from web_support import play

from evoladder.app import Ladder, build
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.services.context import CONSOLE_ADMIN_ID
from evoladder.services.players import SetupInput
from evoladder.services.replication import ChangeListener, ChangePublisher, decode, encode
from evoladder.store.schema import upgrade
from services_support import postgres_schema

pytestmark = pytest.mark.postgres

CHILD = [sys.executable, "-c", "from evoladder.cli.main import app; app()", "web"]
A, B = PlayerId(320000000000000001), PlayerId(320000000000000002)
START_TIMEOUT_S = 90.0


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        upgrade(url)
        yield url


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVOLADDER_")}
    env.update(EVOLADDER_DATABASE_URL=url, EVOLADDER_DATA_DIR=str(tmp_path), EVOLADDER_RATING_MODEL="elo",
               EVOLADDER_LOG_LEVEL="WARNING")  # fmt: skip
    return env


@asynccontextmanager
async def web_process(
    url: str, tmp_path: Path, *args: str, serving_lines: int = 1
) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    """``evoladder web *args`` on a free port; yields its address once ``serving_lines`` processes listen."""
    proc = await asyncio.create_subprocess_exec(
        *CHILD, "--port", "0", *args, cwd=tmp_path, env=_env(url, tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert proc.stdout is not None
    address, seen, output = "", 0, []
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while seen < serving_lines:
            line = (await asyncio.wait_for(proc.stdout.readline(), max(0.1, deadline - time.monotonic()))).decode()
            output.append(line)
            assert line, f"evoladder web exited before serving: {''.join(output)}"
            found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if found and "serving on" in line:
                address, seen = found.group(1), seen + 1
            elif found and not address:
                address = found.group(1)
        yield address, proc
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float) -> bool:
    """Poll ``check`` every 20 ms for up to ``seconds``; True as soon as it holds."""
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / 0.02) + 1):
        if await check() or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.02)
    return await check()


async def order(client: httpx.AsyncClient, base: str) -> list[tuple[str, str]]:
    body = (await client.get(f"{base}api/v1/leaderboard")).json()
    return [(r["player"]["name"], r["race"]) for r in body["rows"]]


async def _writer(url: str, tmp_path: Path) -> Ladder:
    ladder = build(Settings(database_url=url, data_dir=tmp_path, rating_model="elo", _env_file=None))  # type: ignore[call-arg]
    await ladder.start(expiry_interval_s=3600, run_waves=False)
    assert isinstance(ladder.replication, ChangePublisher)
    for pid, name in ((A, "Alpha"), (B, "Bravo")):
        await ladder.players.ensure(pid, f"user{name}")
        await ladder.players.accept_tos(pid)
        await ladder.players.complete_setup(pid, SetupInput(name, f"{name}#1234", "KR", "KRJ"))
    return ladder


async def test_two_web_processes_show_a_completed_match_within_a_second(pg_url: str, tmp_path: Path) -> None:
    ladder = await _writer(pg_url, tmp_path)
    try:
        await play(ladder, "m1", A, "bw_zerg", B, "sc2_terran", 1)  # Alpha above Bravo
        before = [("Alpha", "bw_zerg"), ("Bravo", "sc2_terran")]
        async with (
            web_process(pg_url, tmp_path) as (one, _),
            web_process(pg_url, tmp_path) as (two, _),
            httpx.AsyncClient(timeout=5) as client,
        ):
            assert one != two
            assert await order(client, one) == before and await order(client, two) == before

            await play(ladder, "m2", A, "bw_zerg", B, "sc2_terran", 2)  # Bravo wins: the order flips
            done = time.monotonic()
            after = list(reversed(before))
            seen: dict[str, float] = {}

            async def both_follow() -> bool:
                for base in (one, two):
                    if base not in seen and await order(client, base) == after:
                        seen[base] = time.monotonic() - done
                return len(seen) == 2

            await eventually(both_follow, 1.0)
            assert set(seen) == {one, two}, f"not every process showed the new order within 1 s: {seen}"
            # A ban (a PlayerChanged, no rating change) takes the player off every board too.
            await ladder.admin.ban(0, B, True, "test")
            alone = [("Alpha", "bw_zerg")]

            async def both_alone() -> bool:
                return await order(client, one) == await order(client, two) == alone

            assert await eventually(both_alone, 1.0)
    finally:
        await ladder.stop()


async def test_workers_share_one_port_and_stop_cleanly(pg_url: str, tmp_path: Path) -> None:
    ladder = await _writer(pg_url, tmp_path)
    try:
        await play(ladder, "m1", A, "bw_zerg", B, "sc2_terran", 1)
        async with (
            web_process(pg_url, tmp_path, "--workers", "2", serving_lines=2) as (base, proc),
            httpx.AsyncClient(timeout=5) as client,
        ):
            for _ in range(10):  # new connections each time: whichever process accepts answers the same
                async with httpx.AsyncClient(timeout=5) as fresh:
                    assert await order(fresh, base) == [("Alpha", "bw_zerg"), ("Bravo", "sc2_terran")]
            assert (await client.get(f"{base}healthz")).status_code == 200
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 40) == 0
    finally:
        await ladder.stop()


async def test_a_listener_that_lost_its_connection_rebuilds(pg_url: str, tmp_path: Path) -> None:
    """In-process: kill the LISTEN connection; the listener reconnects, rebuilds, and follows again."""
    writer = await _writer(pg_url, tmp_path)
    reader = build(
        Settings(database_url=pg_url, data_dir=tmp_path, rating_model="elo", read_replica=True, _env_file=None)  # type: ignore[call-arg]
    )
    await reader.start(expiry_interval_s=3600, run_waves=False)
    try:
        listener = reader.replication
        assert isinstance(listener, ChangeListener)
        listener.reconnect_s = 0.05
        await listener._conn.close()  # the connection drops (server restart, network)
        await play(writer, "m1", A, "bw_zerg", B, "sc2_terran", 1)  # possibly missed while down

        async def both_ranked() -> bool:
            return reader.leaderboard.page().total_entries == 2

        assert await eventually(both_ranked, 5.0)
        assert [(r.player_id, r.race) for r in reader.leaderboard.page().rows] == [(A, "bw_zerg"), (B, "sc2_terran")]
        assert listener.rebuilds >= 1
        await play(writer, "m2", A, "bw_zerg", B, "sc2_terran", 2)

        async def flipped() -> bool:
            return reader.leaderboard.page().rows[0].player_id == B

        assert await eventually(flipped, 2.0)
        assert [r.player_id for r in reader.leaderboard.page().rows] == [B, A]
    finally:
        await reader.stop()
        await writer.stop()


async def test_a_read_replica_follows_a_season_rollover(pg_url: str, tmp_path: Path) -> None:
    """The writer starts a new season: a replica switches season, map pool and board, and serves the past one."""
    writer = await _writer(pg_url, tmp_path)
    reader = build(
        Settings(database_url=pg_url, data_dir=tmp_path, rating_model="elo", read_replica=True, _env_file=None)  # type: ignore[call-arg]
    )
    await reader.start(expiry_interval_s=3600, run_waves=False)
    try:
        await play(writer, "s1", A, "bw_zerg", B, "sc2_terran", 1)

        async def ranked() -> bool:
            return reader.leaderboard.page().total_entries == 2

        assert await eventually(ranked, 2.0)
        await writer.seasons.start_season(CONSOLE_ADMIN_ID, "season_1", "new maps")

        async def switched() -> bool:
            return reader.pack.current_season.code == "season_1" and reader.leaderboard.page().total_entries == 0

        assert await eventually(switched, 3.0)
        past = await reader.leaderboard.season_page("season_alpha")
        assert [(r.player_id, r.race) for r in past.rows] == [(A, "bw_zerg"), (B, "sc2_terran")]
        assert [x.code for x in reader.seasons.known()] == ["season_alpha", "season_1"]
    finally:
        await reader.stop()
        await writer.stop()


def test_payloads_stay_under_the_notify_limit_and_bad_ones_rebuild() -> None:
    ids = [10**19 + i for i in range(1000)]
    payloads = encode(ids, rebuild=True)
    assert all(len(p.encode()) < 8000 for p in payloads)
    decoded = [decode(p) for p in payloads]
    assert decoded[0] == ([], True)
    assert sorted(i for part, _ in decoded for i in part) == ids
    assert decode("not json") == ([], True)
