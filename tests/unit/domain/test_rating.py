"""The old system's Elo-like MMR, pinned on hand-computed values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evoladder.domain.rating import EloModel, Outcome, RatingState

ELO = EloModel()


def test_defaults_are_the_old_systems() -> None:
    assert (ELO.initial, ELO.k, ELO.scale) == (1500, 40.0, 500.0)


@pytest.mark.parametrize(
    ("mmr1", "mmr2", "outcome", "new1", "new2"),
    [
        # equal ratings: expected 0.5 each, K/2 = 20 points
        (1500, 1500, Outcome.PLAYER1_WON, 1520, 1480),
        (1500, 1500, Outcome.PLAYER2_WON, 1480, 1520),
        (1500, 1500, Outcome.DRAW, 1500, 1500),
        # 1600 vs 1500: e1 = 1/(1+10^(-100/500)) = 0.61314; 40*(1-0.61314) = 15.47 -> 15
        (1600, 1500, Outcome.PLAYER1_WON, 1615, 1485),
        # upset: 1600 - 24.53 = 1575.47 -> 1575; 1500 + 24.53 = 1524.53 -> 1525
        (1600, 1500, Outcome.PLAYER2_WON, 1575, 1525),
        # draw: 40*(0.5-0.61314) = -4.53 -> 1595; player 2 +4.53 -> 1505
        (1600, 1500, Outcome.DRAW, 1595, 1505),
        # 2000 vs 1000: e1 = 1/(1+10^-2) = 0.990099; win gains 0.396 -> 0
        (2000, 1000, Outcome.PLAYER1_WON, 2000, 1000),
        # loss costs 39.6 -> 1960, player 2 gains 39.6 -> 1040
        (2000, 1000, Outcome.PLAYER2_WON, 1960, 1040),
    ],
)
def test_hand_computed(mmr1: int, mmr2: int, outcome: Outcome, new1: int, new2: int) -> None:
    a, b = ELO.rate(RatingState(mmr1), RatingState(mmr2), outcome)
    assert (a.mmr, b.mmr) == (new1, new2)


def test_expected_score_formula() -> None:
    assert ELO.expected_mmr(1500, 1500) == pytest.approx(0.5)
    assert ELO.expected_mmr(1600, 1500) == pytest.approx(1 / (1 + 10 ** (-100 / 500)))
    assert ELO.expected_mmr(1500, 1600) + ELO.expected_mmr(1600, 1500) == pytest.approx(1.0)


@given(st.integers(0, 4000), st.integers(0, 4000), st.sampled_from(list(Outcome)))
def test_changes_are_bounded_and_nearly_zero_sum(a: int, b: int, outcome: Outcome) -> None:
    s1, s2 = ELO.rate(RatingState(a), RatingState(b), outcome)
    d1, d2 = s1.mmr - a, s2.mmr - b
    assert abs(d1) <= 40 and abs(d2) <= 40
    assert abs(d1 + d2) <= 1  # independent rounding can leave one point
    if outcome is Outcome.PLAYER1_WON:
        assert d1 >= 0 >= d2
    if outcome is Outcome.PLAYER2_WON:
        assert d1 <= 0 <= d2


def test_model_interface_expected_uses_states() -> None:
    assert ELO.expected(RatingState(1600), RatingState(1500)) == pytest.approx(ELO.expected_mmr(1600, 1500))
    assert ELO.start() == RatingState(1500)
