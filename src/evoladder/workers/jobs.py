"""The parse-job interface the replay service uses, and its local (process pool) implementation.

One small contract, two backends chosen by ``Settings.job_backend``:

- ``LocalParseBackend`` (``local``): the ``ParserPool`` of this machine. Right for one machine.
- ``CeleryParseBackend`` (``celery``, in ``celery_backend``): Celery workers behind a Redis broker,
  on any number of machines.

Both answer ``parse(data, timeout)`` with a ``ReplaySummary`` or raise one of three errors, which
the service treats alike whichever backend runs:

- ``ReplayUnreadable``: the file is bad; final.
- ``ParserBusy``: the backend's bounded queue is full; nothing was queued, try later.
- ``ReplayParseFailed``: the parse did not finish. ``reason`` ``timeout``/``worker_died``/``protocol``
  may be the file's fault (the service retries once, then asks an admin); ``not_running`` is ours
  (stopped, or no worker answering) and the job simply stays pending.

Durability is not the backend's job: the service's pending replay rows are the queue of record,
and a job lost with a backend (a restart, a Redis flush) is sent again from its row.
"""

from __future__ import annotations

import contextlib
import os
from multiprocessing import spawn
from typing import Any, Protocol

from evoladder.domain.replay import ReplaySummary
from evoladder.workers.pool import ParserPool


class ParseBackend(Protocol):
    name: str

    async def start(self) -> None:
        """Make workers ready (warm), so the first upload pays no start-up cost."""
        ...

    async def parse(self, data: bytes, timeout: float) -> ReplaySummary:  # noqa: ASYNC109
        """Parse in a worker within ``timeout`` seconds of worker time; see the module docstring."""
        ...

    async def stop(self) -> None: ...

    def stats(self) -> dict[str, Any]:
        """Counters for health checks and benchmarks."""
        ...


WORKER_NICENESS = 10
"""How much lower than the service the parser workers run (``nice``). Parsing is background work:
when the machine is busy, the event loop that answers players gets the CPU first. An idle machine
still gives the workers every free cycle, so throughput is unchanged there."""


class LocalParseBackend:
    """``ParserPool`` behind the job interface: pre-warmed, lower-priority processes on this machine."""

    name = "local"

    def __init__(
        self,
        workers: int,
        *,
        max_pending: int,
        max_replay_bytes: int,
        warmup_replay: bytes | None = None,
        test_hooks: bool = False,
    ) -> None:
        self.pool = ParserPool(
            workers,
            max_pending=max_pending,
            max_replay_bytes=max_replay_bytes,
            warmup_replay=warmup_replay,
            test_hooks=test_hooks,
        )
        self._reniced: set[int] = set()

    async def start(self) -> None:
        _parser_workers_skip_main()
        await self.pool.start()
        self._renice_new_workers()

    async def parse(self, data: bytes, timeout: float) -> ReplaySummary:  # noqa: ASYNC109
        try:
            return await self.pool.parse(data, timeout)
        finally:
            self._renice_new_workers()  # a crashed worker's replacement starts at normal priority

    def _renice_new_workers(self) -> None:
        current = set(self.worker_pids())
        for pid in current - self._reniced:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS))
        self._reniced = current

    async def stop(self) -> None:
        await self.pool.stop()

    def stats(self) -> dict[str, Any]:
        stats = self.pool.stats()
        return {"backend": self.name, **{k: getattr(stats, k) for k in stats.__dataclass_fields__}}

    def worker_pids(self) -> list[int]:
        return [int(info["pid"]) for info in self.pool.worker_info() if "pid" in info]


PARSER_PROCESS_NAME = "evoladder-parser"
"""The name ``ParserPool`` gives its worker processes."""


def _parser_workers_skip_main() -> None:
    """Let parser workers start without re-running the main module. Installed once; idempotent.

    Why: a forkserver or spawn child first re-imports the parent's ``__main__`` (multiprocessing's
    "main module fix-up"). Under ``evoladder run`` that is the CLI, which imports the whole
    application: each parser worker, and each replacement of a crashed one, would pay about a second
    and hold ~90 MB of modules it never uses. The documented remedy, ``set_forkserver_preload(
    ["__main__", ...])``, is silently ignored by Python 3.11 (``ForkServer.ensure_running`` looks for
    a ``main_path`` key that ``get_preparation_data`` never produces). The worker's entry point lives
    in ``evoladder.workers.worker`` and needs nothing from ``__main__``, so for processes named
    ``evoladder-parser`` only, the fix-up is dropped from the preparation data; every other process
    is prepared exactly as before.
    """
    if getattr(spawn.get_preparation_data, "evoladder_skips_main", False):
        return
    original = spawn.get_preparation_data

    def get_preparation_data(name: str) -> dict[str, Any]:
        data: dict[str, Any] = original(name)
        if name == PARSER_PROCESS_NAME:
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    get_preparation_data.evoladder_skips_main = True  # type: ignore[attr-defined]
    spawn.get_preparation_data = get_preparation_data


def make_backend(
    kind: str,
    *,
    workers: int,
    max_pending: int,
    max_replay_bytes: int,
    redis_url: str,
    queue: str,
) -> ParseBackend:
    """The backend ``Settings.job_backend`` names. Celery is imported only when it is chosen."""
    if kind == "local":
        return LocalParseBackend(workers, max_pending=max_pending, max_replay_bytes=max_replay_bytes)
    if kind == "celery":
        from evoladder.workers.celery_backend import CeleryParseBackend

        return CeleryParseBackend(redis_url, queue=queue, max_pending=max_pending)
    raise ValueError(f"unknown job backend {kind!r}: use 'local' or 'celery'")
