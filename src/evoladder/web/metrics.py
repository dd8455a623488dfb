"""Prometheus metrics of one web app: request latency, and ladder gauges read at scrape time.

Each app has its own ``CollectorRegistry`` (tests build many apps in one process; the global
registry would refuse the second). Ladder figures are read from the services when Prometheus
scrapes, so nothing is polled in between. Matches created are counted from the event bus: in the
embedded web (``evoladder run``) that is every match of the ladder since this process started.
Waves are observed the same way: ``QueueService.run_wave`` publishes ``QueueChanged`` as its last
step, and a new ``last_wave`` report at that moment is one finished wave. Event-loop lag comes from
the app's ``LoopLagProbe`` (started with the server, stopped with it).
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
from evoladder.services.events import Event, MatchChanged, QueueChanged
from evoladder.services.queue import WaveReport

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
LAG_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0)
WAVE_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class LadderCollector(Collector):
    """Queue size, active matches, ranked entries and replay parser counters, read at scrape time."""

    def __init__(self, ladder: Ladder) -> None:
        self.ladder = ladder

    def collect(self) -> Iterator[Metric]:
        ladder = self.ladder
        status = ladder.queue.status()
        yield GaugeMetricFamily("evoladder_queue_waiting", "Players waiting in the queue.", status.waiting)
        by_race = GaugeMetricFamily(
            "evoladder_queue_waiting_by_race", "Players waiting per race they queued with.", labels=("race",)
        )
        for race in ladder.pack.races:  # every race, zeros included: bounded labels, no gaps in graphs
            by_race.add_metric((race.code,), status.by_race.get(race.code, 0))
        yield by_race
        yield GaugeMetricFamily(
            "evoladder_queue_seconds_to_next_wave", "Time to the next matchmaking wave.", status.seconds_to_next_wave
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
        self.wave_duration = Histogram(
            "evoladder_wave_duration_seconds",
            "A matchmaking wave from start to its last match created (matcher, transactions, queue ageing).",
            buckets=WAVE_BUCKETS,
            registry=self.registry,
        )
        self.wave_matcher = Histogram(
            "evoladder_wave_matcher_seconds",
            "The pairing algorithm's share of a wave (WaveReport.matcher_ms), inline or in its process.",
            buckets=WAVE_BUCKETS,
            registry=self.registry,
        )
        self.wave_matches = Counter(
            "evoladder_wave_matches_created", "Matches created by matchmaking waves.", registry=self.registry
        )
        self.loop_lag = Histogram(
            "evoladder_event_loop_lag_seconds",
            "How late the event loop runs a timer (sampled every 0.1 s while the web app runs).",
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(LadderCollector(ladder))
        self._clock = ladder.ctx.clock
        self._queue = ladder.queue
        self._last_wave: WaveReport | None = ladder.queue.last_wave
        ladder.ctx.bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, MatchChanged) and event.previous is None:
            self.matches_created.inc()
        elif isinstance(event, QueueChanged):
            report = self._queue.last_wave
            if report is not None and report is not self._last_wave:  # a wave just ended (it publishes last)
                self._last_wave = report
                elapsed = (self._clock.now() - report.started_at).total_seconds()
                self.wave_duration.observe(max(0.0, elapsed))
                self.wave_matcher.observe(report.matcher_ms / 1000)
                self.wave_matches.inc(len(report.created))

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
        streaming = False

        async def sending(message: Message) -> None:
            nonlocal status, streaming
            if message["type"] == "http.response.start":
                status = int(message["status"])
                streaming = any(
                    k.lower() == b"content-type" and v.startswith(b"text/event-stream")
                    for k, v in message.get("headers", ())
                )
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            if not streaming:  # an SSE stream lasts minutes: it would only drown the latency buckets
                self.metrics.latency.labels(scope["method"], route, str(status)).observe(time.perf_counter() - started)
