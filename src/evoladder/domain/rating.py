"""Rating models. The ladder's default is the old system's Elo-like MMR, kept faithfully.

A rating model is a small interface (``RatingModel``) so a second, uncertainty-aware model can
sit beside it; the model that rated a match is recorded with the match, so switching models never
rewrites existing ratings silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol


class Outcome(IntEnum):
    """A match result from player 1's point of view, using the old system's report codes."""

    DRAW = 0
    PLAYER1_WON = 1
    PLAYER2_WON = 2

    def score_for_player1(self) -> float:
        return {Outcome.DRAW: 0.5, Outcome.PLAYER1_WON: 1.0, Outcome.PLAYER2_WON: 0.0}[self]


@dataclass(frozen=True, slots=True)
class RatingChange:
    """New ratings for both players; ``delta1`` and ``delta2`` are what each gained (may be < 0)."""

    new1: int
    new2: int

    def deltas(self, old1: int, old2: int) -> tuple[int, int]:
        return self.new1 - old1, self.new2 - old2


class RatingModel(Protocol):
    """What the match service needs from a rating model."""

    name: str
    initial: int

    def expected(self, mine: int, theirs: int) -> float:
        """Probability-like expected score of ``mine`` against ``theirs`` (0..1)."""
        ...

    def rate(self, mmr1: int, mmr2: int, outcome: Outcome) -> RatingChange:
        """New ratings after one game between ratings ``mmr1`` and ``mmr2``."""
        ...


@dataclass(frozen=True, slots=True)
class EloModel:
    """The old system's MMR: start 1500, K 40, logistic with scale 500, draws score 0.5.

    ``new = round(old + K * (score - expected))``, where
    ``expected = 1 / (1 + 10 ** ((opponent - mine) / scale))``. Each player is rounded
    independently, as the old bot did, so the two deltas can differ by one point.
    """

    name: str = "elo"
    initial: int = 1500
    k: float = 40.0
    scale: float = 500.0

    def expected(self, mine: int, theirs: int) -> float:
        return float(1.0 / (1.0 + 10.0 ** ((theirs - mine) / self.scale)))

    def rate(self, mmr1: int, mmr2: int, outcome: Outcome) -> RatingChange:
        score1 = outcome.score_for_player1()
        e1 = self.expected(mmr1, mmr2)
        e2 = 1.0 - e1
        new1 = round(mmr1 + self.k * (score1 - e1))
        new2 = round(mmr2 + self.k * ((1.0 - score1) - e2))
        return RatingChange(new1=new1, new2=new2)


DEFAULT_MODEL = EloModel()
