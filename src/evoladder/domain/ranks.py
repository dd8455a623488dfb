"""Letter ranks: fixed shares of the ranked entries, handed out by leaderboard position.

The old system's rule, kept exactly so a player's letter does not change when we replace it:

* shares: S 1 %, A 7 %, B 21 %, C 21 %, D 21 %, E 21 %, F 8 % of the *n* ranked entries;
* each letter first gets ``floor(n * share)``;
* the remainder (at most 6, the sum of seven fractional parts) goes one by one to D, C, E, B;
* anything still left goes to A, F, S when F's count is larger than S's and A's together, otherwise
  to F, A, S, cycling through that order while something remains;
* positions 1..n are dealt S first, then A, ... F last.

So the letter of an entry is a function of its position and of *n* alone; nothing is stored per
entry, and the leaderboard never has to "recompute ranks" after a match: it recomputes this table
(seven integers) when *n* changes. Unranked entries are ``U`` and have no position.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Letter(StrEnum):
    """A letter rank. ``U`` is an unranked entry (no games, or inactive for too long)."""

    S = "S"
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    U = "U"


RANKED_LETTERS: tuple[Letter, ...] = (Letter.S, Letter.A, Letter.B, Letter.C, Letter.D, Letter.E, Letter.F)
"""The ranked letters in position order: S holds the top positions, F the bottom ones."""

SHARES_PERCENT: dict[Letter, int] = {
    Letter.S: 1,
    Letter.A: 7,
    Letter.B: 21,
    Letter.C: 21,
    Letter.D: 21,
    Letter.E: 21,
    Letter.F: 8,
}
"""Each ranked letter's share of the ranked entries, in whole percent (they sum to 100)."""

_FIRST_REMAINDER = (Letter.D, Letter.C, Letter.E, Letter.B)
_IF_F_LARGER = (Letter.A, Letter.F, Letter.S)
_OTHERWISE = (Letter.F, Letter.A, Letter.S)


def allocate_rank_counts(n: int) -> dict[Letter, int]:
    """How many of ``n`` ranked entries get each ranked letter (keys S..F, in that order).

    Integer arithmetic only, so there is no float rounding at any ``n``. Raises ``ValueError`` for a
    negative ``n``. The counts always sum to ``n``.
    """
    if n < 0:
        raise ValueError(f"the number of ranked entries cannot be negative, got {n}")
    counts = {letter: n * SHARES_PERCENT[letter] // 100 for letter in RANKED_LETTERS}
    remainder = n - sum(counts.values())
    for letter in _FIRST_REMAINDER:
        if remainder == 0:
            break
        counts[letter] += 1
        remainder -= 1
    while remainder > 0:
        order = _IF_F_LARGER if counts[Letter.F] > counts[Letter.S] + counts[Letter.A] else _OTHERWISE
        for letter in order:
            if remainder == 0:
                break
            counts[letter] += 1
            remainder -= 1
    return counts


@dataclass(frozen=True, slots=True)
class RankTable:
    """The letter boundaries for one ranked count ``n``.

    ``ends[i]`` is the last position (1-based, inclusive) of ``RANKED_LETTERS[i]``, so letter ``i``
    covers positions ``ends[i-1] + 1 .. ends[i]`` (empty when the count is 0).
    """

    n: int
    counts: tuple[int, ...]
    ends: tuple[int, ...]

    def letter_for(self, position: int) -> Letter:
        """The letter at a 1-based position; raises ``ValueError`` outside ``1..n``."""
        if not 1 <= position <= self.n:
            raise ValueError(f"position {position} is outside 1..{self.n}")
        return RANKED_LETTERS[bisect.bisect_left(self.ends, position)]

    def span(self, letter: Letter) -> tuple[int, int]:
        """The 0-based half-open index range ``[start, stop)`` of a ranked letter's positions."""
        i = RANKED_LETTERS.index(letter)
        return (self.ends[i - 1] if i else 0), self.ends[i]

    def count(self, letter: Letter) -> int:
        """How many entries hold ``letter`` (0 for ``U``, which has no share)."""
        return 0 if letter is Letter.U else self.counts[RANKED_LETTERS.index(letter)]


@lru_cache(maxsize=64)
def rank_table(n: int) -> RankTable:
    """The (cached) boundary table for ``n`` ranked entries."""
    counts = allocate_rank_counts(n)
    ends: list[int] = []
    total = 0
    for letter in RANKED_LETTERS:
        total += counts[letter]
        ends.append(total)
    return RankTable(n=n, counts=tuple(counts[letter] for letter in RANKED_LETTERS), ends=tuple(ends))


def letter_for_position(position: int, n: int) -> Letter:
    """The letter of the entry at 1-based ``position`` among ``n`` ranked entries."""
    return rank_table(n).letter_for(position)
