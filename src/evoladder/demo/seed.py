"""Seed a demo ladder: a simulated season played through the real services on a manual clock.

The simulator's population (hidden skill per race, region mix, evening peaks, sessions of several
games, patience) plays ``days`` of history that end just before now: every queue join goes through
``QueueService.join``, pairs come from ``run_wave`` (the real matcher), and confirmations and reports
through ``MatchService``, so ratings, MMR history, leaderboards and match pages are real ladder state.
The clock steps from event to event, so two weeks take seconds, not weeks.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from evoladder.app import Ladder
from evoladder.clock import ManualClock
from evoladder.domain.errors import LadderError
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import Match
from evoladder.domain.rating import Outcome
from evoladder.services.players import SetupInput
from evoladder.services.queue import QueueRequest
from evoladder.simulation.population import SimPlayer, make_population, next_session_start, win_probability

from .names import identity

ARRIVE, ABANDON, GAME_END, WAVE = "arrive", "abandon", "game_end", "wave"
DRAIN_S = 3600.0
"""History stops taking arrivals this long before ``end``; games still running finish inside it."""


@dataclass(frozen=True, slots=True)
class DemoConfig:
    """How big the demo is. The same ``players`` and ``seed`` give the same people on every start."""

    players: int = 200
    days: float = 7.0
    seed: int = 2026
    wave_interval_s: float = 60.0
    """Waves during the simulated history (the live demo uses the ladder's own, shorter, interval)."""
    continue_probability: float = 0.7

    @property
    def key(self) -> str:
        """What ``ladder_meta.demo_seeded`` records, so a restart rebuilds the same population."""
        return f"{self.players}:{self.seed}"

    @classmethod
    def from_key(cls, key: str) -> DemoConfig:
        players, seed = key.split(":")
        return cls(players=int(players), seed=int(seed))


@dataclass(frozen=True, slots=True)
class SeedReport:
    players: int
    matches: int
    joins: int
    days: float
    seconds: float


def population(ladder: Ladder, cfg: DemoConfig) -> list[SimPlayer]:
    """The demo's simulated players (deterministic in ``cfg.players`` and ``cfg.seed``)."""
    pool = [str(m.name) for m in ladder.pack.map_pool()]
    return make_population(cfg.players, pool, cfg.seed)


async def create_players(ladder: Ladder, people: list[SimPlayer]) -> None:
    """Set every simulated player up through ``PlayerService`` (terms accepted, name, country, region)."""
    taken: set[str] = set()
    for p in people:
        name, country = identity(p.id, p.region, taken)
        pid = PlayerId(p.id)
        await ladder.players.ensure(pid, f"demo{p.id}")
        await ladder.players.accept_tos(pid)
        await ladder.players.complete_setup(pid, SetupInput(name, f"{name}#{p.id}", country, p.region))


def outcome_for(p1: SimPlayer, race1: str, p2: SimPlayer, race2: str, roll: float) -> Outcome:
    """The result drawn from hidden skill (``roll`` uniform in [0, 1)); about 2% draws."""
    prob = win_probability(p1.skill[race1], p2.skill[race2])
    if abs(roll - prob) < 0.01:
        return Outcome.DRAW
    return Outcome.PLAYER1_WON if roll < prob else Outcome.PLAYER2_WON


async def seed_history(
    ladder: Ladder,
    clock: ManualClock,
    cfg: DemoConfig,
    end: datetime,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Play ``cfg.days`` of history ending before ``end`` on a ladder built with ``clock``.

    The ladder must be started without its wave timer (``run_waves=False``); waves run here. On
    return nobody is queued and no match is open, so the live demo starts from a settled ladder.
    """
    began = time.perf_counter()
    start = end - timedelta(days=cfg.days)
    clock.set(start)
    people = population(ladder, cfg)
    by_id = {p.id: p for p in people}
    await create_players(ladder, people)
    rng = random.Random(cfg.seed)
    horizon = cfg.days * 86400.0 - DRAIN_S
    events: list[tuple[float, int, str, Any]] = []
    seq = 0

    def push(t: float, kind: str, payload: Any) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, seq, kind, payload))

    for p in people:
        push(next_session_start(p, 0.0, rng), ARRIVE, p.id)
    push(cfg.wave_interval_s, WAVE, None)
    games_left: dict[int, float] = {}
    joined: dict[int, float] = {}
    matches = joins = 0
    next_report = 0.1
    while events:
        t, _, kind, payload = heapq.heappop(events)
        if t > horizon and kind != GAME_END:
            continue  # past the horizon only the games in progress finish
        clock.set(start + timedelta(seconds=t))
        if progress and t / horizon >= next_report:
            progress(f"seeding demo history: {min(t / horizon, 1.0):.0%} ({matches} matches)")
            while next_report <= t / horizon:
                next_report += 0.1
        if kind == ARRIVE:
            pid = payload
            if pid in joined:
                continue
            if games_left.get(pid, 0) <= 0:
                games_left[pid] = max(1.0, rng.expovariate(1 / by_id[pid].games_per_session))
            player = by_id[pid]
            try:
                await ladder.queue.join(QueueRequest(PlayerId(pid), player.bw_race, player.sc2_race, player.vetoes))
            except LadderError:
                continue  # still in a match (its game has not ended): the session ends here
            joins += 1
            joined[pid] = t
            push(t + player.patience_s, ABANDON, (pid, t))
        elif kind == ABANDON:
            pid, joined_at = payload
            if joined.get(pid) == joined_at and ladder.queue.is_queued(PlayerId(pid)):
                await ladder.queue.leave(PlayerId(pid))
                joined.pop(pid, None)
                games_left[pid] = 0
                push(next_session_start(by_id[pid], t, rng), ARRIVE, pid)
        elif kind == WAVE:
            if _pairable(joined, by_id):  # a wave that cannot pair anybody: skip its writes
                report = await ladder.queue.run_wave()
                for made in report.matches:
                    assert isinstance(made, Match)  # WaveReport types them loosely
                    match = made
                    for pid in (match.player1, match.player2):
                        joined.pop(int(pid), None)
                        await ladder.matches.confirm(match.id, pid)
                    push(t + rng.uniform(8, 25) * 60, GAME_END, match)
            push(t + cfg.wave_interval_s, WAVE, None)
        elif kind == GAME_END:
            match = payload
            result = outcome_for(by_id[int(match.player1)], match.race1, by_id[int(match.player2)], match.race2,
                                 rng.random())  # fmt: skip
            await ladder.matches.report(match.id, match.player1, result)
            await ladder.matches.report(match.id, match.player2, result)
            matches += 1
            for pid in (int(match.player1), int(match.player2)):
                games_left[pid] = games_left.get(pid, 1) - 1
                if games_left[pid] > 0 and rng.random() < cfg.continue_probability:
                    push(t + rng.uniform(30, 180), ARRIVE, pid)
                else:
                    games_left[pid] = 0
                    push(next_session_start(by_id[pid], t, rng), ARRIVE, pid)
    for ticket in ladder.queue.tickets():
        await ladder.queue.leave(ticket.player_id)
    if progress:
        progress(f"seeded demo history: {len(people)} players, {matches} matches over {cfg.days:.0f} days")
    return SeedReport(len(people), matches, joins, cfg.days, time.perf_counter() - began)


def _pairable(joined: dict[int, float], by_id: dict[int, SimPlayer]) -> bool:
    """Two waiting players, one who can play BW and another who can play SC2 (a match is always BW vs SC2).

    Waves that cannot pair are skipped during seeding: only their waves-waited counter would change,
    and they are most waves of a quiet night."""
    if len(joined) < 2:
        return False
    return any(by_id[p].bw_race for p in joined) and any(by_id[p].sc2_race for p in joined)
