"""Growable numpy columns: per-entry and per-player attributes stored without a Python object each.

Why not a list of dataclasses: at 1M entries, a million small tracked objects cost ~300 MB and make
every full garbage collection walk them (tens of ms, on the event loop). Numpy columns cost a few
bytes per field, are invisible to the GC, and can be gathered for a whole page in one call.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

NO_TIME = np.iinfo(np.int64).min
"""Stored for a missing ``last_played`` (and for "no expiry scheduled")."""


class Columns:
    """Named 1-D (or 2-D, rows first) numpy arrays sharing one length and an amortised capacity."""

    def __init__(self, specs: dict[str, tuple[Any, tuple[int, ...], int | float]], capacity: int = 1024) -> None:
        self._specs = specs
        self.size = 0
        self.capacity = max(capacity, 16)
        self._arrays: dict[str, NDArray[Any]] = {
            name: np.empty((self.capacity, *shape), dtype=dtype) for name, (dtype, shape, _) in specs.items()
        }

    def __getitem__(self, name: str) -> NDArray[Any]:
        return self._arrays[name]

    def reserve(self, capacity: int) -> None:
        """Make room for ``capacity`` rows (doubling, so appends are amortised O(1)).

        New memory is left untouched (``np.empty``) so its pages fault in later, a chunk at a time,
        as rows are appended; only the existing rows are copied.
        """
        if capacity <= self.capacity:
            return
        new_cap = max(capacity, self.capacity * 2)
        for name, (dtype, shape, _) in self._specs.items():
            grown = np.empty((new_cap, *shape), dtype=dtype)
            grown[: self.size] = self._arrays[name][: self.size]
            self._arrays[name] = grown
        self.capacity = new_cap

    def append_rows(self, count: int) -> int:
        """Add ``count`` rows holding the fill values; returns the index of the first new row."""
        first = self.size
        self.reserve(first + count)
        for name, (_, _, fill) in self._specs.items():
            self._arrays[name][first : first + count] = fill
        self.size += count
        return first


V = TypeVar("V")
_SHARDS = 64
# Shard k receives a share of keys proportional to k + 1: shards grow at different speeds, so their
# resizes (each a full rehash of that shard) fall in different steps instead of all at once.
_SHARD_OF = np.repeat(np.arange(_SHARDS), np.arange(1, _SHARDS + 1)).tolist()
_SPREAD = len(_SHARD_OF)  # 2080
_MIX = 0x9E3779B97F4A7C15  # Fibonacci hashing: consecutive ids land far apart


class IntMap(Generic[V]):
    """An int-keyed mapping split over 64 dicts of staggered sizes.

    Why: a growing dict rehashes every key in one C call, ~20 ms for the 1M entry ids of a large
    build. Split evenly, 64 shards fed consecutive ids would all resize in the same step; with
    shares 1..64 the largest shard holds 3 % of the keys and resizes alone. Dicts holding only ints
    and strings are also left untracked by the garbage collector.
    """

    __slots__ = ("_shards",)

    def __init__(self) -> None:
        self._shards: list[dict[int, V]] = [{} for _ in range(_SHARDS)]

    def _shard(self, key: int) -> dict[int, V]:
        return self._shards[_SHARD_OF[((key * _MIX) & 0xFFFFFFFFFFFFFFFF) % _SPREAD]]

    def get(self, key: int) -> V | None:
        return self._shard(key).get(key)

    def __getitem__(self, key: int) -> V:
        return self._shard(key)[key]

    def __setitem__(self, key: int, value: V) -> None:
        self._shard(key)[key] = value

    def __contains__(self, key: int) -> bool:
        return key in self._shard(key)

    def pop(self, key: int, default: V | None = None) -> V | None:
        return self._shard(key).pop(key, default)

    def __len__(self) -> int:
        return sum(len(shard) for shard in self._shards)
