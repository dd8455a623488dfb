"""Greedy matching by a fixed edge order, computed in a few vectorised rounds.

Sequential greedy (walk the edges best first, take an edge when both its players are free) is
what the old matcher did. The same matching falls out of "locally dominant" rounds: an edge that
comes before every other live edge at both its endpoints is one sequential greedy would take, so
take all of them at once, drop the edges touching a taken player, repeat. The best live edge is
always dominant, so every round makes progress. Works for any graph, bipartite or not, because it
reasons about players, not sides.

Edges are consumed in growing chunks of the order: an edge dominant within the live part of a
prefix is dominant overall (every edge outside the prefix comes later), so rounds only ever touch
a prefix, and the long tail of edges whose players are long taken is discarded in one pass each.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.intp]


def greedy_matching(n_players: int, first: IntArray, second: IntArray) -> IntArray:
    """Indices of the edges sequential greedy takes, for edges already sorted best first.

    ``first[e]`` and ``second[e]`` are the two players (``0 <= player < n_players``, distinct) of
    edge ``e``. Returned indices are sorted, i.e. in the order greedy took them.
    """
    taken = np.zeros(n_players, dtype=bool)
    earliest = np.empty(n_players, dtype=np.intp)
    chosen: list[IntArray] = []
    start, chunk = 0, max(1024, 4 * n_players)
    while start < len(first) and not taken.all():
        alive = np.arange(start, min(start + chunk, len(first)), dtype=np.intp)
        start, chunk = start + chunk, 2 * chunk
        while alive.size:
            a, b = first[alive], second[alive]
            alive = alive[~(taken[a] | taken[b])]
            if not alive.size:
                break
            a, b = first[alive], second[alive]
            earliest[a] = len(first)
            earliest[b] = len(first)
            np.minimum.at(earliest, a, alive)
            np.minimum.at(earliest, b, alive)
            picked = alive[(earliest[a] == alive) & (earliest[b] == alive)]
            chosen.append(picked)
            taken[first[picked]] = True
            taken[second[picked]] = True
    return np.sort(np.concatenate(chosen)) if chosen else np.empty(0, dtype=np.intp)
