"""Background-task helpers shared by the services and front-ends."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel ``task`` (if any) and wait until it has really stopped, so shutdown never races it."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class Periodic:
    """Calls ``tick`` every ``interval_s`` seconds in a background task until stopped.

    A failing tick is logged and the next one runs as planned, so one bad pass never ends the loop.
    ``start`` is idempotent (a Discord gateway reconnect fires ``on_ready`` again).
    """

    def __init__(self, interval_s: float, tick: Callable[[], Awaitable[object]], *, what: str) -> None:
        self.interval_s = interval_s
        self._tick = tick
        self._what = what
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=self._what)

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                await self._tick()
            except Exception:
                log.exception("%s failed; will retry", self._what)
