"""The contract every matching strategy fulfils, so the service and the simulator can swap them."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Protocol

from evoladder.domain.ids import RegionCode, ServerCode
from evoladder.domain.matchmaking.model import MapChoice, QueueEntry, WaveResult

ServerFor = Callable[[RegionCode, RegionCode], ServerCode]
"""The cross-table: the game server for two residential regions (BW player's region first)."""


class MatchingStrategy(Protocol):
    """Pairs one wave of queued players. Pure: no I/O, no clock, randomness only from ``rng``.

    ``run_wave`` returns pairs where player 1 plays BW and player 2 plays SC2, each entry is used at
    most once, neither player vetoed the map, and the MMR gap is within ``pair_window``; every other
    entry comes back as a leftover. The same inputs and the same ``rng`` state give the same result,
    whatever order ``entries`` and ``pool`` are passed in. Raises ``InvalidInput`` if a player is
    queued twice or the pool is malformed; nothing else.
    """

    name: str

    def run_wave(
        self,
        entries: Sequence[QueueEntry],
        pool: Sequence[MapChoice],
        server_for: ServerFor,
        rng: random.Random,
    ) -> WaveResult: ...

    def pair_window(self, a: QueueEntry, b: QueueEntry) -> float:
        """The largest MMR gap this strategy accepts between ``a`` and ``b`` in this wave."""
        ...
