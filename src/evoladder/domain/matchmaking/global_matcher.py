"""Our matcher: the whole wave's pairing chosen at once by a min-cost matching.

Why global: the old greedy takes the best-looking pair first and may strand two players who each
had one acceptable opponent, both taken. A min-cost matching sees every trade-off at once: it pairs
as many players as the windows allow, then among those pairings prefers small gaps and long waiters.
It also decides per wave which side a "both" player takes, instead of always sending them to their
stronger race — a free extra player on whichever side is short.

How, for each round (at most ``rounds``, stopping early when a round pairs nobody):

1. Roles: every free player who can play BW has a BW role (their BW MMR), every free player who can
   play SC2 an SC2 role. A "both" player has one of each.
2. Candidates: each role's ``candidates_per_side`` nearest opponent roles above and below, kept if
   the larger of the two windows covers the gap and a map survives both players' vetoes.
3. Cost ``gap + gap**2/gap_quadratic_scale - bonus(a) - bonus(b) + region penalty``; leaving a
   role unpaired costs ``match_reward / 2`` (see ``config.GlobalParams``).
4. Assignment: min-cost BW-vs-SC2 matching by MMR band (``assignment.min_cost_pairs``). This is a
   relaxation: a "both" player's two roles may both be paired.
5. Repair: ``repair.resolve_double_use`` keeps, on each chain of such pairs, the best set where no
   player appears twice. The dropped players are free again for the next round, where their
   candidates are recomputed among players still free.

No player is ever used twice (step 5 guarantees it, and a paired player leaves the pool), every
pair is BW vs SC2 by construction (edges only join a BW role to an SC2 role of another player),
and all work is vectorised except the repair of the few chains that need it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.matchmaking.assemble import assemble
from evoladder.domain.matchmaking.assignment import min_cost_pairs
from evoladder.domain.matchmaking.candidates import Side, nearest_candidates
from evoladder.domain.matchmaking.config import MatcherConfig
from evoladder.domain.matchmaking.maps import MapPool
from evoladder.domain.matchmaking.model import Game, MapChoice, QueueEntry, WaveResult
from evoladder.domain.matchmaking.protocol import ServerFor
from evoladder.domain.matchmaking.repair import resolve_double_use
from evoladder.domain.matchmaking.roster import Roster
from evoladder.domain.matchmaking.window import global_window, wait_bonus


class GlobalMatcher:
    """Min-cost global pairing (see the module docstring). Implements ``MatchingStrategy``."""

    name = "global"

    def __init__(self, config: MatcherConfig | None = None) -> None:
        self.config = config or MatcherConfig()

    def window(self, waves: int) -> float:
        return float(global_window(waves, self.config.matcher))

    def pair_window(self, a: QueueEntry, b: QueueEntry) -> float:
        return max(self.window(a.waves_waited), self.window(b.waves_waited))

    def run_wave(
        self, entries: Sequence[QueueEntry], pool: Sequence[MapChoice], server_for: ServerFor, rng: random.Random
    ) -> WaveResult:
        maps = MapPool.build(pool, self.config)
        roster = Roster.build(entries, maps)
        pairs = self.pair_positions(roster, maps)
        return assemble(roster, entries, pairs, maps, server_for, rng)

    def pair_positions(self, roster: Roster, maps: MapPool) -> list[tuple[int, int]]:
        """The chosen (BW player, SC2 player) roster positions; each position at most once."""
        params = self.config.matcher
        window = global_window(roster.waves, params)
        bonus = wait_bonus(roster.waves, params)
        free = np.ones(len(roster), dtype=bool)
        pairs: list[tuple[int, int]] = []
        for _ in range(params.rounds):
            bw = self._roles(roster, free, Game.BW)
            sc2 = self._roles(roster, free, Game.SC2)
            edges = nearest_candidates(bw, sc2, params.candidates_per_side, window, roster.veto, maps)
            if len(edges) == 0:
                break
            p, q = bw.player[edges.bw], sc2.player[edges.sc2]
            cost = (
                edges.gap
                + edges.gap**2 / params.gap_quadratic_scale
                - bonus[p]
                - bonus[q]
                + params.cross_region_penalty * (roster.region[p] != roster.region[q])
            )
            chosen = min_cost_pairs(bw, sc2, edges, cost, params.match_reward / 2, params.band_size)
            value = params.match_reward - cost[chosen]
            kept = chosen[resolve_double_use(p[chosen].tolist(), q[chosen].tolist(), value.tolist())]
            if kept.size == 0:
                break
            free[p[kept]] = False
            free[q[kept]] = False
            pairs.extend(zip(p[kept].tolist(), q[kept].tolist(), strict=True))
        return pairs

    @staticmethod
    def _roles(roster: Roster, free: NDArray[np.bool_], side: Game) -> Side:
        players = np.flatnonzero(free & roster.can_play(side))
        return Side(player=players, mmr=roster.mmr(side)[players])
