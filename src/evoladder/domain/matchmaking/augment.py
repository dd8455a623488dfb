"""Fit one more pair in by re-pairing an existing one: augmenting paths of length three.

After the rounds and the sweep no two free players can play each other, but the pairing may still
not be the largest possible: free ``u`` could play matched ``x`` while ``x``'s opponent ``y``
could play free ``v``. Re-pairing ``(x, y)`` as ``(u, x)`` and ``(y, v)`` adds a match and strands
nobody. Such leftovers mostly come from the repair step (an odd chain of "both" players always
drops one player), so this pass recovers most of what the relaxation gave up.

Cost grows with the free players, not the queue: each free role's nearest matched roles by MMR
come from one vectorised call per orientation, and a partner ``v`` for ``y`` is looked up by
bisection among the (few) free players' sorted MMRs. Every pair made passes the same window and
veto checks as everywhere else, and the pass only ever adds pairs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.matchmaking.candidates import Side, nearest_candidates
from evoladder.domain.matchmaking.maps import MapPool
from evoladder.domain.matchmaking.model import Game
from evoladder.domain.matchmaking.roster import Roster

FloatArray = NDArray[np.float64]

TRIES_PER_PLAYER = 8
"""How many of a free player's closest matched candidates are tried."""


class _Augmenter:
    def __init__(self, roster: Roster, window: FloatArray, maps: MapPool, pairs: list[tuple[int, int]]) -> None:
        self.roster, self.maps, self.window_array = roster, maps, window
        self.window = window.tolist()
        self.veto = roster.veto.tolist()
        self.mmr = {Game.BW: roster.bw_mmr.tolist(), Game.SC2: roster.sc2_mmr.tolist()}
        self.partner = np.full(len(roster), -1, dtype=np.intp)
        for p, q in pairs:
            self.partner[p], self.partner[q] = q, p
        self.oriented: dict[frozenset[int], tuple[int, int]] = {frozenset(pq): pq for pq in pairs}
        free = self.partner < 0
        # Free roles by side, sorted by (MMR, position), for bisection.
        self.free_roles: dict[Game, tuple[list[float], list[int]]] = {}
        for side in Game:
            players = np.flatnonzero(free & roster.can_play(side))
            mmr = roster.mmr(side)[players]
            order = np.lexsort((players, mmr))
            self.free_roles[side] = (mmr[order].tolist(), players[order].tolist())
        self.widest_free = float(window[free].max()) if free.any() else 0.0

    def candidates_of_free(self, k: int) -> dict[int, list[tuple[float, int, bool]]]:
        """Free player -> sorted (gap, matched player, True when the free player would play BW)."""
        free = self.partner < 0
        links: dict[int, list[tuple[float, int, bool]]] = defaultdict(list)
        for side in Game:
            f = np.flatnonzero(free & self.roster.can_play(side))
            m = np.flatnonzero(~free & self.roster.can_play(side.other))
            f_side = Side(player=f, mmr=self.roster.mmr(side)[f])
            m_side = Side(player=m, mmr=self.roster.mmr(side.other)[m])
            if side is Game.BW:
                e = nearest_candidates(
                    f_side, m_side, k, self.window_array, self.roster.veto, self.maps, only_from=side
                )
                fp, mp = f[e.bw], m[e.sc2]
            else:
                e = nearest_candidates(
                    m_side, f_side, k, self.window_array, self.roster.veto, self.maps, only_from=side
                )
                fp, mp = f[e.sc2], m[e.bw]
            for a, b, g in zip(fp.tolist(), mp.tolist(), e.gap.tolist(), strict=True):
                links[a].append((g, b, side is Game.BW))
        return {u: sorted(v) for u, v in links.items()}

    def free_partner_for(self, y: int, not_this: int) -> tuple[int, bool] | None:
        """The closest free player ``y`` may play (not ``not_this``), and whether they play BW."""
        best: tuple[float, int, bool] | None = None
        for y_side in Game:
            m = self.mmr[y_side][y]
            if m != m:  # NaN: y cannot play this side
                continue
            mmrs, players = self.free_roles[y_side.other]
            reach = max(self.window[y], self.widest_free)
            for i in range(bisect_left(mmrs, m - reach), bisect_right(mmrs, m + reach)):
                v, gap = players[i], abs(mmrs[i] - m)
                if (
                    v != not_this
                    and v != y
                    and self.partner[v] < 0
                    and gap <= max(self.window[y], self.window[v])
                    and self.maps.full_mask & ~(self.veto[y] | self.veto[v])
                    and (best is None or (gap, v) < best[:2])
                ):
                    best = (gap, v, y_side is Game.SC2)
        return None if best is None else (best[1], best[2])

    def run(self, k: int) -> list[tuple[int, int]]:
        for u, links in sorted(self.candidates_of_free(k).items()):
            if self.partner[u] >= 0:  # paired as somebody's ``v`` earlier in this pass
                continue
            for _, x, u_bw in links[:TRIES_PER_PLAYER]:
                y = int(self.partner[x])
                found = self.free_partner_for(y, not_this=u)
                if found is None:
                    continue
                v, v_bw = found
                del self.oriented[frozenset((x, y))]
                self.oriented[frozenset((u, x))] = (u, x) if u_bw else (x, u)
                self.oriented[frozenset((y, v))] = (v, y) if v_bw else (y, v)
                self.partner[u], self.partner[x], self.partner[y], self.partner[v] = x, u, v, y
                break
        return list(self.oriented.values())


def augment(
    roster: Roster, window: FloatArray, maps: MapPool, pairs: list[tuple[int, int]], k: int
) -> list[tuple[int, int]]:
    """``pairs`` ((BW, SC2) roster positions) after every length-three augmentation found.

    ``k`` is how many nearest matched roles above and below each free role are considered.
    """
    if len(pairs) == 0 or 2 * len(pairs) == len(roster):
        return pairs
    return _Augmenter(roster, window, maps, pairs).run(k)
