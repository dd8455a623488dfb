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
   the larger of the two windows covers the gap and a map survives both players' vetoes. With at
   most ``exhaustive_limit`` free players, every acceptable pair is a candidate instead.
3. Cost ``gap + gap**2/gap_quadratic_scale - bonus(a) - bonus(b) + region penalty``; leaving a
   role unpaired costs ``match_reward / 2`` (see ``config.GlobalParams``).
4. Assignment: min-cost BW-vs-SC2 matching by MMR band (``assignment.min_cost_pairs``). This is a
   relaxation: a "both" player's two roles may both be paired.
5. Repair: ``repair.resolve_double_use`` keeps, on each chain of such pairs, the best set where no
   player appears twice. The dropped players are free again for the next round, where their
   candidates are recomputed among players still free.

A final sweep pairs, greedily by cost, any acceptable pair still left among the free players
(over all acceptable pairs, not only the nearest), so no two leftovers could have played each other.
Last, ``augment.augment`` re-pairs existing pairs where that fits one more pair in (augmenting
paths of length three), which recovers most players an odd chain cost in step 5; and waves of at
most ``exhaustive_limit`` players are completed to a maximum number of pairs (``blossom.py``).

No player is ever used twice (step 5 guarantees it, and a paired player leaves the pool), every
pair is BW vs SC2 by construction (edges only join a BW role to an SC2 role of another player).
Everything is vectorised except the chain repair and the augmenting pass (Python loops over the few
chained or free players) and the blossom pass, which only small waves get.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.matchmaking.assemble import assemble
from evoladder.domain.matchmaking.assignment import min_cost_pairs
from evoladder.domain.matchmaking.augment import augment
from evoladder.domain.matchmaking.blossom import maximize_pairs
from evoladder.domain.matchmaking.candidates import Edges, Side, all_candidates, nearest_candidates
from evoladder.domain.matchmaking.config import MatcherConfig
from evoladder.domain.matchmaking.greedy import greedy_matching
from evoladder.domain.matchmaking.maps import MapPool
from evoladder.domain.matchmaking.model import Game, MapChoice, QueueEntry, WaveResult
from evoladder.domain.matchmaking.protocol import ServerFor
from evoladder.domain.matchmaking.repair import resolve_double_use
from evoladder.domain.matchmaking.roster import Roster
from evoladder.domain.matchmaking.window import global_window, wait_bonus

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


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
        free = np.ones(len(roster), dtype=bool)
        pairs: list[tuple[int, int]] = []

        def take(p: IntArray, q: IntArray) -> None:
            free[p] = False
            free[q] = False
            pairs.extend(zip(p.tolist(), q.tolist(), strict=True))

        for _ in range(params.rounds):
            bw, sc2 = self._roles(roster, free, Game.BW), self._roles(roster, free, Game.SC2)
            if free.sum() <= params.exhaustive_limit:
                edges = all_candidates(bw, sc2, window, roster.veto, maps)
            else:
                edges = nearest_candidates(bw, sc2, params.candidates_per_side, window, roster.veto, maps)
            p, q = bw.player[edges.bw], sc2.player[edges.sc2]
            cost = self._cost(roster, edges, p, q)
            chosen = min_cost_pairs(bw, sc2, edges, cost, params.match_reward / 2, params.band_size)
            kept = chosen[resolve_double_use(p[chosen], q[chosen], params.match_reward - cost[chosen])]
            if kept.size == 0:
                break
            take(p[kept], q[kept])
        # Sweep: the nearest-k cut, the band cuts and the round limit may hide a few acceptable
        # pairs; pair them greedily by cost so that no two leftovers could have played each other.
        bw, sc2 = self._roles(roster, free, Game.BW), self._roles(roster, free, Game.SC2)
        edges = all_candidates(bw, sc2, window, roster.veto, maps)
        p, q = bw.player[edges.bw], sc2.player[edges.sc2]
        order = np.lexsort((q, p, self._cost(roster, edges, p, q)))
        taken = order[greedy_matching(len(roster), p[order], q[order])]
        take(p[taken], q[taken])
        pairs = augment(roster, window, maps, pairs, params.candidates_per_side)
        if len(roster) <= params.exhaustive_limit and 2 * len(pairs) < len(roster):
            pairs = maximize_pairs(roster, window, maps, pairs)
        return pairs

    def _cost(self, roster: Roster, edges: Edges, p: IntArray, q: IntArray) -> FloatArray:
        """Pair cost in MMR points (lower is better); see ``config.GlobalParams``."""
        params = self.config.matcher
        bonus = wait_bonus(roster.waves, params)
        return np.asarray(
            edges.gap
            + edges.gap**2 / params.gap_quadratic_scale
            - bonus[p]
            - bonus[q]
            + params.cross_region_penalty * (roster.region[p] != roster.region[q])
        )

    @staticmethod
    def _roles(roster: Roster, free: NDArray[np.bool_], side: Game) -> Side:
        players = np.flatnonzero(free & roster.can_play(side))
        return Side(player=players, mmr=roster.mmr(side)[players])
