"""Two views of event-loop blocking, shared by the benchmarks.

* :class:`CallbackTimer` times every callback the loop runs (by wrapping ``asyncio.Handle._run``):
  the longest one is exactly how long the loop was blocked by our code. CPU time (``thread_time``)
  separates our work from time the OS gave other processes.
* :func:`ticker` sleeps 1 ms at a time and records how late each wake-up is: what a user of the
  loop would feel on this machine, including other processes' load.
"""

from __future__ import annotations

import asyncio
import time
from array import array
from collections.abc import Iterator, MutableSequence, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


class CallbackTimer:
    """Times every callback the event loop runs while installed."""

    def __init__(self) -> None:
        # arrays, not lists: a list of 300,000 floats is a container every full garbage collection walks
        # (~1 ms per 300,000 items), so the probe itself would lengthen the pauses it measures
        self.wall = array("d")
        self.cpu = array("d")

    @contextmanager
    def installed(self) -> Iterator[None]:
        original = asyncio.Handle._run
        timer = self

        def timed_run(handle: asyncio.Handle) -> None:
            w, c = time.perf_counter(), time.thread_time()
            try:
                original(handle)
            finally:
                timer.wall.append(time.perf_counter() - w)
                timer.cpu.append(time.thread_time() - c)

        asyncio.Handle._run = timed_run  # type: ignore[method-assign]
        try:
            yield
        finally:
            asyncio.Handle._run = original  # type: ignore[method-assign]

    def summary(self) -> dict[str, Any]:
        return {
            "callbacks": len(self.wall),
            "callback_max_ms": ms(max(self.wall, default=0.0)),
            "callback_p99_ms": ms(pct(self.wall, 99)),
            "callback_cpu_max_ms": ms(max(self.cpu, default=0.0)),
            "callbacks_over_2ms_cpu": sum(1 for c in self.cpu if c > 0.002),
        }


async def ticker(stop: asyncio.Event, lags: MutableSequence[float]) -> None:
    """Pass an ``array('d')`` as ``lags`` for long runs (see ``CallbackTimer``)."""
    while not stop.is_set():
        t = time.perf_counter()
        await asyncio.sleep(0.001)
        lags.append(max(0.0, time.perf_counter() - t - 0.001))


def lag(lags: Sequence[float]) -> dict[str, float]:
    return {"ticker_lag_p99_ms": ms(pct(lags, 99)), "ticker_lag_max_ms": ms(max(lags, default=0.0))}
