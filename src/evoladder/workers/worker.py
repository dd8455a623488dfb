"""The parser worker: the code that runs inside each ``ParserPool`` child process.

It serves jobs over the socketpair described in ``protocol``. It sets an address-space limit on
itself, so a decompression bomb that slips past ``mpq_guard`` ends in ``MemoryError`` (answered as
unreadable, then the worker exits to be replaced) instead of exhausting the host.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import time
from dataclasses import dataclass
from typing import Any

from evoladder.domain.replay import ReplayUnreadable
from evoladder.workers.parse import parse_replay_bytes
from evoladder.workers.protocol import receive_job, send_reply

TEST_HOOK_PREFIX = b"EVOLADDER-TEST-"
"""Payloads ``EVOLADDER-TEST-HANG``, ``-CRASH``, ``-SEGV``, ``-SLOW:<seconds>`` and ``-ALLOC:<MiB>``
make a worker misbehave, but only in pools built with ``test_hooks=True``; otherwise they are
plain garbage (and unreadable)."""


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to know; pickled once into the child at spawn."""

    max_replay_bytes: int
    memory_limit_bytes: int | None
    warmup_replay: bytes | None
    test_hooks: bool


def worker_main(sock: socket.socket, config: WorkerConfig) -> None:
    """Entry point of a worker process: warm up, announce readiness, then serve jobs until EOF."""
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit_memory(config.memory_limit_bytes)
    started = time.perf_counter()
    warmup_ok = _warm_up(config)
    # Everything alive now (sc2reader's modules and tables) lives as long as the worker: move it out
    # of the collector's reach, or the first full collection lands in a real parse (~12 ms).
    gc.collect()
    gc.freeze()
    send_reply(
        sock,
        {
            "type": "ready",
            "pid": os.getpid(),
            "warmup_ok": warmup_ok,
            "warmup_ms": round((time.perf_counter() - started) * 1000, 3),
        },
    )
    while (job := receive_job(sock)) is not None:
        job_id, payload = job
        reply = _handle(payload, config)
        reply["id"] = job_id
        send_reply(sock, reply)
        if reply.get("recycle"):
            return


def _handle(payload: bytes, config: WorkerConfig) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        if config.test_hooks and payload.startswith(TEST_HOOK_PREFIX):
            _misbehave(payload[len(TEST_HOOK_PREFIX) :])
        summary = parse_replay_bytes(payload, max_bytes=config.max_replay_bytes)
    except ReplayUnreadable as exc:
        # parse_replay_bytes raises "from None", which still keeps the original in __context__.
        recycle = isinstance(exc.__context__, MemoryError)
        return {"ok": False, "reason": exc.reason, "recycle": recycle, "ms": _ms(started)}
    except MemoryError:
        return {"ok": False, "reason": "the file needs too much memory to read", "recycle": True}
    return {"ok": True, "summary": summary.to_dict(), "ms": _ms(started)}


def _warm_up(config: WorkerConfig) -> bool:
    """Run the whole parse path once so the first real upload pays no lazy-initialisation cost."""
    with contextlib.suppress(ReplayUnreadable):
        parse_replay_bytes(b"MPQ\x1b" + bytes(64))
    if config.warmup_replay is None:
        return True
    try:
        parse_replay_bytes(config.warmup_replay, max_bytes=config.max_replay_bytes)
    except ReplayUnreadable:
        return False
    return True


def _misbehave(command: bytes) -> None:
    if command == b"HANG":
        while True:
            time.sleep(3600)
    elif command == b"CRASH":
        os._exit(70)
    elif command == b"SEGV":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif command.startswith(b"SLOW:"):
        time.sleep(float(command[5:] or b"0"))
    elif command.startswith(b"ALLOC:"):
        bytearray(int(command[6:]) << 20)


def _limit_memory(limit: int | None) -> None:
    if limit is None:
        return
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass  # not available on this platform: the parse timeout still bounds the damage


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
