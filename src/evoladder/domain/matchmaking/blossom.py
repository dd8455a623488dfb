"""Largest possible pairing for small waves: Edmonds' augmenting paths with blossoms.

"Both" players make the who-can-play-whom graph non-bipartite (three "both" players form a
triangle), so the shortest augmenting paths the rest of the matcher looks for can miss a longer one
through several existing pairs. In a thin queue every pair is a player not waiting another 45 s,
so for waves up to ``GlobalParams.exhaustive_limit`` players this pass completes the pairing to a
maximum-cardinality one: starting from the min-cost pairing, it searches every free player for an
augmenting path (contracting odd cycles, "blossoms", as Edmonds showed) and flips it. Flipping only
swaps partners along the path, so every pair is still acceptable; most pairs are untouched.
Cost is O(n^3) in the worst case, fine for a few hundred players.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.matchmaking.candidates import Side, all_candidates
from evoladder.domain.matchmaking.maps import MapPool
from evoladder.domain.matchmaking.model import Game
from evoladder.domain.matchmaking.roster import Roster

FloatArray = NDArray[np.float64]


class _Search:
    """One augmenting-path search from ``root`` over ``adj`` with the current ``match``."""

    def __init__(self, adj: list[list[int]], match: list[int], root: int) -> None:
        n = len(adj)
        self.adj, self.match, self.root = adj, match, root
        self.parent = [-1] * n
        self.base = list(range(n))
        self.in_tree = [False] * n
        self.in_tree[root] = True
        self.queue: deque[int] = deque([root])

    def _common_base(self, a: int, b: int) -> int:
        seen = [False] * len(self.adj)
        while True:
            a = self.base[a]
            seen[a] = True
            if self.match[a] < 0:
                break
            a = self.parent[self.match[a]]
        while True:
            b = self.base[b]
            if seen[b]:
                return b
            b = self.parent[self.match[b]]

    def _mark(self, v: int, stop: int, child: int, blossom: list[bool]) -> None:
        while self.base[v] != stop:
            blossom[self.base[v]] = blossom[self.base[self.match[v]]] = True
            self.parent[v] = child
            child = self.match[v]
            v = self.parent[self.match[v]]

    def end_of_path(self) -> int:
        """A free player reached by an augmenting path from ``root``, or -1."""
        match, parent, base = self.match, self.parent, self.base
        while self.queue:
            v = self.queue.popleft()
            for to in self.adj[v]:
                if base[v] == base[to] or match[v] == to:
                    continue
                if to == self.root or (match[to] >= 0 and parent[match[to]] >= 0):
                    stop = self._common_base(v, to)
                    blossom = [False] * len(self.adj)
                    self._mark(v, stop, to, blossom)
                    self._mark(to, stop, v, blossom)
                    for i in range(len(self.adj)):
                        if blossom[base[i]]:
                            base[i] = stop
                            if not self.in_tree[i]:
                                self.in_tree[i] = True
                                self.queue.append(i)
                elif parent[to] < 0:
                    parent[to] = v
                    if match[to] < 0:
                        return to
                    self.in_tree[match[to]] = True
                    self.queue.append(match[to])
        return -1

    def flip(self, end: int) -> None:
        v = end
        while v >= 0:
            pv = self.parent[v]
            nxt = self.match[pv]
            self.match[v], self.match[pv] = pv, v
            v = nxt


def maximize_pairs(
    roster: Roster, window: FloatArray, maps: MapPool, pairs: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """``pairs`` ((BW, SC2) roster positions) completed to a maximum number of pairs.

    A pair already made keeps its orientation; a new one takes the orientation with the smaller gap.
    """
    bw_players = np.flatnonzero(roster.can_play(Game.BW))
    sc2_players = np.flatnonzero(roster.can_play(Game.SC2))
    bw = Side(player=bw_players, mmr=roster.bw_mmr[bw_players])
    sc2 = Side(player=sc2_players, mmr=roster.sc2_mmr[sc2_players])
    edges = all_candidates(bw, sc2, window, roster.veto, maps)
    best: dict[tuple[int, int], tuple[float, int, int]] = {}
    for p, q, gap in zip(bw.player[edges.bw].tolist(), sc2.player[edges.sc2].tolist(), edges.gap.tolist(), strict=True):
        key = (min(p, q), max(p, q))
        if key not in best or (gap, p) < best[key][:2]:
            best[key] = (gap, p, q)
    adj: list[list[tuple[float, int]]] = [[] for _ in range(len(roster))]
    for gap, p, q in best.values():
        adj[p].append((gap, q))
        adj[q].append((gap, p))
    neighbours = [[v for _, v in sorted(a)] for a in adj]
    match = [-1] * len(roster)
    for p, q in pairs:
        match[p], match[q] = q, p
    for root in range(len(roster)):
        if match[root] < 0 and neighbours[root]:
            search = _Search(neighbours, match, root)
            end = search.end_of_path()
            if end >= 0:
                search.flip(end)
    kept = {frozenset(pq): pq for pq in pairs}
    result = []
    for v, w in enumerate(match):
        if 0 <= v < w:
            pair = kept.get(frozenset((v, w)))
            result.append(pair if pair is not None else best[(v, w)][1:])
    return result
