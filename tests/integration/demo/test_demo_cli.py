"""``evoladder run --demo`` end to end, and the refusals that keep demo and real ladders apart."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import httpx
from demo_support import SMALL, settings_for
from typer.testing import CliRunner

from evoladder.app import build
from evoladder.cli.main import app
from evoladder.config import Settings
from evoladder.demo.setup import prepare
from evoladder.domain.ids import PlayerId
from evoladder.services.demo_guard import DemoGuard
from evoladder.store.schema import upgrade

runner = CliRunner()
CHILD = [sys.executable, "-c", "from evoladder.cli.main import app; app()", "run", "--demo"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVOLADDER_")}
    env.update(EVOLADDER_DATA_DIR=str(tmp_path), EVOLADDER_LOG_LEVEL="WARNING", **extra)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_normal_run_refuses_a_demo_database_and_never_starts_the_bot(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ladder.db'}"
    upgrade(url)

    async def mark() -> None:
        ladder = build(Settings(database_url=url, data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
        try:
            await DemoGuard(ladder.ctx).claim_for_demo()
        finally:
            await ladder.db.dispose()

    asyncio.run(mark())
    env = {"EVOLADDER_DATABASE_URL": url, "EVOLADDER_DATA_DIR": str(tmp_path), "EVOLADDER_WEB_PORT": str(_free_port()),
           "EVOLADDER_DISCORD_TOKEN": "not-a-token"}  # fmt: skip
    result = runner.invoke(app, ["run"], env=env)
    assert result.exit_code == 2
    assert "This database is a demo ladder" in result.output and "evoladder run --demo" in result.output
    assert "Discord bot: starting" not in result.output and "Web: serving" not in result.output


def test_run_demo_refuses_a_real_ladder_in_the_demo_files_place(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)

    async def add_player() -> None:
        ladder = build(Settings(database_url=url, data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
        try:
            await ladder.players.ensure(PlayerId(310000000000000001), "real")
        finally:
            await ladder.db.dispose()

    asyncio.run(add_player())
    result = runner.invoke(app, ["run", "--demo-reset"], env={"EVOLADDER_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "no demo marker" in result.output
    assert (tmp_path / "demo.db").exists()


async def test_run_demo_serves_a_moving_ladder_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    await prepare(settings_for(tmp_path), cfg=SMALL, echo=lambda _: None)  # small and fast; the run continues it
    port = _free_port()
    configured = tmp_path / "real-ladder.db"
    env = _env(tmp_path, EVOLADDER_WEB_PORT=str(port), EVOLADDER_DISCORD_TOKEN="not-a-token",
               EVOLADDER_DATABASE_URL=f"sqlite:///{configured}")  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        *CHILD, cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    assert proc.stdout is not None
    out: list[str] = []
    try:
        began = time.monotonic()
        while not any("Web: serving on" in line for line in out):
            line = await asyncio.wait_for(proc.stdout.readline(), 60)
            assert line, "".join(out)
            out.append(line.decode())
        assert f"http://127.0.0.1:{port}/" in "".join(out)
        assert "continuing the demo ladder (60 players" in "".join(out)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            page = await client.get("/")
            assert page.status_code == 200 and "Demo ladder: simulated players." in page.text
            waiting = 0
            for _ in range(50):  # the driver queues its first players at once
                waiting = (await client.get("/api/v1/queue")).json()["waiting"]
                if waiting:
                    break
                await asyncio.sleep(0.1)
            assert waiting > 0
        started_in = time.monotonic() - began
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        rest = await asyncio.wait_for(proc.stdout.read(), 30)
        out.append(rest.decode())
        code = await asyncio.wait_for(proc.wait(), 30)
    assert code == 0, "".join(out)
    assert "evoladder stopped cleanly." in "".join(out)
    assert "Discord bot: off (never in demo mode)." in "".join(out)  # even with a token set
    assert "Discord bot: starting" not in "".join(out)
    assert not configured.exists()  # the configured ladder database was never touched
    assert started_in < 60
