"""A wave's queue as numpy columns, so both strategies can work on thousands of players at once.

Entries are sorted by player id first: every later tie-break uses this position, which is what
makes a wave deterministic regardless of the order the service read the queue in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.errors import InvalidInput
from evoladder.domain.matchmaking.maps import MapPool
from evoladder.domain.matchmaking.model import Game, QueueEntry

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class Roster:
    """Columns over ``entries`` (sorted by player id). A missing race has MMR NaN."""

    entries: tuple[QueueEntry, ...]
    bw_mmr: FloatArray
    sc2_mmr: FloatArray
    waves: FloatArray
    veto: NDArray[np.int64]
    region: IntArray

    @classmethod
    def build(cls, entries: Sequence[QueueEntry], pool: MapPool) -> Roster:
        """Raises ``InvalidInput`` (field ``entries``) if a player is queued twice."""
        ordered = tuple(sorted(entries, key=lambda e: e.player_id))
        for prev, cur in pairwise(ordered):
            if prev.player_id == cur.player_id:
                raise InvalidInput(
                    f"Player {cur.player_id} is queued twice in one wave.",
                    field="entries",
                    reason="duplicate_player",
                    player_id=cur.player_id,
                )
        regions = {code: i for i, code in enumerate(sorted({e.region for e in ordered}))}
        nan = float("nan")
        return cls(
            entries=ordered,
            bw_mmr=np.array([e.bw.mmr if e.bw else nan for e in ordered], dtype=np.float64),
            sc2_mmr=np.array([e.sc2.mmr if e.sc2 else nan for e in ordered], dtype=np.float64),
            waves=np.array([e.waves_waited for e in ordered], dtype=np.float64),
            veto=np.array([pool.veto_mask(e.vetoes) for e in ordered], dtype=np.int64),
            region=np.array([regions[e.region] for e in ordered], dtype=np.intp),
        )

    def __len__(self) -> int:
        return len(self.entries)

    def mmr(self, side: Game) -> FloatArray:
        return self.bw_mmr if side is Game.BW else self.sc2_mmr

    def can_play(self, side: Game) -> NDArray[np.bool_]:
        return np.asarray(~np.isnan(self.mmr(side)))
