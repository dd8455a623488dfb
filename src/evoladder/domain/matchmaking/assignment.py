"""Min-cost BW-vs-SC2 assignment where anybody may also stay unpaired, solved band by band.

The solver (scipy's LAPJVsp, ``min_weight_full_bipartite_matching``) only finds *full*
matchings, so the graph is doubled: every BW role ``i`` gets a twin column "i unpaired" and every
SC2 role ``j`` a twin row "j unpaired", both costing ``unpaired_cost``; the twins are joined by
zero-cost copies of the real edges, transposed. A full matching always exists (everyone
unpaired), and its cost is the pairs' costs plus ``unpaired_cost`` per unpaired role, so pairing
``i`` with ``j`` pays off exactly when ``cost(i, j) < 2 * unpaired_cost``.

Scale: LAPJVsp grows faster than linearly, so roles are cut into bands of about ``band_size``
consecutive MMRs (over both sides together) and each band is solved alone; an edge across a cut is
ignored in this pass. The caller runs further rounds on whoever is left, which picks up the few
players a cut separated from their best partner.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from evoladder.domain.matchmaking.candidates import Edges, Side

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]

_GRID = 16.0


def _solve_one(n_bw: int, n_sc2: int, bw: IntArray, sc2: IntArray, cost: FloatArray, unpaired_cost: float) -> IntArray:
    """Indices of the edges (local role numbers ``bw``/``sc2``) in a min-cost matching."""
    n = n_bw + n_sc2
    e = len(bw)
    rows = np.concatenate([bw, np.arange(n_bw), n_bw + np.arange(n_sc2), n_bw + sc2])
    cols = np.concatenate([sc2, n_sc2 + np.arange(n_bw), np.arange(n_sc2), n_sc2 + bw])
    weight = np.concatenate([cost, np.full(n, unpaired_cost), np.zeros(e)])
    # LAPJVsp needs non-zero weights; a constant shift changes no optimum (every full matching has n edges).
    # Weights are then snapped to a 1/16 grid: sums of such numbers are exact in float64, and with
    # inexact sums LAPJVsp can loop forever (seen with scipy 1.17 on plain float costs).
    weight = np.round((weight - weight.min()) * _GRID) / _GRID + 1.0
    row_of, col_of = min_weight_full_bipartite_matching(csr_array((weight, (rows, cols)), shape=(n, n)))
    real = (row_of < n_bw) & (col_of < n_sc2)
    key = bw.astype(np.int64) * n_sc2 + sc2
    order = np.argsort(key, kind="stable")
    found = np.searchsorted(key[order], row_of[real].astype(np.int64) * n_sc2 + col_of[real])
    return np.asarray(order[found], dtype=np.intp)


def min_cost_pairs(
    bw: Side, sc2: Side, edges: Edges, cost: FloatArray, unpaired_cost: float, band_size: int
) -> IntArray:
    """Indices into ``edges`` of the chosen pairs: each role at most once, sorted.

    A "both" player has a role on each side and may be chosen twice here; resolving that is the
    caller's job (``repair.resolve_double_use``).
    """
    if len(edges) == 0:
        return np.empty(0, dtype=np.intp)
    merged = np.sort(np.concatenate([bw.mmr, sc2.mmr]))
    cuts = merged[band_size::band_size]
    band_bw = np.searchsorted(cuts, bw.mmr, side="right")
    band_sc2 = np.searchsorted(cuts, sc2.mmr, side="right")
    band = band_bw[edges.bw]
    inside = np.flatnonzero(band == band_sc2[edges.sc2])
    inside = inside[np.argsort(band[inside], kind="stable")]
    bounds = np.flatnonzero(np.diff(band[inside])) + 1
    chosen: list[IntArray] = []
    for group in np.split(inside, bounds):
        if group.size == 0:
            continue
        bw_ids, bw_local = np.unique(edges.bw[group], return_inverse=True)
        sc2_ids, sc2_local = np.unique(edges.sc2[group], return_inverse=True)
        picked = _solve_one(
            len(bw_ids), len(sc2_ids), bw_local.astype(np.intp), sc2_local.astype(np.intp), cost[group], unpaired_cost
        )
        chosen.append(group[picked])
    return np.sort(np.concatenate(chosen)) if chosen else np.empty(0, dtype=np.intp)
