"""When ranked entries fall out of the 14-day window: a min-heap of (last played, slot).

Why a heap and not a check at read time: finding the expired entries by scanning every
``last_played`` costs ~1 ms per read at 1M entries (see the benchmark's ``activity_at_read_time``);
the heap pops only what actually expires (about one entry a second at 1M).

Why numpy columns and not ``heapq`` on a list: a Python list of 660k integers is one object the
garbage collector walks element by element, adding ~12 ms to every full collection of the whole
process (measured); numpy buffers are invisible to it, and a build can hand over the sorted arrays
it has filled chunk by chunk (a sorted array is a valid heap) instead of pushing 660k items. The
price is a sift written in Python (~10 us per pop), which only expiries pay: a push carries the
newest time, the common case, and stops at once.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


class ExpiryHeap:
    """Min-heap on ``key`` (last played, us) carrying a ``slot``; ties in any order."""

    def __init__(self, capacity: int = 1024) -> None:
        self.keys: NDArray[np.int64] = np.empty(capacity, np.int64)
        self.slots: NDArray[np.int64] = np.empty(capacity, np.int64)
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def min_key(self) -> int:
        return int(self.keys[0])

    def adopt_sorted(self, keys: NDArray[np.int64], slots: NDArray[np.int64], size: int) -> None:
        """Take over buffers whose first ``size`` items are in ascending key order (builds only).

        The buffers' spare length is the heap's room to grow without copying.
        """
        if self.size:
            raise ValueError("adopt_sorted replaces an empty heap only")
        self.keys, self.slots, self.size = keys, slots, size

    def push(self, key: int, slot: int) -> None:
        if self.size == len(self.keys):
            self._grow()
        keys, slots = self.keys, self.slots
        i = self.size
        self.size += 1
        while i:
            parent = (i - 1) >> 1
            if keys[parent] <= key:
                break
            keys[i], slots[i] = keys[parent], slots[parent]
            i = parent
        keys[i], slots[i] = key, slot

    def pop(self) -> tuple[int, int]:
        """Remove and return the ``(key, slot)`` with the smallest key (the heap must not be empty)."""
        keys, slots = self.keys, self.slots
        top = int(keys[0]), int(slots[0])
        self.size -= 1
        n = self.size
        key, slot = keys[n], slots[n]
        if n:
            i = 0
            while True:
                child = 2 * i + 1
                if child >= n:
                    break
                if child + 1 < n and keys[child + 1] < keys[child]:
                    child += 1
                if keys[child] >= key:
                    break
                keys[i], slots[i] = keys[child], slots[child]
                i = child
            keys[i], slots[i] = key, slot
        return top

    def _grow(self) -> None:
        capacity = max(16, 2 * len(self.keys))
        for name in ("keys", "slots"):
            grown = np.empty(capacity, np.int64)
            grown[: self.size] = getattr(self, name)[: self.size]
            setattr(self, name, grown)
