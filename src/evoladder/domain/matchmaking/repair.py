"""Make the relaxed assignment legal: a "both" player plays at most one match per wave.

The assignment lets a "both" player's BW role and SC2 role be paired separately. In its result
every player touches at most two pairs (one per role), so the pairs form disjoint paths and
cycles of players (``x - p - y``: x plays p, p plays y). On each path or cycle we keep the set of
pairs with no shared player and the largest total value — a textbook dynamic programme, exact
for what it is given. Players it drops are left free for the caller's next round.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


def _best_on_path(values: Sequence[float]) -> tuple[float, list[int]]:
    """Max-value subset of a sequence of edges where neighbours conflict; (value, chosen positions)."""
    best = [0.0] * (len(values) + 1)
    for i, v in enumerate(values):
        best[i + 1] = max(best[i], (best[i - 1] if i >= 1 else 0.0) + v)
    chosen: list[int] = []
    i = len(values)
    while i > 0:
        if best[i] != best[i - 1]:
            chosen.append(i - 1)
            i -= 2
        else:
            i -= 1
    return best[-1], chosen[::-1]


def _best_on_cycle(values: Sequence[float]) -> list[int]:
    """As ``_best_on_path``, but the last edge also conflicts with the first."""
    m = len(values)
    without_last, chosen_a = _best_on_path(values[: m - 1])
    inner, chosen_b = _best_on_path(values[1 : m - 2]) if m > 3 else (0.0, [])
    with_last = values[m - 1] + inner
    if with_last > without_last:
        return [i + 1 for i in chosen_b] + [m - 1]
    return chosen_a


def resolve_double_use(first: IntArray, second: IntArray, values: FloatArray) -> IntArray:
    """Indices of the pairs to keep so no player appears twice, maximising the kept total value.

    ``first[e]`` and ``second[e]`` are the two players of pair ``e``; each player may appear in at
    most two pairs (otherwise ``ValueError``). Returned indices are sorted. Pairs whose players
    appear nowhere else are kept without looking further: usually nearly all of them.
    """
    if len(first) == 0:
        return np.empty(0, dtype=np.intp)
    counts = np.bincount(np.concatenate([first, second]))
    alone = (counts[first] == 1) & (counts[second] == 1)
    chained = np.flatnonzero(~alone)
    kept = _resolve_chains(first[chained].tolist(), second[chained].tolist(), values[chained].tolist())
    return np.sort(np.concatenate([np.flatnonzero(alone), chained[kept]]))


def _resolve_chains(first: Sequence[int], second: Sequence[int], values: Sequence[float]) -> list[int]:
    """The exact part of ``resolve_double_use``: walk each path or cycle and keep its best pairs."""
    touching: dict[int, list[int]] = defaultdict(list)
    for e, (a, b) in enumerate(zip(first, second, strict=True)):
        touching[a].append(e)
        touching[b].append(e)
    if any(len(edges) > 2 for edges in touching.values()):
        raise ValueError("a player appears in more than two pairs")

    def across(edge: int, player: int) -> int:
        return second[edge] if first[edge] == player else first[edge]

    def next_edge(edge: int, player: int) -> int | None:
        others = [f for f in touching[player] if f != edge]
        return others[0] if others else None

    kept: list[int] = []
    done = [False] * len(first)
    for start in range(len(first)):
        if done[start]:
            continue
        # Walk backwards from ``start`` to an end of its path, or all the way round a cycle.
        edge, player, cycle = start, first[start], False
        while (prev := next_edge(edge, player)) is not None:
            if prev == start:
                cycle = True
                break
            edge, player = prev, across(prev, player)
        # Then forwards, collecting the edges in order.
        chain = [edge]
        player = across(edge, player)
        while (nxt := next_edge(chain[-1], player)) is not None and nxt != edge:
            chain.append(nxt)
            player = across(nxt, player)
        for e in chain:
            done[e] = True
        weights = [values[e] for e in chain]
        picks = _best_on_cycle(weights) if cycle else _best_on_path(weights)[1]
        kept.extend(chain[i] for i in picks)
    return sorted(kept)
