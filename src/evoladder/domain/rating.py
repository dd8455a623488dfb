"""Rating models behind one small interface: the old system's Elo, and Glicko-2.

A model rates one game between two ``RatingState``s. Elo uses only the MMR; Glicko-2 also carries a
deviation and a volatility. The model that rated a match is recorded with the match, and the model a
ladder uses is recorded in the database, so a different configuration never rewrites existing
ratings silently (see ``services/ratings.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol

from evoladder.domain.glicko2 import Glicko2Model, GlickoRating


class Outcome(IntEnum):
    """A match result from player 1's point of view, using the old system's report codes."""

    DRAW = 0
    PLAYER1_WON = 1
    PLAYER2_WON = 2

    def score_for_player1(self) -> float:
        return {Outcome.DRAW: 0.5, Outcome.PLAYER1_WON: 1.0, Outcome.PLAYER2_WON: 0.0}[self]


@dataclass(frozen=True, slots=True)
class RatingState:
    """What a model knows about one player with one race. ``rd``/``volatility`` are Glicko-2 only."""

    mmr: int
    rd: float | None = None
    volatility: float | None = None


class RatingModel(Protocol):
    """What the match service needs from a rating model."""

    @property
    def name(self) -> str: ...

    @property
    def initial(self) -> int: ...

    def start(self) -> RatingState:
        """A new player's rating."""
        ...

    def expected(self, a: RatingState, b: RatingState) -> float:
        """Probability that ``a`` beats ``b`` (a draw counts half)."""
        ...

    def rate(self, a: RatingState, b: RatingState, outcome: Outcome) -> tuple[RatingState, RatingState]:
        """Both players' new states after one game (``outcome`` from ``a``'s side as player 1)."""
        ...


@dataclass(frozen=True, slots=True)
class EloModel:
    """The old system's MMR: start 1500, K 40, logistic with scale 500, draws score 0.5.

    ``new = round(old + K * (score - expected))``, where
    ``expected = 1 / (1 + 10 ** ((opponent - mine) / scale))``. Each player is rounded
    independently (round half to even), as the old bot did, so the two deltas can differ by one.
    """

    name: str = "elo"
    initial: int = 1500
    k: float = 40.0
    scale: float = 500.0

    def start(self) -> RatingState:
        return RatingState(self.initial)

    def expected_mmr(self, mine: int, theirs: int) -> float:
        return float(1.0 / (1.0 + 10.0 ** ((theirs - mine) / self.scale)))

    def expected(self, a: RatingState, b: RatingState) -> float:
        return self.expected_mmr(a.mmr, b.mmr)

    def rate(self, a: RatingState, b: RatingState, outcome: Outcome) -> tuple[RatingState, RatingState]:
        score1 = outcome.score_for_player1()
        e1 = self.expected_mmr(a.mmr, b.mmr)
        new1 = round(a.mmr + self.k * (score1 - e1))
        new2 = round(b.mmr + self.k * ((1.0 - score1) - (1.0 - e1)))
        return RatingState(new1), RatingState(new2)


@dataclass(frozen=True, slots=True)
class Glicko2RatingModel:
    """Glicko-2 as a ladder model: MMR is the rounded Glicko rating; RD and volatility are stored."""

    name: str = "glicko2"
    initial: int = 1500
    math: Glicko2Model = field(default_factory=Glicko2Model)

    def start(self) -> RatingState:
        g = self.math.new_rating()
        return RatingState(round(g.rating), g.rd, g.volatility)

    def _g(self, s: RatingState) -> GlickoRating:
        fresh = self.math.new_rating()
        return GlickoRating(
            float(s.mmr),
            s.rd if s.rd is not None else fresh.rd,
            s.volatility if s.volatility is not None else fresh.volatility,
        )

    def expected(self, a: RatingState, b: RatingState) -> float:
        return self.math.expected(self._g(a), self._g(b))

    def rate(self, a: RatingState, b: RatingState, outcome: Outcome) -> tuple[RatingState, RatingState]:
        new_a, new_b = self.math.rate(self._g(a), self._g(b), outcome.score_for_player1())
        return (
            RatingState(round(new_a.rating), new_a.rd, new_a.volatility),
            RatingState(round(new_b.rating), new_b.rd, new_b.volatility),
        )

    def is_provisional(self, s: RatingState) -> bool:
        return s.rd is None or s.rd > self.math.provisional_rd


MODELS: dict[str, RatingModel] = {"elo": EloModel(), "glicko2": Glicko2RatingModel()}
DEFAULT_MODEL: RatingModel = MODELS["elo"]


def model_named(name: str) -> RatingModel:
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"unknown rating model {name!r}: {', '.join(MODELS)}") from None
