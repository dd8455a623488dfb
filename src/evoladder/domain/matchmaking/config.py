"""Every tunable of the matchmaker in one frozen value, built once by the service and passed in.

Units: MMR points for windows, gaps, bonuses and penalties; waves for waiting. Defaults of
``BaselineParams`` reproduce the old bot; defaults of ``GlobalParams`` are ours (see
``window.py`` and ``global_matcher.py`` for why they look the way they do).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from enum import StrEnum

from evoladder.domain.errors import InvalidInput
from evoladder.domain.matchmaking.model import Game

MAX_MATCH_REWARD = 1e9


class MapKindRule(StrEnum):
    """How a map's optional ``kind`` restricts where it may be played.

    A match is always BW against SC2, so "the match's kind" is a property of the queue, named by
    ``MatcherConfig.match_map_kinds``:

    * ``ANY``: kinds are ignored and every pool map is allowed. The old ladder's rule, the default.
    * ``MATCH_KIND``: maps without a kind are allowed, and so are maps whose kind is in
      ``match_map_kinds``; a marked map of another kind is excluded.
    * ``STRICT``: only maps whose kind is in ``match_map_kinds``; unmarked maps are excluded.
    """

    ANY = "any"
    MATCH_KIND = "match_kind"
    STRICT = "strict"


def _check_non_negative(owner: object) -> None:
    for f in fields(owner):  # type: ignore[arg-type]
        value = getattr(owner, f.name)
        if isinstance(value, int | float) and not isinstance(value, bool) and (math.isnan(value) or value < 0):
            raise InvalidInput(f"{f.name} must be >= 0, got {value}.", field=f.name, reason="negative", value=value)


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineParams:
    """The old matcher: window ``window_base + window_step * waves``, accepted if EITHER player's
    window covers the gap; greedy on ``gap - priority(a) - priority(b)`` with
    ``priority = priority_factor * waves ** priority_exponent``; then ``swap_passes`` passes of
    partner swaps that lower the sum of squared gaps."""

    window_base: float = 100.0
    window_step: float = 50.0
    priority_factor: float = 20.0
    priority_exponent: float = 1.25
    swap_passes: int = 2

    def __post_init__(self) -> None:
        _check_non_negative(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class GlobalParams:
    """Our matcher (``GlobalMatcher``).

    Window: ``min(window_max, window_base + window_step * waves + window_accel * waves**2)``; a pair
    is acceptable if the larger of the two players' windows covers the gap.

    Cost of an acceptable pair (lower is better, MMR points):
    ``gap + gap**2 / gap_quadratic_scale - wait_bonus(a) - wait_bonus(b) + cross_region_penalty``
    with ``wait_bonus = wait_bonus_per_wave * min(waves, wait_bonus_cap_waves)``. Leaving a player
    unpaired costs ``match_reward / 2``, so ``match_reward`` must dominate pair costs: the solver
    first pairs as many players as the windows allow, then prefers small gaps and long waiters.

    Scale: when more than ``exhaustive_limit`` players are free, each role is offered only its
    ``candidates_per_side`` nearest opponents by MMR above and below (filtered by window and
    vetoes), and the queue is cut into MMR bands of about ``band_size`` roles solved one by one;
    ``rounds`` re-solves pair up whoever a round left over. A wave of at most ``exhaustive_limit``
    players skips the nearest-k cut and is completed to a maximum number of pairs (``blossom.py``).
    """

    window_base: float = 70.0
    window_step: float = 40.0
    window_accel: float = 0.0
    window_max: float = 1000.0
    gap_quadratic_scale: float = 400.0
    wait_bonus_per_wave: float = 15.0
    wait_bonus_cap_waves: int = 10
    cross_region_penalty: float = 0.0
    match_reward: float = 100_000.0
    candidates_per_side: int = 6
    band_size: int = 600
    rounds: int = 3
    exhaustive_limit: int = 300

    def __post_init__(self) -> None:
        _check_non_negative(self)
        for name in ("gap_quadratic_scale", "candidates_per_side", "band_size", "rounds"):
            if getattr(self, name) <= 0:
                raise InvalidInput(f"{name} must be > 0.", field=name, reason="not_positive")
        if self.match_reward > MAX_MATCH_REWARD:
            # Costs are summed exactly on a 1/16 grid by the solver (see assignment.py); keep them small.
            raise InvalidInput(
                f"match_reward must be <= {MAX_MATCH_REWARD:g}.", field="match_reward", reason="too_large"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class MatcherConfig:
    """All matchmaking parameters.

    ``wave_interval_seconds`` is read by the service's wave timer, not by the (time-free) strategies.
    The veto limit is a ladder rule checked by ``QueueEntry`` (``model.MAX_VETOES``).
    """

    wave_interval_seconds: float = 45.0
    map_kind_rule: MapKindRule = MapKindRule.ANY
    match_map_kinds: frozenset[Game] = frozenset({Game.BW, Game.SC2})
    baseline: BaselineParams = field(default_factory=BaselineParams)
    matcher: GlobalParams = field(default_factory=GlobalParams)

    def __post_init__(self) -> None:
        if not self.wave_interval_seconds > 0:
            raise InvalidInput(
                "wave_interval_seconds must be > 0.", field="wave_interval_seconds", reason="not_positive"
            )
