"""Filling the hot cache at start-up without blocking the event loop.

Rows arrive from a server-side cursor a chunk at a time and each chunk is converted and stored in
its own step, with a yield to the loop in between: at 20,000 ratings the one-shot load this
replaces held the loop for ~90-170 ms per table (measured by ``bench/bench_leaderboard_service.py``).

The loaded objects live as long as the process, so each chunk is also moved out of the cyclic
collector's sight (``gc.freeze``): otherwise an automatic full collection during the warm-up walks
everything loaded so far in one go (~6 ms at 20,000 ratings, growing with the ladder). Frozen
objects are still freed by reference counting, so temporaries do not leak.
"""

from __future__ import annotations

import asyncio
import gc
from dataclasses import dataclass

from evoladder.domain.ids import PlayerId
from evoladder.domain.player import Rating
from evoladder.services.context import ServiceContext
from evoladder.store import players as player_store

CHUNK = 64
"""Rows per step: converting a row costs ~10-20 us, so a step stays near 1 ms."""


@dataclass(frozen=True, slots=True)
class Warmed:
    players: int
    ratings: int


async def warm_cache(ctx: ServiceContext, chunk: int = CHUNK) -> Warmed:
    """Load every player with all their ratings into ``ctx.cache``, in steps."""
    by_player: dict[PlayerId, list[Rating]] = {}
    n_players = n_ratings = 0
    async with ctx.db.read() as conn:
        async for part in player_store.stream_ratings(conn, chunk):
            for r in part:
                by_player.setdefault(r.player_id, []).append(r)
            n_ratings += len(part)
            gc.freeze()
            await asyncio.sleep(0)
        async for players in player_store.stream_players(conn, chunk):
            for p in players:
                ctx.cache.put_loaded(p, by_player.pop(p.id, ()))
            n_players += len(players)
            gc.freeze()
            await asyncio.sleep(0)
    return Warmed(n_players, n_ratings)
