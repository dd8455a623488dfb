"""The old bot's matcher, kept as a strategy: the yardstick ours must beat, and a fallback.

Faithful to its rules:

1. A "both" player goes to the side where their MMR is higher (BW on a tie), and stays there.
2. Window ``100 + 50 * waves``; a pair is acceptable if EITHER player's window covers the gap.
   Pairs without a common map after vetoes are not candidates.
3. Score ``gap - priority(a) - priority(b)``, ``priority = 20 * waves ** 1.25``; pairs are taken
   greedily by ascending score (ties: lower BW player id, then lower SC2 player id).
4. Two passes over the pairs in the order they were taken: for each pair i and each later pair j,
   swap their SC2 players when that lowers ``gap_i**2 + gap_j**2`` and both new pairs are still
   acceptable and share a map; pair i then continues scanning with its new partner.

Greedy by sorted score runs as locally dominant rounds (``greedy.greedy_matching``): a few numpy
rounds instead of a Python loop over millions of candidate pairs, with the same result (tested
against the naive loop).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.matchmaking.assemble import assemble
from evoladder.domain.matchmaking.candidates import Edges, Side, all_candidates
from evoladder.domain.matchmaking.config import MatcherConfig
from evoladder.domain.matchmaking.greedy import greedy_matching
from evoladder.domain.matchmaking.maps import MapPool
from evoladder.domain.matchmaking.model import Game, MapChoice, QueueEntry, WaveResult
from evoladder.domain.matchmaking.protocol import ServerFor
from evoladder.domain.matchmaking.roster import Roster
from evoladder.domain.matchmaking.window import baseline_priority, baseline_window

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


def stronger_side(entry: QueueEntry) -> Game:
    """The side the old matcher gives ``entry``: the only one it has, else its higher MMR (BW on ties)."""
    if entry.bw is None:
        return Game.SC2
    if entry.sc2 is None:
        return Game.BW
    return Game.BW if entry.bw.mmr >= entry.sc2.mmr else Game.SC2


class BaselineMatcher:
    """The old greedy matcher (see the module docstring). Implements ``MatchingStrategy``."""

    name = "baseline"

    def __init__(self, config: MatcherConfig | None = None) -> None:
        self.config = config or MatcherConfig()

    def window(self, waves: int) -> float:
        return float(baseline_window(waves, self.config.baseline))

    def pair_window(self, a: QueueEntry, b: QueueEntry) -> float:
        return max(self.window(a.waves_waited), self.window(b.waves_waited))

    def run_wave(
        self, entries: Sequence[QueueEntry], pool: Sequence[MapChoice], server_for: ServerFor, rng: random.Random
    ) -> WaveResult:
        maps = MapPool.build(pool, self.config)
        roster = Roster.build(entries, maps)
        params = self.config.baseline
        on_bw = np.array([stronger_side(e) is Game.BW for e in roster.entries], dtype=bool)
        bw_players = np.flatnonzero(on_bw)
        sc2_players = np.flatnonzero(~on_bw)
        bw = Side(player=bw_players, mmr=roster.bw_mmr[bw_players])
        sc2 = Side(player=sc2_players, mmr=roster.sc2_mmr[sc2_players])
        window = baseline_window(roster.waves, params)
        edges = all_candidates(bw, sc2, window, roster.veto, maps)
        priority = baseline_priority(roster.waves, params)
        p, q = bw.player[edges.bw], sc2.player[edges.sc2]
        score = edges.gap - priority[p] - priority[q]
        edges = edges.take(np.lexsort((q, p, score)))
        taken = edges.take(greedy_matching(len(roster), bw.player[edges.bw], sc2.player[edges.sc2]))
        partner = self._swap_passes(bw, sc2, taken, window, roster.veto, maps)
        pairs = zip(bw.player[taken.bw].tolist(), sc2.player[partner].tolist(), strict=True)
        return assemble(roster, entries, pairs, maps, server_for, rng)

    def _swap_passes(
        self, bw: Side, sc2: Side, taken: Edges, window: FloatArray, veto: NDArray[np.int64], maps: MapPool
    ) -> IntArray:
        """Returns the SC2 role of each taken pair after the swap passes (BW roles do not move)."""
        b_mmr = bw.mmr[taken.bw]
        b_win = window[bw.player[taken.bw]]
        b_veto = veto[bw.player[taken.bw]]
        partner = taken.sc2.copy()
        s_mmr = sc2.mmr[partner]
        s_win = window[sc2.player[partner]]
        s_veto = veto[sc2.player[partner]]
        m = len(partner)
        for _ in range(self.config.baseline.swap_passes):
            for i in range(m - 1):
                j = i + 1
                while j < m:
                    # Swapping lowers the sum of squared gaps iff the two pairs cross in MMR order.
                    crossing = np.flatnonzero((b_mmr[i] - b_mmr[j:]) * (s_mmr[i] - s_mmr[j:]) < 0) + j
                    found = -1
                    for c in crossing.tolist():
                        if (
                            abs(b_mmr[i] - s_mmr[c]) <= max(b_win[i], s_win[c])
                            and abs(b_mmr[c] - s_mmr[i]) <= max(b_win[c], s_win[i])
                            and bool(maps.feasible(b_veto[i], s_veto[c]))
                            and bool(maps.feasible(b_veto[c], s_veto[i]))
                        ):
                            found = c
                            break
                    if found < 0:
                        break
                    for arr in (partner, s_mmr, s_win, s_veto):
                        arr[i], arr[found] = arr[found], arr[i]
                    j = found + 1
        return partner
