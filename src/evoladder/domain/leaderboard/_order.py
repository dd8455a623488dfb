"""The ranked entries in board order: one numpy array per attribute, position = index + 1.

The order is MMR descending, then last played descending, then entry id ascending, i.e. ascending
by the key ``(-mmr, -last_played_us, entry_id)``. Keeping it as flat arrays means:

* a position is an index, so a letter (a function of position) needs no per-entry state;
* a letter filter is a slice, and every other filter is one vectorised pass over a slice;
* a match moves an entry by the MMR it won or lost: the arrays between its old and new index shift
  by one (a memmove of ``distance x 17`` bytes, microseconds even at 1M entries); an entry joining
  or leaving the ranked set shifts the tail (~1 ms at 1M, ~10 us at 20k).

Finding an entry's index is two binary searches on ``negmmr`` (kept per position for that) plus a
search inside its MMR tie group on keys gathered from the per-entry columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.leaderboard._columns import Columns

ORDER_SPECS: dict[str, tuple[Any, tuple[int, ...], int | float]] = {
    "slot": (np.int32, (), -1),  # which entry (row of the per-entry columns)
    "player": (np.int32, (), -1),  # dense player index, for best-race and name filters
    "race": (np.uint8, (), 0),
    "country": (np.int16, (), -1),  # -1: no country
    "prec": (np.uint16, (), 0),  # bit set of the races this entry's player has *ahead* of it
    "negmmr": (np.int32, (), 0),
}
OrderValues = tuple[int, int, int, int, int, int]
"""``(slot, player, race, country, prec, negmmr)`` of one position, in ``ORDER_SPECS`` order."""


class OrderIndex:
    """Ranked entries sorted by ``(-mmr, -last_played, entry_id)``; see the module docstring."""

    def __init__(self, capacity: int = 1024) -> None:
        self.cols = Columns(ORDER_SPECS, capacity)

    @property
    def n(self) -> int:
        return self.cols.size

    def array(self, name: str) -> NDArray[Any]:
        """The live prefix ``[:n]`` of one attribute (a view: do not keep it across mutations)."""
        return self.cols[name][: self.cols.size]

    def bisect(self, negmmr: int, neglp: int, eid: int, slot_neglp: NDArray[Any], slot_eid: NDArray[Any]) -> int:
        """Index where the key ``(negmmr, neglp, eid)`` is or would be inserted (bisect-left)."""
        n = self.cols.size
        by_mmr = self.cols["negmmr"][:n]
        key = np.int32(negmmr)  # a Python int would make searchsorted cast the whole array to int64
        lo = int(by_mmr.searchsorted(key, "left"))
        hi = int(by_mmr.searchsorted(key, "right"))
        if lo == hi:
            return lo
        group = self.cols["slot"][lo:hi]
        group_lp = slot_neglp[group]
        a = int(group_lp.searchsorted(neglp, "left"))
        b = int(group_lp.searchsorted(neglp, "right"))
        if a == b:
            return lo + a
        return lo + a + int(slot_eid[group[a:b]].searchsorted(eid, "left"))

    def insert(self, i: int, values: OrderValues) -> None:
        """Put a new position at index ``i``, shifting ``i..n-1`` back by one."""
        n = self.cols.size
        self.cols.append_rows(1)
        for name, value in zip(ORDER_SPECS, values, strict=True):
            arr = self.cols[name]
            arr[i + 1 : n + 1] = arr[i:n]
            arr[i] = value

    def remove(self, i: int) -> None:
        """Drop index ``i``, shifting the tail forward by one."""
        n = self.cols.size
        for name in ORDER_SPECS:
            arr = self.cols[name]
            arr[i : n - 1] = arr[i + 1 : n]
        self.cols.size = n - 1

    def remove_many(self, indices: list[int]) -> None:
        """Drop several indices at once: one compaction of the tail instead of one memmove each."""
        if len(indices) <= 4:
            for i in sorted(indices, reverse=True):
                self.remove(i)
            return
        n = self.cols.size
        first = min(indices)
        keep = np.ones(n - first, dtype=bool)
        keep[np.asarray(indices, dtype=np.int64) - first] = False
        kept = int(keep.sum())
        for name in ORDER_SPECS:
            arr = self.cols[name]
            arr[first : first + kept] = arr[first:n][keep]
        self.cols.size = first + kept

    def move(self, i: int, j: int, values: OrderValues) -> None:
        """Move the position at index ``i`` to index ``j`` (final index) and rewrite its values."""
        for name, value in zip(ORDER_SPECS, values, strict=True):
            arr = self.cols[name]
            if j < i:
                arr[j + 1 : i + 1] = arr[j:i]
            elif j > i:
                arr[i:j] = arr[i + 1 : j + 1]
            arr[j] = value

    def fill(self, start: int, values: dict[str, NDArray[Any]]) -> None:
        """Write a block of positions during a build (``values`` arrays all have the same length)."""
        count = len(values["slot"])
        if self.cols.size < start + count:
            self.cols.append_rows(start + count - self.cols.size)
        for name, arr in values.items():
            self.cols[name][start : start + count] = arr
