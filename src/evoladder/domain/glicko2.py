"""Glicko-2 (Glickman, 2012), per player per race, updated after every game.

An uncertainty-aware alternative to the ladder's Elo: each rating carries a deviation (RD) that
shrinks as games are played and grows with inactivity, and a volatility. A rating is
*provisional* while its RD is above ``provisional_rd``. Pure math, no I/O; the simulator compares
it with Elo on the same games (see docs/matchmaking.md for the numbers and the decision).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SCALE = 173.7178
"""Glicko-2's conversion between the public 1500-centred scale and its internal scale."""


@dataclass(frozen=True, slots=True)
class GlickoRating:
    rating: float = 1500.0
    rd: float = 350.0
    volatility: float = 0.06

    @property
    def mu(self) -> float:
        return (self.rating - 1500.0) / SCALE

    @property
    def phi(self) -> float:
        return self.rd / SCALE


def _g(phi: float) -> float:
    return 1.0 / math.sqrt(1.0 + 3.0 * phi * phi / (math.pi * math.pi))


def _e(mu: float, mu_j: float, phi_j: float) -> float:
    return 1.0 / (1.0 + math.exp(-_g(phi_j) * (mu - mu_j)))


@dataclass(frozen=True, slots=True)
class Glicko2Model:
    """Glicko-2 with one game per rating period. ``tau`` constrains volatility changes."""

    name: str = "glicko2"
    initial: int = 1500
    initial_rd: float = 350.0
    initial_volatility: float = 0.06
    tau: float = 0.5
    provisional_rd: float = 110.0
    min_rd: float = 45.0

    def new_rating(self) -> GlickoRating:
        return GlickoRating(float(self.initial), self.initial_rd, self.initial_volatility)

    def is_provisional(self, r: GlickoRating) -> bool:
        return r.rd > self.provisional_rd

    def expected(self, a: GlickoRating, b: GlickoRating) -> float:
        """Probability that ``a`` beats ``b``, accounting for both deviations."""
        phi = math.sqrt(a.phi**2 + b.phi**2)
        return 1.0 / (1.0 + math.exp(-_g(phi) * (a.mu - b.mu)))

    def update(self, me: GlickoRating, opp: GlickoRating, score: float) -> GlickoRating:
        """My new rating after one game with ``score`` (1 win, 0.5 draw, 0 loss) against ``opp``."""
        mu, phi, sigma = me.mu, me.phi, me.volatility
        g = _g(opp.phi)
        e = _e(mu, opp.mu, opp.phi)
        v = 1.0 / (g * g * e * (1.0 - e))
        delta = v * g * (score - e)
        new_sigma = self._volatility(phi, sigma, v, delta)
        phi_star = math.sqrt(phi * phi + new_sigma * new_sigma)
        new_phi = 1.0 / math.sqrt(1.0 / (phi_star * phi_star) + 1.0 / v)
        new_mu = mu + new_phi * new_phi * g * (score - e)
        rd = max(self.min_rd, min(self.initial_rd, new_phi * SCALE))
        return GlickoRating(1500.0 + new_mu * SCALE, rd, new_sigma)

    def rate(self, a: GlickoRating, b: GlickoRating, score_a: float) -> tuple[GlickoRating, GlickoRating]:
        """Both players' new ratings after one game, each updated from the other's old rating."""
        return self.update(a, b, score_a), self.update(b, a, 1.0 - score_a)

    def _volatility(self, phi: float, sigma: float, v: float, delta: float) -> float:
        """Step 5 of Glickman's paper: the Illinois algorithm on f(x) = 0."""
        a = math.log(sigma * sigma)
        tau2 = self.tau * self.tau

        def f(x: float) -> float:
            ex = math.exp(x)
            top = ex * (delta * delta - phi * phi - v - ex)
            bottom = 2.0 * (phi * phi + v + ex) ** 2
            return top / bottom - (x - a) / tau2

        big_a = a
        if delta * delta > phi * phi + v:
            big_b = math.log(delta * delta - phi * phi - v)
        else:
            k = 1
            while f(a - k * self.tau) < 0:
                k += 1
            big_b = a - k * self.tau
        fa, fb = f(big_a), f(big_b)
        for _ in range(100):
            if abs(big_b - big_a) <= 1e-6:
                break
            c = big_a + (big_a - big_b) * fa / (fb - fa)
            fc = f(c)
            if fc * fb <= 0:
                big_a, fa = big_b, fb
            else:
                fa /= 2.0
            big_b, fb = c, fc
        return math.exp(big_a / 2.0)
