"""The live demo: simulated players queue, confirm, play and report in real time, in the background.

Every action goes through the real services (``QueueService.join``/``leave``, ``MatchService.confirm``
and ``report``); the ladder's own wave timer pairs the queue. What to do next is derived from the
ladder's state and the clock, never from a private script, so a restarted demo picks up matches and
queue entries it left behind, and a test drives it step by step on a manual clock.

Pace (defaults): four players queue at once, then about sixteen a minute, swelling and ebbing over
ten-minute cycles, so the queue panel moves; confirmations within a few seconds; games of 25-75 s;
a rest of 15-90 s between games. With 10-second waves, a handful of matches complete every minute.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from evoladder.app import Ladder
from evoladder.domain.errors import LadderError
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import Match, MatchState
from evoladder.services.queue import QueueRequest
from evoladder.services.tasks import cancel_and_wait
from evoladder.simulation.population import SimPlayer

from .seed import outcome_for

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pace:
    """How fast the simulated players act (seconds, as (low, high) ranges drawn uniformly)."""

    tick_s: float = 1.0
    joins_per_minute: float = 16.0
    first_joins: int = 4
    """Players who queue at the first step, so the first wave (10 s after start) already makes matches."""
    cycle_s: float = 600.0
    """Period of the swell and ebb of joins (the queue grows and empties over it)."""
    confirm_s: tuple[float, float] = (1.0, 6.0)
    game_s: tuple[float, float] = (25.0, 75.0)
    rest_s: tuple[float, float] = (15.0, 90.0)
    patience_s: tuple[float, float] = (60.0, 150.0)


@dataclass(frozen=True, slots=True)
class StepReport:
    """What one step did (tests and logs)."""

    joined: int = 0
    left: int = 0
    confirmed: int = 0
    reported: int = 0


def _unit(*key: int) -> float:
    """A uniform number in [0, 1) fixed by ``key``: the same match gets the same timing after a restart."""
    return random.Random(hash(key)).random()


def _between(span: tuple[float, float], u: float) -> float:
    return span[0] + (span[1] - span[0]) * u


class DemoDriver:
    """Keeps simulated players playing on a started ladder. Owns one background task (``start``/``stop``)."""

    def __init__(self, ladder: Ladder, people: list[SimPlayer], pace: Pace | None = None, seed: int = 0) -> None:
        self.ladder = ladder
        self.pace = pace or Pace()
        self.people = {p.id: p for p in people}
        self._rng = random.Random(seed)
        self._rest_until: dict[int, datetime] = {}
        self._last_step: datetime | None = None
        self._task: asyncio.Task[None] | None = None
        self.completed = 0

    # ------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="demo-driver")

    async def stop(self) -> None:
        """Cancel the loop; a step in flight stops at its next await (each service call is atomic)."""
        await cancel_and_wait(self._task)
        self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.step()
            except Exception:  # a failed step must not end the demo; the next one re-reads the state
                log.exception("demo step failed; retrying at the next tick")
            await asyncio.sleep(self.pace.tick_s)

    # ------------------------------------------------------------- one step
    async def step(self) -> StepReport:
        """Act on everything due at the clock's now: confirms, reports, players giving up, new joins."""
        now = self.ladder.ctx.clock.now()
        confirmed, reported = await self._play(now)
        left = await self._give_up(now)
        joined = await self._join(now)
        self._last_step = now
        return StepReport(joined, left, confirmed, reported)

    async def _play(self, now: datetime) -> tuple[int, int]:
        confirmed = reported = 0
        for match in self.ladder.matches.active_matches():
            one, two = self.people.get(int(match.player1)), self.people.get(int(match.player2))
            if one is None or two is None:
                continue  # not a simulated player's match: leave it alone
            try:
                if match.state is MatchState.CREATED:
                    for slot, pid in ((1, match.player1), (2, match.player2)):
                        due = match.created_at + timedelta(seconds=_between(self.pace.confirm_s, _unit(match.id, slot)))
                        if not match.confirmed(slot) and now >= due:
                            match = await self.ladder.matches.confirm(match.id, pid)
                            confirmed += 1
                elif match.state is MatchState.IN_PROGRESS and now >= self._game_end(match):
                    result = outcome_for(one, match.race1, two, match.race2, _unit(match.id, 3))
                    for slot, pid in ((1, match.player1), (2, match.player2)):
                        if match.report_of(slot) is None:
                            match = await self.ladder.matches.report(match.id, pid, result)
                    reported += 1
                    self.completed += 1
                    for player in (int(match.player1), int(match.player2)):
                        rest = _between(self.pace.rest_s, self._rng.random())
                        self._rest_until[player] = now + timedelta(seconds=rest)
            except LadderError as exc:  # an admin or the expiry got there first: re-read next step
                log.info("demo: match #%s skipped: %s", match.id, exc)
        return confirmed, reported

    def _game_end(self, match: Match) -> datetime:
        started = match.confirmed_at or match.created_at
        return started + timedelta(seconds=_between(self.pace.game_s, _unit(match.id, 4)))

    async def _give_up(self, now: datetime) -> int:
        left = 0
        for ticket in self.ladder.queue.tickets():
            pid = int(ticket.player_id)
            if pid not in self.people:
                continue
            patience = _between(self.pace.patience_s, _unit(pid, int(ticket.joined_at.timestamp())))
            due = ticket.joined_at + timedelta(seconds=patience)
            if now >= due and await self.ladder.queue.leave(ticket.player_id):
                left += 1
                self._rest_until[pid] = now + timedelta(seconds=_between(self.pace.rest_s, self._rng.random()))
        return left

    def _intensity(self, now: datetime) -> float:
        """0.5..1.5: joins swell and ebb over ``cycle_s`` so the queue size visibly changes."""
        phase = 2 * math.pi * (now.timestamp() % self.pace.cycle_s) / self.pace.cycle_s
        return 1.0 + 0.5 * math.sin(phase)

    async def _join(self, now: datetime) -> int:
        elapsed = self.pace.tick_s if self._last_step is None else (now - self._last_step).total_seconds()
        elapsed = min(max(elapsed, 0.0), 10 * self.pace.tick_s)  # after a pause, do not flood the queue
        expected = self.pace.joins_per_minute / 60.0 * elapsed * self._intensity(now)
        wanted = int(expected) + (1 if self._rng.random() < expected - int(expected) else 0)
        if self._last_step is None:
            wanted = max(wanted, self.pace.first_joins)
        if not wanted:
            return 0
        busy = {int(t.player_id) for t in self.ladder.queue.tickets()}
        for m in self.ladder.matches.active_matches():
            busy.update((int(m.player1), int(m.player2)))
        idle = [p for pid, p in self.people.items() if pid not in busy and self._rest_until.get(pid, now) <= now]
        joined = 0
        for player in self._rng.sample(idle, min(wanted, len(idle))):
            try:
                await self.ladder.queue.join(
                    QueueRequest(PlayerId(player.id), player.bw_race, player.sc2_race, player.vetoes)
                )
                joined += 1
            except LadderError as exc:  # banned by an admin, or busy after all: someone else next time
                log.info("demo: %s did not queue: %s", player.id, exc)
        return joined
