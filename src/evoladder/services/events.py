"""In-process events published by the services after a commit.

Two kinds of listeners: synchronous ones run inline right after the commit (in-memory indexes
that the next read must already see), asynchronous ones run as tasks the bus owns (front-ends
that send DMs). A failing listener is logged and never undoes or blocks the action.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from evoladder.domain.ids import MapName, PlayerId
from evoladder.domain.match import Match
from evoladder.domain.player import Player, Rating

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MatchChanged:
    """A match was created or moved to a new state. ``previous`` is None on creation."""

    match: Match
    previous: Match | None


@dataclass(frozen=True, slots=True)
class RatingsChanged:
    ratings: tuple[Rating, ...]


@dataclass(frozen=True, slots=True)
class PlayerChanged:
    player: Player
    previous: Player | None


@dataclass(frozen=True, slots=True)
class SeasonChanged:
    """A new season started: the board was rebuilt, the map pool switched.

    ``dropped_vetoes`` lists, per queued player, the vetoed maps that left the pool (already removed
    from their queue entry), so front-ends can tell them.
    """

    old: str
    new: str
    queued: tuple[PlayerId, ...]
    dropped_vetoes: dict[PlayerId, frozenset[MapName]]


@dataclass(frozen=True, slots=True)
class QueueChanged:
    """Someone joined or left the queue, or a wave ran: live views re-read ``QueueService.status()``.

    Carries no snapshot on purpose: a wave publishes it once after all its matches, and listeners
    that only redraw can coalesce bursts by reading the state when they get round to it."""

    waiting: int


Event = MatchChanged | RatingsChanged | PlayerChanged | SeasonChanged | QueueChanged
SyncListener = Callable[[Event], None]
AsyncListener = Callable[[Event], Awaitable[None]]


class EventBus:
    """Fan-out of committed changes to listeners."""

    def __init__(self) -> None:
        self._sync: list[SyncListener] = []
        self._async: list[AsyncListener] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def subscribe(self, listener: SyncListener) -> None:
        self._sync.append(listener)

    def subscribe_async(self, listener: AsyncListener) -> None:
        self._async.append(listener)

    def publish(self, *events: Event) -> None:
        for event in events:
            for listener in self._sync:
                try:
                    listener(event)
                except Exception:
                    log.exception("event listener failed on %s", type(event).__name__)
            for alistener in self._async:
                task = asyncio.get_running_loop().create_task(self._run(alistener, event))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _run(listener: AsyncListener, event: Event) -> None:
        try:
            await listener(event)
        except Exception:
            log.exception("async event listener failed on %s", type(event).__name__)

    async def drain(self) -> None:
        """Wait for every pending async listener (shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
