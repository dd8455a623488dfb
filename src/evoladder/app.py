"""Composition root: settings in, a running ladder out. Start-up and shutdown happen here, in order.

Nothing is built at import time. Tests and the simulator build their own ``Ladder`` with their own
settings, clock and data pack.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field

from evoladder.clock import Clock, SystemClock
from evoladder.config import Settings
from evoladder.datapack import DataPack, load_pack
from evoladder.domain.match import Match
from evoladder.domain.matchmaking import BaselineMatcher, GlobalMatcher, MatcherConfig
from evoladder.domain.rating import model_named
from evoladder.domain.seasons import CarryOver
from evoladder.services.admin import AdminService
from evoladder.services.context import Policy, ServiceContext
from evoladder.services.leaderboard import LeaderboardService
from evoladder.services.matches import MatchService
from evoladder.services.players import PlayerService
from evoladder.services.profiles import ProfileService
from evoladder.services.public_ids import PublicIds
from evoladder.services.queue import QueueService
from evoladder.services.ratings import resolve_model
from evoladder.services.replays import ReplayPolicy, ReplayService
from evoladder.services.replication import ChangeListener, ChangePublisher, for_ladder
from evoladder.services.seasons import SeasonPolicy, SeasonService
from evoladder.services.staff import StaffService
from evoladder.services.warmup import warm_cache as warm
from evoladder.store.engine import create_engine
from evoladder.store.replay_files import LocalReplayStorage
from evoladder.store.schema import check_schema
from evoladder.store.uow import Database
from evoladder.workers.jobs import make_backend

log = logging.getLogger(__name__)


@dataclass
class Ladder:
    """Every service of one running ladder, sharing one context."""

    settings: Settings
    ctx: ServiceContext
    players: PlayerService
    matches: MatchService
    admin: AdminService
    queue: QueueService
    replays: ReplayService
    leaderboard: LeaderboardService
    profiles: ProfileService
    seasons: SeasonService
    public_ids: PublicIds
    staff: StaffService
    started: bool = False
    expired_at_start: list[Match] = field(default_factory=list)
    replication: ChangePublisher | ChangeListener | None = None
    """PostgreSQL only: the writer's NOTIFY publisher, or a read replica's listener (services/replication.py)."""

    @property
    def pack(self) -> DataPack:
        return self.ctx.pack

    @property
    def db(self) -> Database:
        return self.ctx.db

    async def start(
        self,
        *,
        warm_cache: bool = True,
        expiry_interval_s: float = 1.0,
        run_waves: bool = True,
        run_replays: bool | None = None,
    ) -> None:
        """Check the schema, warm the caches, restore matches in progress and the queue, start timers.

        ``run_replays`` (default: as ``run_waves``) starts the warm replay parsers and resumes pending
        uploads; tools and tests that drive a ladder step by step start neither unless they ask.
        """
        async with self.db.read() as conn:
            await check_schema(conn)
        self.ctx.model = await resolve_model(self.ctx, self.settings.rating_model)
        await self.staff.start()  # before anything asks ctx.is_admin
        await self.seasons.start()
        await self.public_ids.start()
        replica = self.settings.read_replica and warm_cache
        feed = for_ladder(self.ctx, self.leaderboard, read_replica=replica, before_rebuild=self.seasons.refresh)
        if isinstance(feed, ChangeListener):
            await feed.connect()  # LISTEN before the warm-up, so nothing committed meanwhile is missed
        if warm_cache:
            warmed = await warm(self.ctx)
            await self.leaderboard.start(expected_entries=warmed.ratings)
        if feed is not None:
            await feed.start()
            self.replication = feed
        if not replica:  # a read replica neither expires matches nor keeps them in memory: it reads the database
            self.expired_at_start = await self.matches.start(expiry_interval_s=expiry_interval_s)
        await self.queue.start(run_timer=run_waves)
        if run_waves if run_replays is None else run_replays:
            await self.replays.start()
        # Everything loaded so far lives as long as the process: move it out of the collector's
        # sight so later collections stay short (a full collection over a warm cache is tens of ms).
        gc.freeze()
        self.started = True
        log.info(
            "ladder started: %d players in memory, %d active matches, %d expired at start",
            len(self.ctx.cache),
            len(self.matches.active_matches()),
            len(self.expired_at_start),
        )

    async def stop(self) -> None:
        """Stop timers and replay checks, let in-flight listeners finish, close the pool."""
        await self.replays.stop()
        await self.queue.stop()
        await self.matches.stop()
        if self.replication is not None:
            await self.replication.stop()  # the writer sends what is still pending
            self.replication = None
        await self.ctx.bus.drain()
        await self.db.dispose()
        self.started = False


def build(settings: Settings, *, clock: Clock | None = None, pack: DataPack | None = None) -> Ladder:
    """Wire the services for ``settings``. Call ``await ladder.start()`` before use."""
    engine = create_engine(settings.effective_database_url, pool_size=settings.db_pool_size, echo=settings.db_echo)
    policy = Policy(
        confirm_timeout_s=settings.confirm_timeout_s,
        aborts_per_month=settings.aborts_per_month,
        admin_ids=frozenset(settings.admin_ids),
        owner_ids=frozenset(settings.owner_ids),
    )
    ctx = ServiceContext(
        db=Database(engine),
        pack=pack or load_pack(settings.data_pack),
        clock=clock or SystemClock(),
        policy=policy,
        model=model_named(settings.rating_model),
    )
    players = PlayerService(ctx)
    matches = MatchService(ctx)
    config = MatcherConfig(wave_interval_seconds=settings.wave_interval_s)
    strategy = GlobalMatcher(config) if settings.matcher == "global" else BaselineMatcher(config)
    queue = QueueService(ctx, players, matches, strategy, interval_s=settings.wave_interval_s)
    backend = make_backend(
        settings.job_backend,
        workers=settings.replay_workers,
        max_pending=settings.replay_queue_size,
        max_replay_bytes=settings.replay_max_bytes,
        redis_url=settings.redis_url,
        queue=settings.celery_queue,
    )
    policy_r = ReplayPolicy(max_bytes=settings.replay_max_bytes, parse_timeout_s=settings.replay_parse_timeout_s)
    storage = LocalReplayStorage((settings.data_dir / "replays").resolve())
    leaderboard = LeaderboardService(ctx)
    replays = ReplayService(ctx, matches, players, backend, storage, policy_r)
    profiles = ProfileService(ctx, players, leaderboard)
    return Ladder(
        settings=settings,
        ctx=ctx,
        players=players,
        matches=matches,
        admin=AdminService(
            ctx, players, matches, queue=queue, replays=replays, leaderboard=leaderboard, profiles=profiles
        ),
        queue=queue,
        replays=replays,
        leaderboard=leaderboard,
        profiles=profiles,
        staff=StaffService(ctx),
        public_ids=PublicIds(ctx),
        seasons=SeasonService(
            ctx, leaderboard, SeasonPolicy(CarryOver(settings.season_carry_over), settings.season_soft_reset_factor)
        ),
    )
