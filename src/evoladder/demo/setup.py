"""The demo's own database: where it lives, how it is marked, seeded once, continued or reset.

The demo never touches the configured ladder database: it runs on ``<data dir>/demo.db`` (SQLite),
marked ``demo=1`` in ``ladder_meta`` before the first simulated player is written. A database that
has players but no marker is a real ladder and is refused (``DemoDatabaseRefused``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.services.demo_guard import DemoDatabaseRefused, DemoGuard
from evoladder.store.schema import upgrade

from .driver import DemoDriver, Pace
from .seed import DemoConfig, population, seed_history

DEMO_DB = "demo.db"
LIVE_WAVE_INTERVAL_S = 10.0
"""Waves in the live demo: often enough that a visitor sees the queue panel change within seconds."""


def demo_settings(settings: Settings) -> Settings:
    """The demo's settings: its own SQLite file under the data dir, 10-second waves, no Discord token."""
    url = f"sqlite+aiosqlite:///{(settings.data_dir / DEMO_DB).resolve()}"
    return settings.model_copy(
        update={"database_url": url, "wave_interval_s": LIVE_WAVE_INTERVAL_S, "discord_token": None}
    )


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _delete(url: str) -> None:
    path = _sqlite_file(url)
    if path is None:
        raise DemoDatabaseRefused("Only the demo's SQLite file can be reset.", reason="not_sqlite")
    for extra in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + extra).unlink(missing_ok=True)


async def prepare(
    settings: Settings,
    *,
    reset: bool = False,
    cfg: DemoConfig | None = None,
    echo: Callable[[str], None] = print,
    now: datetime | None = None,
) -> DemoConfig:
    """Make ``settings``' database a seeded demo ladder; returns the population it was seeded with.

    Migrates, then claims the database for the demo (refusing a real ladder's). A database seeded
    before is continued as it is (unless ``reset``); a fresh one (or one whose seeding was cut short)
    gets ``cfg``'s simulated history, ending at ``now``. Raises ``DemoDatabaseRefused``.
    """
    cfg = cfg or DemoConfig()
    url = settings.effective_database_url
    existing = _sqlite_file(url)
    if reset and existing is not None and existing.exists():
        await _check_is_demo(settings)
        _delete(url)
        echo("demo: reset, starting from a fresh history")
    upgrade(url)
    end = now or datetime.now(UTC)
    clock = ManualClock(end - timedelta(days=cfg.days))
    ladder = build(settings, clock=clock)
    try:
        state = await DemoGuard(ladder.ctx).claim_for_demo()
        if state.seeded:
            echo(f"demo: continuing the demo ladder ({state.players} players, {state.matches} matches so far)")
            return DemoConfig.from_key(state.seeded)
        if state.players or state.matches:  # an interrupted seeding: start over
            await ladder.db.dispose()
            _delete(url)
            echo("demo: the last seeding was interrupted; starting over")
            return await prepare(settings, cfg=cfg, echo=echo, now=now)
        echo(f"demo: seeding a simulated season ({cfg.players} players, {cfg.days:g} days) into {_where(url)}")
        await ladder.start(expiry_interval_s=3600, run_waves=False, run_replays=False)
        ladder.queue.inline_limit = cfg.players  # nothing else waits on this loop: no process hop per wave
        report = await seed_history(ladder, clock, cfg, end, echo)
        await DemoGuard(ladder.ctx).mark_seeded(cfg.key)
        echo(f"demo: seeded in {report.seconds:.1f} s")
        return cfg
    finally:
        await ladder.stop()


async def _check_is_demo(settings: Settings) -> None:
    """Refuses (``DemoDatabaseRefused``) to reset a database that is not provably a demo's."""
    ladder = build(settings)
    try:
        state = await DemoGuard(ladder.ctx).state()
    except Exception as exc:  # not a ladder database we can read: never delete what we cannot check
        raise DemoDatabaseRefused(
            f"Cannot read {_where(settings.effective_database_url)} ({exc.__class__.__name__}): refusing to delete "
            "it; delete it by hand if it is a demo's.",
            reason="unreadable",
        ) from exc
    finally:
        await ladder.db.dispose()
    if state.players and not state.marked:
        raise DemoDatabaseRefused(
            f"{_where(settings.effective_database_url)} has {state.players} players and no demo marker: "
            "refusing to delete it.",
            reason="real_database",
        )


def _where(url: str) -> str:
    path = _sqlite_file(url)
    return str(path) if path else make_url(url).render_as_string(hide_password=True)


def start_driver(ladder: Ladder, cfg: DemoConfig, pace: Pace | None = None) -> DemoDriver:
    """The live driver over a started demo ladder, for ``cfg``'s population (call ``await .start()``)."""
    return DemoDriver(ladder, population(ladder, cfg), pace, seed=cfg.seed)
