"""Event-loop lag: a task that sleeps a fixed interval and records how late it wakes up.

Lateness is what every other coroutine on the loop (the bot's gateway, waves, web requests) waits
beyond what it asked for, so it is the figure that says whether something blocks the loop. The
probe costs one wake-up per ``interval_s`` (0.1 s: ten tiny callbacks a second). Wall time
(``perf_counter``), not the ladder's clock: a manual test clock must not fake lag.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from evoladder.services.tasks import cancel_and_wait


class LoopLagProbe:
    """Owned by whoever starts it (the web app); :meth:`stop` cancels the task. Idempotent both ways."""

    def __init__(self, on_sample: Callable[[float], None], *, interval_s: float = 0.1) -> None:
        self.on_sample = on_sample
        self.interval_s = interval_s
        self.last_s = 0.0
        self.max_s = 0.0
        self.samples = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-lag-probe")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(self.interval_s)
            lag = max(0.0, time.perf_counter() - asked - self.interval_s)
            self.last_s, self.max_s, self.samples = lag, max(self.max_s, lag), self.samples + 1
            self.on_sample(lag)
