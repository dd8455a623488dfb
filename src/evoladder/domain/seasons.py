"""Season rollover rules: how ratings carry over, and which queued vetoes survive a new map pool.

Pure functions; the season service applies them in one transaction.

Default carry-over: **keep**. Letter ranks are positions among players active in the last 14 days,
so the board already renews itself without touching MMR; resetting MMR would only make the first
weeks' matches worse (the matcher pairs by MMR) and hand placement noise to the top of the board.
What a new season does reset is the record: games, wins, losses and draws start from zero, so every
entry is unranked until it plays its first game of the season and the new board fills up as players
return. ``soft`` moves every MMR toward the starting MMR by ``factor`` (0.25 = a quarter of the way)
for ladders that want a shake-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from evoladder.domain.errors import InvalidInput
from evoladder.domain.ids import MapName


class CarryOver(StrEnum):
    KEEP = "keep"
    SOFT = "soft"


def carried_mmr(mmr: int, mode: CarryOver, *, factor: float, mean: int) -> int:
    """A rating's MMR in the new season."""
    if mode is CarryOver.KEEP:
        return mmr
    if not 0.0 <= factor <= 1.0:
        raise InvalidInput("The soft-reset factor must be between 0 and 1.", field="factor", value=factor)
    return round(mean + (mmr - mean) * (1.0 - factor))


def surviving_vetoes(
    vetoes: Iterable[MapName], pool: Iterable[MapName]
) -> tuple[frozenset[MapName], frozenset[MapName]]:
    """Split a queued player's vetoes into (kept, dropped) for the new map pool."""
    in_pool = set(pool)
    chosen = set(vetoes)
    return frozenset(chosen & in_pool), frozenset(chosen - in_pool)
