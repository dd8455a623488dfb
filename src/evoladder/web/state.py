"""What one web app holds: the ladder, its options, the catalogs, the templates and the metrics.

Built by ``create_app`` and kept on ``app.state.web``; routes reach it through ``deps``. Nothing
here is created at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

from evoladder.app import Ladder
from evoladder.config import Settings
from evoladder.i18n import Catalogs
from evoladder.services.demo_guard import DemoGuard
from evoladder.services.loop_lag import LoopLagProbe
from evoladder.services.matchviews import MatchViews
from evoladder.services.public_ids import PublicIds
from evoladder.services.stats import StatsService
from evoladder.web.live import LiveHub
from evoladder.web.metrics import WebMetrics
from evoladder.web.present import Presenter

HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class WebOptions:
    """What this deployment publishes, and what readiness expects of this process."""

    replay_downloads: bool = False
    publish_battletags: bool = False
    expect_replay_workers: bool = True
    """``evoladder run`` parses replays in-process, so readiness needs the workers; ``evoladder web``
    alone does not run them and reports them as ``not_run_here``."""
    max_live_streams: int = 500
    """Open ``/live/events`` streams this process serves at once; the next gets 503 + Retry-After."""

    @classmethod
    def from_settings(cls, settings: Settings, *, expect_replay_workers: bool = True) -> WebOptions:
        return cls(
            replay_downloads=settings.web_replay_downloads,
            publish_battletags=settings.web_publish_battletags,
            expect_replay_workers=expect_replay_workers,
        )


@dataclass(slots=True)
class WebState:
    ladder: Ladder
    options: WebOptions
    catalogs: Catalogs
    public_ids: PublicIds
    views: MatchViews
    metrics: WebMetrics
    templates: Jinja2Templates
    stats: StatsService
    live: LiveHub
    loop_lag: LoopLagProbe
    demo: bool | None = None
    """The database is a demo's (``ladder_meta`` demo=1): pages show the "simulated players" banner.
    Read once (``load_demo``); the marker never changes while a ladder runs."""

    @classmethod
    def build(cls, ladder: Ladder, options: WebOptions) -> WebState:
        env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(("html", "svg")),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        metrics = WebMetrics(ladder)
        return cls(
            ladder=ladder,
            options=options,
            catalogs=Catalogs.load(),
            public_ids=ladder.public_ids,
            views=MatchViews(ladder.ctx),
            metrics=metrics,
            templates=Jinja2Templates(env=env),
            stats=StatsService(ladder.ctx, ladder.leaderboard),
            live=LiveHub(ladder.ctx.bus, max_streams=options.max_live_streams),
            loop_lag=LoopLagProbe(metrics.loop_lag.observe),
        )

    async def start(self) -> None:
        """Start the app's own background work (the event-loop lag probe). Idempotent; called by
        ``WebServer.start`` (an app served through httpx's ASGI transport runs without it)."""
        self.loop_lag.start()
        await self.load_demo()

    async def stop(self) -> None:
        """End the live streams (so a graceful shutdown is not held open by them) and stop the probe."""
        self.live.close()
        await self.loop_lag.stop()

    async def presenter(self) -> Presenter:
        """The presenter, once the ladder's public-id key is loaded (first call: one short read)."""
        codec = await self.public_ids.start()
        await self.load_demo()
        return Presenter(codec, self.ladder.ctx.cache, self.options.publish_battletags)

    async def load_demo(self) -> bool:
        """Whether this is a demo ladder (one short read the first time, then remembered)."""
        if self.demo is None:
            self.demo = await DemoGuard(self.ladder.ctx).is_demo()
        return self.demo
