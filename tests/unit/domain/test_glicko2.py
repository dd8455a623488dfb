"""Glicko-2 against the worked example in Glickman's paper, plus basic properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evoladder.domain.glicko2 import SCALE, Glicko2Model, GlickoRating, _e, _g

MODEL = Glicko2Model(min_rd=0.0)


def test_paper_example_one_rating_period() -> None:
    """Glickman's example: 1500/200 plays 1400/30 (win), 1550/100 (loss), 1700/300 (loss) in one period.

    Our update is one game per period, so reproduce the paper's period by summing its terms here and
    check the published result (1464.06, RD 151.52, volatility 0.05999).
    """
    me = GlickoRating(1500, 200, 0.06)
    opps = [(GlickoRating(1400, 30), 1.0), (GlickoRating(1550, 100), 0.0), (GlickoRating(1700, 300), 0.0)]
    v_inv = sum(_g(o.phi) ** 2 * _e(me.mu, o.mu, o.phi) * (1 - _e(me.mu, o.mu, o.phi)) for o, _ in opps)
    v = 1 / v_inv
    delta = v * sum(_g(o.phi) * (s - _e(me.mu, o.mu, o.phi)) for o, s in opps)
    sigma = MODEL._volatility(me.phi, me.volatility, v, delta)
    assert sigma == pytest.approx(0.05999, abs=1e-5)
    phi_star = math.sqrt(me.phi**2 + sigma**2)
    phi_new = 1 / math.sqrt(1 / phi_star**2 + 1 / v)
    mu_new = me.mu + phi_new**2 * sum(_g(o.phi) * (s - _e(me.mu, o.mu, o.phi)) for o, s in opps)
    assert 1500 + SCALE * mu_new == pytest.approx(1464.06, abs=0.01)
    assert SCALE * phi_new == pytest.approx(151.52, abs=0.01)


def test_win_raises_loss_lowers_and_rd_shrinks() -> None:
    a, b = GlickoRating(), GlickoRating()
    a2, b2 = MODEL.rate(a, b, 1.0)
    assert a2.rating > 1500 > b2.rating
    assert a2.rd < a.rd and b2.rd < b.rd
    assert a2.rating - 1500 == pytest.approx(1500 - b2.rating)


def test_provisional_until_rd_drops() -> None:
    model = Glicko2Model()
    r, opp = model.new_rating(), GlickoRating(1500, 60)
    games = 0
    while model.is_provisional(r):
        r = model.update(r, opp, 1.0 if games % 2 else 0.0)
        games += 1
    assert 3 <= games <= 20


@given(st.floats(800, 2400), st.floats(30, 350), st.floats(800, 2400), st.floats(30, 350))
def test_expected_is_a_probability_and_symmetric(r1: float, d1: float, r2: float, d2: float) -> None:
    a, b = GlickoRating(r1, d1), GlickoRating(r2, d2)
    p = MODEL.expected(a, b)
    assert 0.0 < p < 1.0
    assert p + MODEL.expected(b, a) == pytest.approx(1.0)
