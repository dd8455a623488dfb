"""Candidate pairs: which BW-side role may meet which SC2-side role in this wave.

A *role* is one player on one side; a "both" player may have a role on each side. A candidate
joins a BW role and an SC2 role of two different players whose gap the larger of their two windows
accepts and who share at least one map. Two generators:

* ``all_candidates``: every acceptable pair (the old greedy needs them all). Each side searches
  its own window around its MMR in the other side's sorted MMRs, so the work is proportional to the
  number of acceptable pairs, not to ``n**2``.
* ``nearest_candidates``: for each role only the ``k`` nearest roles above and below on the other
  side (then filtered the same way). With a min-cost matcher the far ones are almost never used,
  and this keeps a 10,000-player wave at O(n k) edges instead of millions.

Both return edges in a deterministic order (roles sorted by MMR, ties by roster position).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.matchmaking.maps import MapPool
from evoladder.domain.matchmaking.model import Game

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class Side:
    """The roles on one side: their roster positions and their MMR for that side."""

    player: IntArray
    mmr: FloatArray

    def __len__(self) -> int:
        return len(self.player)

    def sorted_order(self) -> IntArray:
        """Role indices by MMR, ties by roster position (hence by player id)."""
        return np.lexsort((self.player, self.mmr))


@dataclass(frozen=True, slots=True, eq=False)
class Edges:
    """Candidate pairs as parallel arrays: BW role index, SC2 role index, MMR gap."""

    bw: IntArray
    sc2: IntArray
    gap: FloatArray

    def __len__(self) -> int:
        return len(self.bw)

    def take(self, keep: NDArray[np.bool_] | IntArray) -> Edges:
        return Edges(bw=self.bw[keep], sc2=self.sc2[keep], gap=self.gap[keep])


def _expand(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """For ranges ``[lo[i], hi[i])`` return (owner i, position) for every position in every range."""
    counts = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(len(lo), dtype=np.intp), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(int(counts.sum()), dtype=np.intp) - np.repeat(starts - lo, counts)
    return owner, pos


def _finish(
    bw: Side, sc2: Side, bw_idx: IntArray, sc2_idx: IntArray, window: FloatArray, veto: NDArray[np.int64], pool: MapPool
) -> Edges:
    """Drop self-pairs, pairs outside the larger window, and pairs without a common map."""
    p, q = bw.player[bw_idx], sc2.player[sc2_idx]
    gap = np.abs(bw.mmr[bw_idx] - sc2.mmr[sc2_idx])
    keep = (p != q) & (gap <= np.maximum(window[p], window[q])) & pool.feasible(veto[p], veto[q])
    return Edges(bw=bw_idx[keep], sc2=sc2_idx[keep], gap=gap[keep])


def all_candidates(bw: Side, sc2: Side, window: FloatArray, veto: NDArray[np.int64], pool: MapPool) -> Edges:
    """Every acceptable pair. ``window`` and ``veto`` are indexed by roster position."""
    if len(bw) == 0 or len(sc2) == 0:
        return _finish(bw, sc2, np.empty(0, np.intp), np.empty(0, np.intp), window, veto, pool)
    s_order, b_order = sc2.sorted_order(), bw.sorted_order()
    s_mmr, b_mmr = sc2.mmr[s_order], bw.mmr[b_order]
    # Pass 1: pairs the BW role's own window accepts.
    w_b = window[bw.player]
    lo = np.searchsorted(s_mmr, bw.mmr - w_b, side="left")
    hi = np.searchsorted(s_mmr, bw.mmr + w_b, side="right")
    b1, pos = _expand(lo, hi)
    s1 = s_order[pos]
    # Pass 2: pairs only the SC2 role's window accepts (the rest were found in pass 1).
    w_s = window[sc2.player]
    lo = np.searchsorted(b_mmr, sc2.mmr - w_s, side="left")
    hi = np.searchsorted(b_mmr, sc2.mmr + w_s, side="right")
    s2, pos = _expand(lo, hi)
    b2 = b_order[pos]
    outside_own = np.abs(bw.mmr[b2] - sc2.mmr[s2]) > w_b[b2]
    return _finish(
        bw, sc2, np.concatenate([b1, b2[outside_own]]), np.concatenate([s1, s2[outside_own]]), window, veto, pool
    )


def _around(at: IntArray, k: int, size: int) -> tuple[IntArray, IntArray]:
    """For insertion points ``at`` in a sorted array of ``size``: (owner, rank) for ranks ``[at-k, at+k)``."""
    ranks = at[:, None] + np.arange(-k, k, dtype=np.intp)[None, :]
    ok = (ranks >= 0) & (ranks < size)
    owner = np.broadcast_to(np.arange(len(at), dtype=np.intp)[:, None], ranks.shape)[ok]
    return owner, ranks[ok]


def nearest_candidates(
    bw: Side,
    sc2: Side,
    k: int,
    window: FloatArray,
    veto: NDArray[np.int64],
    pool: MapPool,
    *,
    only_from: Game | None = None,
) -> Edges:
    """For every role, its ``k`` nearest opponents above and below by MMR; the union, filtered.

    ``only_from`` limits the search to the roles of one side (their nearest opponents only).
    """
    if len(bw) == 0 or len(sc2) == 0:
        return _finish(bw, sc2, np.empty(0, np.intp), np.empty(0, np.intp), window, veto, pool)
    s_order, b_order = sc2.sorted_order(), bw.sorted_order()
    # From each BW role: SC2 ranks [at - k, at + k) around its insertion point.
    b_at = np.searchsorted(sc2.mmr[s_order], bw.mmr, side="left")
    b1, ranks = _around(b_at, k, len(sc2))
    s1 = s_order[ranks]
    if only_from is Game.BW:
        return _finish(bw, sc2, b1, s1, window, veto, pool)
    # From each SC2 role, symmetrically, skipping pairs the BW side already offered.
    s2, ranks = _around(np.searchsorted(bw.mmr[b_order], sc2.mmr, side="left"), k, len(bw))
    b2 = b_order[ranks]
    if only_from is Game.SC2:
        return _finish(bw, sc2, b2, s2, window, veto, pool)
    s_rank = np.empty(len(sc2), dtype=np.intp)
    s_rank[s_order] = np.arange(len(sc2))
    rel = s_rank[s2] - b_at[b2]
    fresh = (rel < -k) | (rel >= k)
    return _finish(bw, sc2, np.concatenate([b1, b2[fresh]]), np.concatenate([s1, s2[fresh]]), window, veto, pool)
