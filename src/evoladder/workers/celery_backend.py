"""``CeleryParseBackend``: the parse-job interface over Celery workers and a Redis broker.

Sending: ``send_task`` is blocking (kombu), so it runs on one dedicated thread; the event loop only
hands it the message. Task ids are ``<client id>-<n>``, unique to this process.

Receiving without blocking and without polling: Celery's Redis result backend publishes every
result (JSON) on a channel named after the result's key, ``celery-task-meta-<task id>``. The backend
subscribes once, by pattern, to the keys of its own task ids (``celery-task-meta-<client id>-*``)
and resolves the waiting parse when its result arrives. Failures Celery
reports itself arrive the same way: a child killed at the time limit (``TimeLimitExceeded``) or
dying (``WorkerLostError``). Results are decoded as JSON, never unpickled.

If no result comes within the parse timeout plus ``reply_wait_s`` (no worker running, a long
backlog), the parse fails with ``not_running``: the replay stays pending and is sent again later.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import redis.asyncio as aioredis
from celery.backends.base import KeyValueStoreBackend

from evoladder.domain.replay import ReplaySummary, ReplayUnreadable
from evoladder.workers.celery_app import DEFAULT_QUEUE, TASK_NAME, create_app, encode_payload
from evoladder.workers.errors import ParserBusy, ReplayParseFailed

log = logging.getLogger(__name__)

_KILLED = {"TimeLimitExceeded": "timeout", "SoftTimeLimitExceeded": "timeout", "WorkerLostError": "worker_died"}


class CeleryParseBackend:
    name = "celery"

    def __init__(
        self,
        redis_url: str,
        *,
        queue: str = DEFAULT_QUEUE,
        max_pending: int = 100,
        reply_wait_s: float = 30.0,
    ) -> None:
        self.redis_url = redis_url
        self.queue = queue
        self.app = create_app(redis_url, queue=queue, results=False)
        self._max_pending = max_pending
        self.reply_wait_s = reply_wait_s
        self._client_id = f"evl-{uuid.uuid4().hex[:16]}"
        self._seq = itertools.count(1)
        self._waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._redis: aioredis.Redis | None = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._sender: ThreadPoolExecutor | None = None
        self._prefix = KeyValueStoreBackend.task_keyprefix.encode()
        self._counts = dict.fromkeys(("sent", "parsed", "unreadable", "timeouts", "crashes", "no_answer", "busy"), 0)

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Connect to Redis, subscribe to our results, open the broker connection. Raises
        ``ReplayParseFailed("not_running")`` if Redis does not answer."""
        self._redis = aioredis.Redis.from_url(self.redis_url)
        try:
            await self._redis.ping()
            self._pubsub = self._redis.pubsub()
            await self._pubsub.psubscribe(self._prefix + f"{self._client_id}-*".encode())
        except (OSError, aioredis.RedisError) as exc:
            await self._redis.aclose()
            self._redis = None
            raise ReplayParseFailed(
                "not_running", f"Redis at {self.redis_url} (EVOLADDER_REDIS_URL) does not answer: {exc}"
            ) from None
        self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="celery-send")
        self._reader = asyncio.get_running_loop().create_task(self._read_results(), name="celery-results")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._sender, self._warm_producer)

    def _warm_producer(self) -> None:
        with self.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)

    async def stop(self) -> None:
        for future in self._waiters.values():
            if not future.done():
                future.set_exception(ReplayParseFailed("not_running", "the replay checker stopped"))
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
            self._pubsub = None
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
        if self._sender is not None:
            sender, self._sender = self._sender, None
            await asyncio.get_running_loop().run_in_executor(None, functools.partial(sender.shutdown, wait=True))
        with contextlib.suppress(Exception):
            self.app.close()

    # ------------------------------------------------------------------ parsing
    async def parse(self, data: bytes, timeout: float) -> ReplaySummary:  # noqa: ASYNC109
        if self._sender is None or self._reader is None:
            raise ReplayParseFailed("not_running", "the replay checker is not running")
        if not data:
            raise ReplayUnreadable("the file is empty")
        if len(self._waiters) >= self._max_pending:
            self._counts["busy"] += 1
            raise ParserBusy(len(self._waiters), self._max_pending)
        task_id = f"{self._client_id}-{next(self._seq)}"
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        self._waiters[task_id] = future
        try:
            send = functools.partial(
                self.app.send_task,
                TASK_NAME,
                args=[encode_payload(data)],
                task_id=task_id,
                queue=self.queue,
                time_limit=max(1, round(timeout + 0.5)),
            )
            try:
                await loop.run_in_executor(self._sender, send)
            except Exception as exc:
                raise ReplayParseFailed("not_running", f"could not reach the Celery broker: {exc}") from None
            self._counts["sent"] += 1
            try:
                async with asyncio.timeout(timeout + self.reply_wait_s):
                    meta = await future
            except TimeoutError:
                self._counts["no_answer"] += 1
                raise ReplayParseFailed(
                    "not_running", f"no Celery worker answered within {timeout + self.reply_wait_s:g} s"
                ) from None
        finally:
            self._waiters.pop(task_id, None)
        return self._settle(meta)

    def _settle(self, meta: dict[str, Any]) -> ReplaySummary:
        status, result = meta.get("status"), meta.get("result")
        if status != "SUCCESS":
            exc_type = result.get("exc_type") if isinstance(result, dict) else None
            reason = _KILLED.get(str(exc_type), "worker_died")
            self._counts["timeouts" if reason == "timeout" else "crashes"] += 1
            raise ReplayParseFailed(reason, f"the Celery task ended with {exc_type or status}")
        if not isinstance(result, dict):
            self._counts["crashes"] += 1
            raise ReplayParseFailed("protocol", "the Celery worker sent a malformed answer")
        if not result.get("ok"):
            self._counts["unreadable"] += 1
            raise ReplayUnreadable(str(result.get("reason", "unknown reason")))
        try:
            summary = ReplaySummary.from_dict(result["summary"])
        except (KeyError, TypeError, ValueError) as exc:
            self._counts["crashes"] += 1
            raise ReplayParseFailed("protocol", f"bad summary from the Celery worker: {exc}") from None
        self._counts["parsed"] += 1
        return summary

    async def _read_results(self) -> None:
        """Resolve waiting parses as their results are published (one subscription for all)."""
        while True:
            try:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reading Celery results from Redis failed; retrying")
                await asyncio.sleep(0.5)
                continue
            if not message or message.get("type") != "pmessage":
                continue
            channel = bytes(message["channel"])
            task_id = channel[len(self._prefix) :].decode("utf-8", "replace")
            future = self._waiters.get(task_id)
            if future is None or future.done():
                continue
            try:
                meta = json.loads(message["data"])
            except ValueError as exc:
                future.set_exception(ReplayParseFailed("protocol", f"undecodable Celery result: {exc}"))
                continue
            if isinstance(meta, dict) and meta.get("status") in ("SUCCESS", "FAILURE", "REVOKED"):
                future.set_result(meta)

    def stats(self) -> dict[str, Any]:
        return {"backend": self.name, "in_flight": len(self._waiters), "max_pending": self._max_pending, **self._counts}
