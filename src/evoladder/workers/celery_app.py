"""The Celery application of the distributed backend: one task, replay bytes in, summary dict out.

Built by ``create_app(redis_url)`` and never at import time, because its broker comes from the
settings (``evoladder worker`` builds it from ``EVOLADDER_REDIS_URL``; the service builds the same
one to send tasks). Redis is both the broker and the result backend; the service learns results
from the result backend's publications (see ``celery_backend``).

Worker side, as in the local pool: each prefork child runs under an address-space limit and starts
from a parent that has already imported and exercised sc2reader, and a task past its time limit is
killed by Celery (the child is replaced). The payload travels as base64 inside JSON: no pickle
crosses the broker in either direction.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from evoladder.domain.replay import ReplayUnreadable
from evoladder.workers.parse import MAX_REPLAY_BYTES, parse_replay_bytes

TASK_NAME = "evoladder.parse_replay"
DEFAULT_QUEUE = "evoladder.replays"
RESULT_TTL_S = 600
"""Results are read within seconds; keep them ten minutes for debugging, then let Redis drop them."""

log = logging.getLogger(__name__)
_child_memory_limit: int | None = 512 << 20


def create_app(
    redis_url: str,
    *,
    queue: str = DEFAULT_QUEUE,
    max_replay_bytes: int = MAX_REPLAY_BYTES,
    memory_limit_bytes: int | None = 512 << 20,
    results: bool = True,
) -> Celery:
    """A Celery app with the parse task registered, for both the service and ``evoladder worker``.

    Workers store results (``results=True``). The sending side passes ``results=False``: it reads
    results from their publications itself, and Celery's own result consumer would otherwise
    subscribe to every task it sends.
    """
    global _child_memory_limit
    _child_memory_limit = memory_limit_bytes
    app = Celery("evoladder", broker=redis_url, backend=redis_url if results else None, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=queue,
        task_create_missing_queues=True,
        worker_prefetch_multiplier=1,
        result_expires=RESULT_TTL_S,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        task_send_sent_event=False,
    )

    @app.task(name=TASK_NAME, ignore_result=False)  # type: ignore[untyped-decorator]
    def parse_replay(payload: str) -> dict[str, Any]:
        return parse_payload(payload, max_replay_bytes)

    return app


def encode_payload(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def parse_payload(payload: str, max_replay_bytes: int = MAX_REPLAY_BYTES) -> dict[str, Any]:
    """The task body: base64 replay bytes -> ``{"ok": true, "summary": {...}}`` or
    ``{"ok": false, "reason": "..."}`` (the file is unreadable). Never raises for a bad file."""
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return {"ok": False, "reason": "the upload was damaged in transit"}
    try:
        summary = parse_replay_bytes(data, max_bytes=max_replay_bytes)
    except ReplayUnreadable as exc:
        return {"ok": False, "reason": exc.reason}
    return {"ok": True, "summary": summary.to_dict()}


def warm_up() -> None:
    """Run the parse path once in the worker's parent so every forked child starts warm."""
    with contextlib.suppress(ReplayUnreadable):
        parse_replay_bytes(b"MPQ\x1b" + bytes(64))


def run_worker(app: Celery, *, concurrency: int, loglevel: str = "INFO", hostname: str | None = None) -> None:
    """Run a Celery worker for ``app`` in this process until it is told to stop (blocks)."""
    warm_up()
    queue = app.conf.task_default_queue
    argv = [
        "worker",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        f"--queues={queue}",
        f"--loglevel={loglevel}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if hostname:
        argv.append(f"--hostname={hostname}")
    app.worker_main(argv)


@worker_process_init.connect(weak=False)  # type: ignore[untyped-decorator]
def _limit_child_memory(**_: Any) -> None:
    """Each prefork child: cap its address space, so a decompression bomb ends in MemoryError."""
    if _child_memory_limit is None:
        return
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _child_memory_limit if hard == resource.RLIM_INFINITY else min(_child_memory_limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        log.warning("could not limit replay worker memory on this platform")
