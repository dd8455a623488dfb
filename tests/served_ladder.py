"""A seeded ladder and its web app on an event loop of their own, in a background thread.

Why a thread: a real browser (Playwright's sync API) and schemathesis both drive the app from
synchronous code, while the ladder (SQLAlchemy's async engine, the event bus, the live hub) must live
on ONE event loop. So the ladder, the app and uvicorn run on a loop in a daemon thread, and the test
reaches them with :meth:`ServedLadder.run` (a coroutine run on that loop) or :attr:`ServedLadder.asgi`
(the app, callable from any other loop).
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.services.matches import MatchRequest
from evoladder.services.players import SetupInput
from evoladder.web import WebOptions, create_app
from evoladder.web.server import WebServer

T = TypeVar("T")

NAMES = ("Ares", "Boxer", "Crank", "Drone", "Ember", "Flash", "Glide", "Hydra", "Ion", "Jaedong",
         "Kitty", "Larva", "Marine", "Nexus", "Oracle", "Probe", "Queen", "Reaver")  # fmt: skip
HOMES = (("KR", "KRJ"), ("DE", "EUW"), ("US", "NAE"), ("KR", "KRJ"), ("FR", "EUW"), ("CA", "NAE"))
BW = ("bw_terran", "bw_zerg", "bw_protoss")
SC2 = ("sc2_terran", "sc2_zerg", "sc2_protoss")
FIRST_ID = 320000000000000001  # Discord-like snowflakes: they must never show on a page


@dataclass
class Seed:
    """Who and what the seeded ladder holds (Discord ids are secrets; pages show public ids)."""

    ids: list[PlayerId] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    matches: list[int] = field(default_factory=list)


async def seed(ladder: Ladder, clock: ManualClock, players: int = len(NAMES), matches: int = 30) -> Seed:
    """``players`` set-up players and ``matches`` decided BW-vs-SC2 matches (deterministic)."""
    rng = random.Random(9)
    out = Seed()
    for i in range(players):
        pid, name = PlayerId(FIRST_ID + i), NAMES[i]
        country, region = HOMES[i % len(HOMES)]
        await ladder.players.ensure(pid, f"discorduser{i}")
        await ladder.players.accept_tos(pid)
        await ladder.players.complete_setup(pid, SetupInput(name, f"{name}#{1000 + i}", country, region))
        out.ids.append(pid)
        out.names.append(name)
    for i in range(matches):
        clock.advance(minutes=20)
        p1, p2 = rng.sample(out.ids, 2)
        request = MatchRequest(p1, rng.choice(BW), p2, rng.choice(SC2), "Khione SEL", None, f"browser{i}")
        match = await ladder.matches.create(request)
        result = rng.choice((1, 1, 2, 2, 0))
        for pid in (p1, p2):
            await ladder.matches.confirm(match.id, pid)
        for pid in (p1, p2):
            await ladder.matches.report(match.id, pid, result)
        out.matches.append(match.id)
    return out


class OnLoop:
    """The ASGI app ``app``, run on ``loop`` whichever loop calls it; lifespan is answered here
    (the ladder's owner starts and stops it, not the ASGI server)."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.app, self.loop = app, loop

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": f"{message['type']}.complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        caller = asyncio.get_running_loop()

        async def on_caller(coro: Coroutine[Any, Any, T]) -> T:
            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, caller))

        async def receive_there() -> Any:
            return await on_caller(receive())

        async def send_there(message: Any) -> None:
            await on_caller(send(message))

        handled = asyncio.run_coroutine_threadsafe(self.app(scope, receive_there, send_there), self.loop)
        await asyncio.wrap_future(handled)


class ServedLadder:
    """Build, migrate-free start, seed and (optionally) serve over HTTP on 127.0.0.1:<free port>."""

    def __init__(self, db_url: str, data_dir: Path, *, serve: bool = True, players: int = len(NAMES),
                 matches: int = 30) -> None:  # fmt: skip
        self.db_url, self.data_dir, self.serve = db_url, data_dir, serve
        self.players, self.matches = players, matches
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="served-ladder", daemon=True)
        self.clock = ManualClock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=1))
        self.ladder: Ladder | None = None
        self.server: WebServer | None = None
        self.app: Any = None
        self.seeded = Seed()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run ``coro`` on the ladder's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    @property
    def url(self) -> str:
        assert self.server is not None, "built with serve=False"
        return self.server.url.rstrip("/")

    @property
    def asgi(self) -> OnLoop:
        return OnLoop(self.app, self.loop)

    def public_id(self, pid: PlayerId) -> str:
        assert self.ladder is not None
        return self.ladder.public_ids.encode(pid)

    def start(self) -> ServedLadder:
        self.thread.start()
        self.run(self._start(), timeout=180)
        return self

    async def _start(self) -> None:
        settings = Settings(  # type: ignore[call-arg]
            database_url=self.db_url, data_dir=self.data_dir, admin_ids=(999,), rating_model="elo", _env_file=None
        )
        self.ladder = build(settings, clock=self.clock)
        await self.ladder.start(expiry_interval_s=3600, run_waves=False)
        self.ladder.queue.inline_limit = 100  # pair in-process: no matcher process to spawn in a test
        self.seeded = await seed(self.ladder, self.clock, self.players, self.matches)
        self.app = create_app(self.ladder, WebOptions(expect_replay_workers=False))
        if self.serve:
            self.server = WebServer(self.app, "127.0.0.1", 0)
            await self.server.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            try:
                self.run(self._stop())
            finally:
                self.loop.call_soon_threadsafe(self.loop.stop)
                self.thread.join(10)
        if not self.thread.is_alive():
            self.loop.close()

    async def _stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
        elif self.app is not None:
            await self.app.state.web.stop()
        if self.ladder is not None:
            await self.ladder.stop()
