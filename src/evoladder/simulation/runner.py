"""Run one (strategy, rating model) through the real services on a synthetic population.

Discrete-event simulation on a manual clock: session arrivals, matchmaking waves, games ending,
players giving up. Every queue join, match, confirmation and report goes through the same
services the Discord bot calls, on a real (temporary) SQLite database.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from evoladder.app import build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.domain.rating import Outcome, RatingState
from evoladder.services.players import SetupInput
from evoladder.services.queue import QueueRequest
from evoladder.simulation.population import SimPlayer, make_population, next_session_start, win_probability
from evoladder.simulation.ratings_eval import evaluate
from evoladder.store.schema import upgrade

START = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)
ARRIVE, ABANDON, GAME_END, WAVE = "arrive", "abandon", "game_end", "wave"


@dataclass
class SimConfig:
    players: int = 2000
    days: float = 7.0
    seed: int = 7
    strategy: Literal["global", "baseline"] = "global"
    rating_model: Literal["elo", "glicko2"] = "elo"
    wave_interval_s: float = 45.0
    continue_probability: float = 0.7


@dataclass
class Metrics:
    waits: list[float] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)
    true_gaps: list[float] = field(default_factory=list)
    """Hidden true-skill gap of each match: fairness comparable across rating models."""
    servers: Counter[str] = field(default_factory=Counter)
    joins: int = 0
    abandoned: int = 0
    predictions: list[tuple[float, float, bool]] = field(default_factory=list)
    """(predicted probability that player 1 wins, actual score, both players had >= 10 games)"""
    games: list[tuple[tuple[int, str], tuple[int, str], float]] = field(default_factory=list)
    """Every game played, in order, for the offline rating-model comparison."""

    def report(self) -> dict[str, Any]:
        def pct(values: list[float], q: float) -> float:
            if not values:
                return float("nan")
            ordered = sorted(values)
            return float(ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)])

        def accuracy(rows: list[tuple[float, float, bool]]) -> dict[str, float]:
            decided = [(p, s) for p, s, _ in rows if s != 0.5]
            if not rows:
                return {"n": 0, "log_loss": float("nan"), "accuracy": float("nan")}
            eps = 1e-9
            loss = -statistics.fmean(
                s * math.log(max(p, eps)) + (1 - s) * math.log(max(1 - p, eps)) for p, s, _ in rows
            )
            acc = statistics.fmean(float((p > 0.5) == (s > 0.5)) for p, s in decided) if decided else float("nan")
            return {"n": len(rows), "log_loss": round(loss, 4), "accuracy": round(acc, 4)}

        total_servers = sum(self.servers.values()) or 1
        return {
            "matches": len(self.gaps),
            "joins": self.joins,
            "wait_median_s": round(statistics.median(self.waits), 1) if self.waits else None,
            "wait_p95_s": round(pct(self.waits, 0.95), 1) if self.waits else None,
            "gap_mean": round(statistics.fmean(self.gaps), 1) if self.gaps else None,
            "gap_p95": pct([float(g) for g in self.gaps], 0.95) if self.gaps else None,
            "true_gap_mean": round(statistics.fmean(self.true_gaps), 1) if self.true_gaps else None,
            "true_gap_p95": round(pct(self.true_gaps, 0.95), 1) if self.true_gaps else None,
            "abandon_rate": round(self.abandoned / self.joins, 4) if self.joins else None,
            "server_share": {k: round(v / total_servers, 4) for k, v in sorted(self.servers.items())},
            "rating_all": accuracy(self.predictions),
            "rating_new_players": accuracy([r for r in self.predictions if not r[2]]),
            "rating_models": evaluate(self.games),
        }


async def simulate(cfg: SimConfig, progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """Run the simulation; returns the report (see ``Metrics.report``)."""
    with tempfile.TemporaryDirectory(prefix="evosim-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'sim.db'}"
        upgrade(url)
        clock = ManualClock(START)
        settings = Settings(  # type: ignore[call-arg]
            database_url=url, data_dir=Path(tmp), matcher=cfg.strategy, rating_model=cfg.rating_model,
            wave_interval_s=cfg.wave_interval_s,
            aborts_per_month=100, _env_file=None,
        )  # fmt: skip
        ladder = build(settings, clock=clock)
        await ladder.start(expiry_interval_s=3600, run_waves=False)
        try:
            return await _run(ladder, clock, cfg, progress)
        finally:
            await ladder.stop()


async def _run(ladder: Any, clock: ManualClock, cfg: SimConfig, progress: Callable[[float], None] | None) -> dict:  # type: ignore[type-arg]
    rng = random.Random(cfg.seed)
    pool = [m.name for m in ladder.pack.map_pool()]
    population = make_population(cfg.players, pool, cfg.seed)
    by_id = {p.id: p for p in population}
    names = "abcdefghijklmnopqrstuvwxyz"
    for p in population:
        await ladder.players.ensure(p.id, f"sim{p.id}")
        await ladder.players.accept_tos(PlayerId(p.id))
        name = "Sim" + "".join(names[int(d)] for d in str(p.id))
        await ladder.players.complete_setup(PlayerId(p.id), SetupInput(name, f"{name}#{p.id}", "ZZ", p.region))
    metrics = Metrics()
    events: list[tuple[float, int, str, Any]] = []
    seq = 0

    def push(t: float, kind: str, payload: Any) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, seq, kind, payload))

    horizon = cfg.days * 86400.0
    for p in population:
        push(next_session_start(p, 0.0, rng), ARRIVE, (p.id, 0))
    push(cfg.wave_interval_s, WAVE, None)
    games_left: dict[int, float] = {}
    joined: dict[int, float] = {}
    last_progress = 0.0
    while events:
        t, _, kind, payload = heapq.heappop(events)
        if t > horizon:
            break
        clock.set(START + timedelta(seconds=t))
        if progress and t - last_progress > 3600:
            progress(t / horizon)
            last_progress = t
        if kind == ARRIVE:
            pid, _ = payload
            player = by_id[pid]
            if pid in joined or ladder.queue.is_queued(PlayerId(pid)):
                continue
            if pid not in games_left or games_left[pid] <= 0:
                games_left[pid] = max(1.0, rng.expovariate(1 / player.games_per_session))
            await ladder.queue.join(QueueRequest(PlayerId(pid), player.bw_race, player.sc2_race, player.vetoes))
            metrics.joins += 1
            joined[pid] = t
            push(t + player.patience_s, ABANDON, (pid, t))
        elif kind == ABANDON:
            pid, joined_at = payload
            if joined.get(pid) == joined_at and ladder.queue.is_queued(PlayerId(pid)):
                await ladder.queue.leave(PlayerId(pid))
                metrics.abandoned += 1
                joined.pop(pid, None)
                games_left[pid] = 0
                push(next_session_start(by_id[pid], t, rng), ARRIVE, (pid, 0))
        elif kind == WAVE:
            report = await ladder.queue.run_wave()
            for match in report.matches:
                for pid in (match.player1, match.player2):
                    metrics.waits.append(t - joined.pop(int(pid)))
                metrics.gaps.append(abs(match.mmr1 - match.mmr2))
                skill1 = by_id[int(match.player1)].skill[match.race1]
                metrics.true_gaps.append(abs(skill1 - by_id[int(match.player2)].skill[match.race2]))
                metrics.servers[match.server] += 1
                await ladder.matches.confirm(match.id, match.player1)
                await ladder.matches.confirm(match.id, match.player2)
                push(t + rng.uniform(8, 25) * 60, GAME_END, match)
            push(t + cfg.wave_interval_s, WAVE, None)
        elif kind == GAME_END:
            await _finish(ladder, payload, by_id, rng, metrics)
            for pid in (int(payload.player1), int(payload.player2)):
                games_left[pid] = games_left.get(pid, 1) - 1
                player = by_id[pid]
                if games_left[pid] > 0 and rng.random() < cfg.continue_probability:
                    push(t + rng.uniform(30, 180), ARRIVE, (pid, 0))
                else:
                    games_left[pid] = 0
                    push(next_session_start(player, t, rng), ARRIVE, (pid, 0))
    if progress:
        progress(1.0)
    return {"strategy": cfg.strategy, "rating_model": ladder.ctx.model.name, **metrics.report()}


async def _finish(ladder: Any, match: Any, by_id: dict[int, SimPlayer], rng: random.Random, metrics: Metrics) -> None:
    p1, p2 = by_id[int(match.player1)], by_id[int(match.player2)]
    prob = win_probability(p1.skill[match.race1], p2.skill[match.race2])
    roll = rng.random()
    outcome = Outcome.DRAW if abs(roll - prob) < 0.01 else (Outcome.PLAYER1_WON if roll < prob else Outcome.PLAYER2_WON)
    r1 = ladder.ctx.cache.rating(match.player1, match.race1)
    r2 = ladder.ctx.cache.rating(match.player2, match.race2)
    experienced = bool(r1 and r2 and r1.games_played >= 10 and r2.games_played >= 10)
    predicted = ladder.ctx.model.expected(
        RatingState(match.mmr1, match.rd1, match.vol1), RatingState(match.mmr2, match.rd2, match.vol2)
    )
    metrics.predictions.append((predicted, outcome.score_for_player1(), experienced))
    metrics.games.append(
        ((int(match.player1), match.race1), (int(match.player2), match.race2), outcome.score_for_player1())
    )
    await ladder.matches.report(match.id, match.player1, outcome)
    await ladder.matches.report(match.id, match.player2, outcome)
