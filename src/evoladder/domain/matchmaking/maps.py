"""Which maps a pair may play, and the draw among them.

The rule: take the season pool, remove both players' vetoes, then keep only maps the
``MapKindRule`` allows for a BW-vs-SC2 match. If nothing is left the pair cannot be made, so both
strategies treat "no common map" as "not a candidate pair" and the players stay in the queue.

Maps are numbered in name order and a set of maps is a bit mask, so the feasibility of hundreds of
thousands of candidate pairs is one vectorised ``&``. Sorting by name also makes the draw
independent of the order the pool was passed in: same pool, same vetoes, same RNG state, same map.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from evoladder.domain.errors import InvalidInput
from evoladder.domain.ids import MapName
from evoladder.domain.matchmaking.config import MapKindRule, MatcherConfig
from evoladder.domain.matchmaking.model import Game, MapChoice

MAX_POOL_SIZE = 63
"""Map sets are masks in a signed 64-bit integer; a season pool is an order of magnitude smaller."""


def kind_allows(choice: MapChoice, rule: MapKindRule, match_kinds: frozenset[Game]) -> bool:
    """Whether ``rule`` lets this map be played in a BW-vs-SC2 match of kinds ``match_kinds``."""
    if rule is MapKindRule.ANY:
        return True
    if choice.kind is None:
        return rule is MapKindRule.MATCH_KIND
    return choice.kind in match_kinds


@dataclass(frozen=True, slots=True)
class MapPool:
    """The playable part of a season pool, with bit numbers for fast veto checks."""

    names: tuple[MapName, ...]
    index: dict[MapName, int]

    @classmethod
    def build(cls, pool: Sequence[MapChoice], config: MatcherConfig) -> MapPool:
        """Raises ``InvalidInput`` if a name appears twice or the pool exceeds ``MAX_POOL_SIZE``."""
        seen: set[MapName] = set()
        for choice in pool:
            if choice.name in seen:
                raise InvalidInput(f"Map {choice.name!r} appears twice in the pool.", field="pool", reason="duplicate")
            seen.add(choice.name)
        if len(seen) > MAX_POOL_SIZE:
            raise InvalidInput(
                f"The pool may hold at most {MAX_POOL_SIZE} maps.", field="pool", reason="too_large", count=len(seen)
            )
        names = tuple(sorted(c.name for c in pool if kind_allows(c, config.map_kind_rule, config.match_map_kinds)))
        return cls(names=names, index={name: i for i, name in enumerate(names)})

    @property
    def full_mask(self) -> int:
        return (1 << len(self.names)) - 1

    def veto_mask(self, vetoes: Iterable[MapName]) -> int:
        """The bits of the vetoed maps; vetoes of maps outside the playable pool cost nothing."""
        mask = 0
        for name in vetoes:
            bit = self.index.get(name)
            if bit is not None:
                mask |= 1 << bit
        return mask

    def feasible(self, veto_a: NDArray[np.int64], veto_b: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Element-wise: do the two players (given by their veto masks) share at least one map?"""
        return np.asarray((np.int64(self.full_mask) & ~(veto_a | veto_b)) != 0)

    def allowed(self, veto_a: int, veto_b: int) -> tuple[MapName, ...]:
        """The maps left for a pair, in name order."""
        free = self.full_mask & ~(veto_a | veto_b)
        return tuple(name for i, name in enumerate(self.names) if free >> i & 1)

    def draw(self, veto_a: int, veto_b: int, rng: random.Random) -> MapName | None:
        """One map drawn uniformly with ``rng`` from those left, or None when none is left."""
        allowed = self.allowed(veto_a, veto_b)
        return rng.choice(allowed) if allowed else None
