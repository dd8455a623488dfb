"""Health facts for probes and metrics: does the database answer, are the replay workers up.

Front-ends (the web's ``/readyz``) ask here instead of touching the store or the worker pool.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from evoladder.services.context import ServiceContext
from evoladder.services.replays import ReplayService
from evoladder.store.health import ping


@dataclass(frozen=True, slots=True)
class Probe:
    ok: bool
    detail: str | None = None


async def database(ctx: ServiceContext, *, timeout_s: float = 2.0) -> Probe:
    """One ``SELECT 1`` within ``timeout_s``; never raises."""
    try:
        async with asyncio.timeout(timeout_s), ctx.db.read() as conn:
            return Probe(await ping(conn))
    except TimeoutError:
        return Probe(False, f"no answer within {timeout_s:g} s")
    except Exception as exc:
        return Probe(False, type(exc).__name__)


def replay_workers(replays: ReplayService) -> Probe:
    """Started, and (local pool) at least one parser process alive; Celery workers are probed by Celery."""
    if not replays.running:
        return Probe(False, "replay parsing is not started in this process")
    stats = replays.stats()
    alive = stats.get("workers_alive")
    if alive is not None and int(alive) < 1:
        return Probe(False, "no parser process alive")
    return Probe(True, f"{stats.get('backend')}: {alive if alive is not None else '?'} alive")
