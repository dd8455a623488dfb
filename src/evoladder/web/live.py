"""The live queue panel's Server-Sent Events: one hub per app, one small generator per open stream.

Push, not poll: the hub listens to the ladder's event bus (``QueueChanged`` from joins, leaves and
waves; ``MatchChanged`` for matches starting and ending) and wakes every stream; each stream then
re-reads the in-memory snapshot and sends it only if it differs from what that client last got.

* **Coalescing**: after a wake-up a stream waits ``min_interval_s`` (0.25 s) before reading, so a
  wave that creates fifty matches costs one event per client, not fifty.
* **Shared rendering**: the snapshot and its HTML (per language) are built once per change and
  shared by every stream, so a change costs one render per language, not one per client.
* **Keep-alive**: a comment line every ``keepalive_s`` (15 s) when nothing changed, so proxies do
  not close an idle stream; it is also how a vanished client is noticed on servers that only see a
  disconnect on write.
* **Cap**: at most ``max_streams`` open streams; the next one gets 503 with ``Retry-After``.
* **Disconnects and shutdown**: Starlette cancels a stream's generator when the client goes away
  (no task is left behind; :class:`EventStream` frees the slot), and :meth:`close` ends every stream
  so the server's graceful shutdown is not held open by clients that never hang up.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from evoladder.services.events import Event, EventBus, MatchChanged, QueueChanged


def sse(event: str, data: str) -> str:
    """One SSE message; every line of ``data`` gets its own ``data:`` field (the client rejoins them)."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {event}\n{lines}\n"


class LiveHub:
    def __init__(
        self, bus: EventBus, *, max_streams: int = 500, keepalive_s: float = 15.0, min_interval_s: float = 0.25
    ) -> None:
        self.max_streams = max_streams
        self.keepalive_s = keepalive_s
        self.min_interval_s = min_interval_s
        self.version = 0
        self.streams = 0
        self.closed = False
        self._wake = asyncio.Event()
        self._cache: dict[tuple[int, str], tuple[str, str]] = {}
        bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, QueueChanged | MatchChanged):
            self._bump()

    def _bump(self) -> None:
        self.version += 1
        self._cache.clear()
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()

    def try_open(self) -> bool:
        """Take a stream slot (before the response starts, so a refusal can still be a 503)."""
        if self.closed or self.streams >= self.max_streams:
            return False
        self.streams += 1
        return True

    def release(self) -> None:
        """Give back a slot (``EventStream`` does, whether the stream ended, failed or never started)."""
        self.streams = max(0, self.streams - 1)

    def close(self) -> None:
        """End every stream (server shutdown); new ones are refused."""
        self.closed = True
        self._bump()

    def rendered(self, key: str, snapshot: Callable[[], Any], render: Callable[[Any], str]) -> tuple[str, str]:
        """``(identity, html)`` of the current snapshot for ``key`` (the language), built once per change.

        ``identity`` is the snapshot's JSON without the countdown seconds (which change every instant
        and are recomputed by the page), so a stream can tell whether the client's copy is stale."""
        cached = self._cache.get((self.version, key))
        if cached is None:
            snap = snapshot()
            data = snap.model_dump(mode="json")
            data.get("queue", {}).pop("seconds_to_next_wave", None)
            cached = (json.dumps(data, sort_keys=True), render(snap))
            self._cache[(self.version, key)] = cached
        return cached

    async def stream(self, key: str, snapshot: Callable[[], Any], render: Callable[[Any], str]) -> AsyncIterator[str]:
        """The event stream of one client: the snapshot now, then again after each change that alters it."""
        yield "retry: 3000\n\n"  # the browser reconnects after 3 s if the stream drops
        sent = None
        while not self.closed:
            wake = self._wake  # taken before reading, so a change during the send is not missed
            identity, html = self.rendered(key, snapshot, render)
            if identity != sent:
                yield sse("snapshot", html)
                sent = identity
            try:
                async with asyncio.timeout(self.keepalive_s):
                    await wake.wait()
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            await asyncio.sleep(self.min_interval_s)


class EventStream(StreamingResponse):
    """A ``text/event-stream`` response that frees its hub slot however it ends.

    Starlette cancels the body's generator when the client disconnects (ASGI 2.3 servers, uvicorn
    included) or stops on a failed write (2.4); a generator cancelled before its first step never
    runs its ``finally``, so the slot is released here, around the whole response, instead."""

    media_type = "text/event-stream"

    def __init__(self, content: AsyncIterator[str], hub: LiveHub) -> None:
        super().__init__(content, headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.hub.release()
