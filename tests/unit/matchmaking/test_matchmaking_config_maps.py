"""Configuration defaults and validation; the map pool, vetoes, kind rule and draw."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matchmaking_support import MAPS, POOL

from evoladder.domain.errors import InvalidInput
from evoladder.domain.ids import MapName
from evoladder.domain.matchmaking import (
    BaselineParams,
    Game,
    GlobalParams,
    MapChoice,
    MapKindRule,
    MapPool,
    MatcherConfig,
)

KINDED = (
    MapChoice(MapName("Bw map"), Game.BW),
    MapChoice(MapName("Sc2 map"), Game.SC2),
    MapChoice(MapName("Plain map")),
)


def test_baseline_defaults_are_the_old_rules() -> None:
    p = BaselineParams()
    assert (p.window_base, p.window_step, p.priority_factor, p.priority_exponent, p.swap_passes) == (
        100,
        50,
        20,
        1.25,
        2,
    )
    assert MatcherConfig().wave_interval_seconds == 45
    assert MatcherConfig().map_kind_rule is MapKindRule.ANY


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: GlobalParams(window_step=-1), "window_step"),
        (lambda: GlobalParams(band_size=0), "band_size"),
        (lambda: GlobalParams(match_reward=1e12), "match_reward"),
        (lambda: BaselineParams(window_base=float("nan")), "window_base"),
        (lambda: MatcherConfig(wave_interval_seconds=0), "wave_interval_seconds"),
    ],
)
def test_bad_parameters_are_rejected(build: object, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("rule", "kinds", "expected"),
    [
        (MapKindRule.ANY, frozenset({Game.BW}), {"Bw map", "Sc2 map", "Plain map"}),
        (MapKindRule.MATCH_KIND, frozenset({Game.BW}), {"Bw map", "Plain map"}),
        (MapKindRule.MATCH_KIND, frozenset({Game.BW, Game.SC2}), {"Bw map", "Sc2 map", "Plain map"}),
        (MapKindRule.STRICT, frozenset({Game.SC2}), {"Sc2 map"}),
    ],
)
def test_the_kind_rule_restricts_the_pool(rule: MapKindRule, kinds: frozenset[Game], expected: set[str]) -> None:
    pool = MapPool.build(KINDED, MatcherConfig(map_kind_rule=rule, match_map_kinds=kinds))
    assert set(pool.names) == expected


def test_vetoes_of_either_player_exclude_maps() -> None:
    pool = MapPool.build(POOL, MatcherConfig())
    a = pool.veto_mask([MapName("Alpha"), MapName("Bravo")])
    b = pool.veto_mask([MapName("Charlie")])
    assert pool.allowed(a, b) == (MapName("Delta"), MapName("Echo"))


def test_no_map_left_draws_nothing() -> None:
    pool = MapPool.build(POOL[:3], MatcherConfig())
    a = pool.veto_mask(MAPS[:2])
    b = pool.veto_mask(MAPS[2:3])
    assert pool.allowed(a, b) == ()
    assert pool.draw(a, b, random.Random(1)) is None
    assert not pool.feasible(np.array([a]), np.array([b]))[0]


def test_vetoes_of_maps_outside_the_pool_are_ignored() -> None:
    pool = MapPool.build(POOL[:1], MatcherConfig())
    assert pool.veto_mask([MapName("Not in pool")]) == 0
    assert pool.draw(pool.veto_mask([MapName("Not in pool")]), 0, random.Random(0)) == MAPS[0]


def test_a_duplicate_map_in_the_pool_is_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        MapPool.build((POOL[0], POOL[0]), MatcherConfig())
    assert caught.value.field == "pool"


@given(st.permutations(POOL), st.integers(0, 2**32), st.lists(st.sampled_from(MAPS), max_size=4, unique=True))
def test_the_draw_depends_on_seed_and_vetoes_not_on_pool_order(
    pool_order: list[MapChoice], seed: int, vetoes: list[MapName]
) -> None:
    reference = MapPool.build(POOL, MatcherConfig())
    shuffled = MapPool.build(pool_order, MatcherConfig())
    mask = reference.veto_mask(vetoes)
    drawn = shuffled.draw(shuffled.veto_mask(vetoes), 0, random.Random(seed))
    assert drawn == reference.draw(mask, 0, random.Random(seed))
    assert drawn not in vetoes
