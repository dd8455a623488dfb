"""Prometheus metrics of one web app: request latency, and ladder gauges read at scrape time.

Each app has its own ``CollectorRegistry`` (tests build many apps in one process; the global
registry would refuse the second). Ladder figures are read from the services when Prometheus
scrapes, so nothing is polled in between. Matches created are counted from the event bus: in the
embedded web (``evoladder run``) that is every match of the ladder since this process started.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evoladder.app import Ladder
from evoladder.services.events import Event, MatchChanged

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class LadderCollector(Collector):
    """Queue size, active matches, ranked entries and replay parser counters, read at scrape time."""

    def __init__(self, ladder: Ladder) -> None:
        self.ladder = ladder

    def collect(self) -> Iterator[Metric]:
        ladder = self.ladder
        yield GaugeMetricFamily(
            "evoladder_queue_waiting", "Players waiting in the queue.", ladder.queue.status().waiting
        )
        yield GaugeMetricFamily(
            "evoladder_matches_active", "Matches created or in progress.", len(ladder.matches.active_matches())
        )
        try:
            ranked = ladder.leaderboard.board.ranked_count
        except RuntimeError:  # the board is not built (a ladder started without a warm cache)
            ranked = 0
        yield GaugeMetricFamily("evoladder_leaderboard_ranked_entries", "Ranked player-race entries.", ranked)
        stats: dict[str, Any] = ladder.replays.stats() if ladder.replays.running else {}
        failed = stats.get("failed", int(stats.get("timeouts", 0)) + int(stats.get("crashes", 0)))
        for name, value, help_text in (
            ("parsed", stats.get("parsed", 0), "Replays parsed by this process's parser backend."),
            ("failed", failed, "Replay parses that timed out or crashed."),
            ("unreadable", stats.get("unreadable", 0), "Replays that were not valid replay files."),
        ):
            yield CounterMetricFamily(f"evoladder_replays_{name}", help_text, value=float(value))
        if "workers_alive" in stats:
            yield GaugeMetricFamily("evoladder_replay_workers_alive", "Parser processes alive.", stats["workers_alive"])


class WebMetrics:
    """The app's registry and instruments."""

    def __init__(self, ladder: Ladder) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.latency = Histogram(
            "evoladder_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ("method", "route", "status"),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.matches_created = Counter(
            "evoladder_matches_created", "Matches created since this process started.", registry=self.registry
        )
        self.registry.register(LadderCollector(ladder))
        ladder.ctx.bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, MatchChanged) and event.previous is None:
            self.matches_created.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class LatencyMiddleware:
    """Times every HTTP request; labels it with the matched route's template (bounded cardinality)."""

    def __init__(self, app: ASGIApp, metrics: WebMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.latency.labels(scope["method"], route, str(status)).observe(time.perf_counter() - started)
