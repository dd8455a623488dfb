"""``ParserPool``: pre-warmed replay-parser processes behind an asyncio API.

Why not ``concurrent.futures.ProcessPoolExecutor``: when one of its workers dies the whole executor
breaks (``BrokenProcessPool``), and it cannot stop one hung task. Here each worker is a process we
own with its own socketpair: a hung worker is killed at the timeout, a dead one is replaced, and
only the parse it was running fails.

The event loop never blocks: frames go over the socketpair with asyncio streams; process start and
join run in one dedicated thread (not several: multiprocessing's forkserver reads a child's exit
status from a pipe, and two threads polling one child, as ``Process.start`` does, can lose it).

Workers start from a forkserver that has already imported sc2reader (``spawn`` where there is no
forkserver; never ``fork``, unsafe in a threaded asyncio process), then parse a dummy payload (or
``warmup_replay``) before announcing readiness, so neither the first parse nor a replacement worker
pays sc2reader's ~200 ms import. As with any multiprocessing program, the main module must be
importable without side effects (``if __name__ == "__main__":``).

Failure policy: a timeout or crash raises ``ReplayParseFailed`` at once and is **not retried**: the
likeliest cause is the file itself, and a retry would take a second worker down with it; callers
who want one retry do it themselves. ``parse`` raises ``ParserBusy`` without queueing when
``max_pending`` parses are waiting or running; ``timeout`` bounds worker time, not queue time.

Requires a selector- or uvloop-based event loop with Unix sockets (Linux, macOS).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import wait as wait_for_sentinels
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from evoladder.domain.replay import ReplaySummary, ReplayUnreadable
from evoladder.workers.errors import ParserBusy, ReplayParseFailed
from evoladder.workers.parse import MAX_REPLAY_BYTES
from evoladder.workers.protocol import ProtocolError, job_frame, read_reply
from evoladder.workers.worker import WorkerConfig, worker_main

log = logging.getLogger(__name__)
_T = TypeVar("_T")


@dataclass(frozen=True)
class PoolStats:
    """A snapshot of the pool, for metrics and admin commands."""

    workers: int
    workers_alive: int
    restarts: int
    in_flight: int
    queued: int
    parsed: int
    unreadable: int
    failed: int
    timeouts: int
    crashes: int
    busy_rejections: int


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    info: dict[str, Any]


class ParserPool:
    """A fixed number of replay-parser processes; see the module docstring for the guarantees.

    Lifecycle: ``await start()`` once, ``await parse(...)`` any number of times from any task,
    ``await stop()`` once (also via ``async with``). ``test_hooks=True`` makes workers honour the
    sentinel payloads in ``worker.TEST_HOOK_PREFIX``; never set it outside tests.
    """

    def __init__(
        self,
        workers: int = 2,
        *,
        max_pending: int = 32,
        start_method: str | None = None,
        memory_limit_bytes: int | None = 512 << 20,
        max_replay_bytes: int = MAX_REPLAY_BYTES,
        warmup_replay: bytes | None = None,
        start_timeout: float = 30.0,
        test_hooks: bool = False,
    ) -> None:
        if workers < 1 or max_pending < 1:
            raise ValueError("workers and max_pending must be at least 1")
        methods = multiprocessing.get_all_start_methods()
        self._method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
        self._context = _context_for(self._method)
        self._size = workers
        self._max_pending = max_pending
        self._max_replay_bytes = max_replay_bytes
        self._start_timeout = start_timeout
        self._config = WorkerConfig(max_replay_bytes, memory_limit_bytes, warmup_replay, test_hooks)
        self._state = "new"
        self._workers: set[_Worker] = set()
        self._idle: asyncio.Queue[_Worker | None] = asyncio.Queue()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._job_seq = 0
        self._pending = self._queued = self._in_flight = 0
        self._parsed = self._unreadable = self._timeouts = self._crashes = 0
        self._restarts = self._busy = 0
        self._lifecycle: ThreadPoolExecutor | None = None
        self._drained = asyncio.Event()

    async def __aenter__(self) -> ParserPool:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Spawn and warm every worker; returns once all are ready. Raises if any fails to start."""
        if self._state != "new":
            raise RuntimeError(f"ParserPool.start() called in state {self._state!r}")
        self._state = "starting"
        self._lifecycle = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parser-lifecycle")
        if self._method == "forkserver":
            # Only takes effect if this process's forkserver is not running yet (it is shared).
            self._context.set_forkserver_preload(["evoladder.workers.worker"])
        results = await asyncio.gather(*(self._spawn() for _ in range(self._size)), return_exceptions=True)
        started = [r for r in results if isinstance(r, _Worker)]
        if len(started) < self._size:
            for worker in started:
                await self._close_worker(worker, kill=True)
            self._lifecycle.shutdown(wait=False)
            self._state = "stopped"
            error = next(r for r in results if isinstance(r, BaseException))
            raise ReplayParseFailed("not_running", f"a parser worker failed to start: {error}")
        for worker in started:
            self._workers.add(worker)
            self._idle.put_nowait(worker)
        self._state = "running"

    async def parse(self, data: bytes, timeout: float = 2.5) -> ReplaySummary:  # noqa: ASYNC109
        """Parse ``data`` in a worker within ``timeout`` seconds of worker time.

        Raises ``ReplayUnreadable`` (bad file), ``ParserBusy`` (too many pending; nothing queued)
        or ``ReplayParseFailed`` (timeout, crash, not running). ``timeout`` is ours, not the caller's
        ``asyncio.timeout``, because on expiry the worker must be killed. Cancelling the caller
        does not disturb the worker: its answer is read and discarded.
        """
        if self._state != "running":
            raise ReplayParseFailed("not_running", "the replay parser is not running")
        if not data:
            raise ReplayUnreadable("the file is empty")
        if len(data) > self._max_replay_bytes:
            raise ReplayUnreadable(f"the file is larger than {self._max_replay_bytes >> 20} MiB")
        if self._pending >= self._max_pending:
            self._busy += 1
            raise ParserBusy(self._pending, self._max_pending)
        self._pending += 1
        try:
            worker = await self._acquire()
            job = self._own(asyncio.create_task(self._run(worker, bytes(data), timeout)))
            return await asyncio.shield(job)
        finally:
            self._pending -= 1
            self._check_drained()

    def stats(self) -> PoolStats:
        """Counters since start; ``failed`` = timeouts + crashes (not unreadable files)."""
        return PoolStats(
            workers=self._size,
            workers_alive=sum(1 for w in self._workers if not _ended(w.process)),
            restarts=self._restarts,
            in_flight=self._in_flight,
            queued=self._queued,
            parsed=self._parsed,
            unreadable=self._unreadable,
            failed=self._timeouts + self._crashes,
            timeouts=self._timeouts,
            crashes=self._crashes,
            busy_rejections=self._busy,
        )

    def worker_info(self) -> tuple[dict[str, Any], ...]:
        """Each current worker's readiness report: ``pid``, ``warmup_ok``, ``warmup_ms``."""
        return tuple(dict(w.info) for w in self._workers)

    async def stop(self, grace: float = 5.0) -> None:
        """Stop accepting parses, let pending ones finish for up to ``grace`` s, then end workers.

        Parses still running after ``grace`` fail with ``ReplayParseFailed``. Idempotent.
        """
        if self._state in ("new", "stopped", "stopping"):
            self._state = "stopped"
            return
        self._state = "stopping"
        self._check_drained()
        drained = True
        try:
            async with asyncio.timeout(grace):
                await self._drained.wait()
        except TimeoutError:
            drained = False
            log.warning("replay parser stopping with %d parse(s) unfinished", self._pending + self._in_flight)
        for _ in range(self._queued):
            self._idle.put_nowait(None)
        # Idle workers exit when their socket closes; after the grace period, busy ones are killed.
        await asyncio.gather(*(self._close_worker(w, kill=not drained) for w in list(self._workers)))
        # Jobs cut short above fail and schedule replacements; those see the state and return.
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._lifecycle is not None:
            self._lifecycle.shutdown(wait=False)
        self._state = "stopped"

    # -- internals -------------------------------------------------------------------------

    async def _acquire(self) -> _Worker:
        """The next idle worker. One found dead while idle (say, by the OOM killer) is replaced
        rather than handed a parse it would fail."""
        while True:
            self._queued += 1
            try:
                worker = await self._idle.get()
            finally:
                self._queued -= 1
            if worker is None:
                raise ReplayParseFailed("not_running", "the replay parser stopped")
            if not _ended(worker.process):
                return worker
            self._retire(worker)

    def _check_drained(self) -> None:
        if self._pending == 0 and self._in_flight == 0:
            self._drained.set()
        else:
            self._drained.clear()

    def _own(self, task: asyncio.Task[Any]) -> asyncio.Task[Any]:
        self._tasks.add(task)
        task.add_done_callback(self._forget)
        return task

    def _forget(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved, so an abandoned job's error is not logged as unhandled

    async def _run(self, worker: _Worker, data: bytes, timeout: float) -> ReplaySummary:  # noqa: ASYNC109
        self._job_seq += 1
        job_id = self._job_seq
        self._in_flight += 1
        try:
            async with asyncio.timeout(timeout):
                worker.writer.write(job_frame(job_id, data))
                await worker.writer.drain()
                reply = await read_reply(worker.reader)
        except TimeoutError:
            self._timeouts += 1
            self._retire(worker)
            raise ReplayParseFailed("timeout", f"no answer within {timeout:g} s") from None
        except (asyncio.IncompleteReadError, OSError):
            self._crashes += 1
            code = await self._reap(worker)
            raise ReplayParseFailed("worker_died", f"the parser process ended (exit code {code})") from None
        except ProtocolError:
            self._crashes += 1
            self._retire(worker)
            raise ReplayParseFailed("protocol", "the parser process sent a malformed answer") from None
        finally:
            self._in_flight -= 1
            self._check_drained()
        return self._settle(worker, job_id, reply)

    def _settle(self, worker: _Worker, job_id: int, reply: dict[str, Any]) -> ReplaySummary:
        if reply.get("id") != job_id:
            self._crashes += 1
            self._retire(worker)
            raise ReplayParseFailed("protocol", "the parser process answered the wrong job")
        if reply.get("recycle"):
            self._retire(worker)
        elif self._state in ("running", "stopping"):
            self._idle.put_nowait(worker)
        if not reply.get("ok"):
            self._unreadable += 1
            raise ReplayUnreadable(str(reply.get("reason", "unknown reason")))
        try:
            summary = ReplaySummary.from_dict(reply["summary"])
        except (KeyError, TypeError, ValueError) as exc:
            self._crashes += 1
            raise ReplayParseFailed("protocol", f"bad summary from the parser: {exc}") from None
        self._parsed += 1
        return summary

    async def _spawn(self) -> _Worker:
        parent_sock, child_sock = socket.socketpair()
        process = self._context.Process(
            target=worker_main, args=(child_sock, self._config), name="evoladder-parser", daemon=True
        )
        try:
            await self._in_lifecycle(process.start)
        except BaseException:
            parent_sock.close()
            raise
        finally:
            child_sock.close()
        reader, writer = await asyncio.open_unix_connection(sock=parent_sock)
        worker = _Worker(process, reader, writer, {})
        try:
            async with asyncio.timeout(self._start_timeout):
                ready = await read_reply(reader)
        except BaseException:
            await self._close_worker(worker, kill=True)
            raise
        if ready.get("type") != "ready":
            await self._close_worker(worker, kill=True)
            raise ReplayParseFailed("protocol", "a parser worker did not report ready")
        worker.info = ready
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` now and start a replacement in the background."""
        self._workers.discard(worker)
        worker.writer.close()
        _kill(worker.process)
        self._own(asyncio.create_task(self._replace(worker), name="parser-replace"))

    async def _reap(self, worker: _Worker) -> int | None:
        """For a worker that died: learn its exit code (it is exiting already), then replace it."""
        self._workers.discard(worker)
        worker.writer.close()
        code = await self._in_lifecycle(_join, worker.process, 1.0)
        if code is None:
            _kill(worker.process)
        self._own(asyncio.create_task(self._replace(worker), name="parser-replace"))
        return code

    async def _replace(self, old: _Worker) -> None:
        code = await self._in_lifecycle(_join, old.process, 5.0)
        log.warning("replay parser worker %s ended (exit code %s); replacing it", old.process.pid, code)
        delay = 0.1
        while self._state == "running":
            try:
                worker = await self._spawn()
            except Exception:
                log.exception("could not start a replacement replay parser worker; retrying in %.1f s", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            if self._state != "running":
                await self._close_worker(worker, kill=False)
                return
            self._restarts += 1
            self._workers.add(worker)
            self._idle.put_nowait(worker)
            return

    async def _close_worker(self, worker: _Worker, *, kill: bool) -> None:
        """End one worker: closing its socket asks it to exit; kill if asked or if it lingers."""
        self._workers.discard(worker)
        worker.writer.close()
        if kill:
            _kill(worker.process)
        if await self._in_lifecycle(_join, worker.process, 2.0) is None:
            _kill(worker.process)
            await self._in_lifecycle(_join, worker.process, 2.0)

    async def _in_lifecycle(self, fn: Callable[..., _T], *args: Any) -> _T:
        """Run a blocking process-management call on the pool's single lifecycle thread."""
        return await asyncio.get_running_loop().run_in_executor(self._lifecycle, fn, *args)


def _context_for(method: str) -> ForkServerContext | SpawnContext:
    if method == "forkserver":
        return multiprocessing.get_context("forkserver")
    if method == "spawn":
        return multiprocessing.get_context("spawn")
    raise ValueError(f"unsupported start method {method!r}: use 'forkserver' or 'spawn'")


def _join(process: BaseProcess, timeout: float) -> int | None:
    """Wait for ``process`` to end; its exit code, or None if it is still running."""
    process.join(timeout)
    return process.exitcode


def _ended(process: BaseProcess) -> bool:
    """Whether ``process`` has ended, from its sentinel, which (unlike ``is_alive``) reads nothing."""
    return bool(wait_for_sentinels([process.sentinel], 0))


def _kill(process: BaseProcess) -> None:
    if not _ended(process):
        process.kill()
