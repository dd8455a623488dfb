"""Our matcher: global pairing, flexible "both" players, and its building blocks checked exactly."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaking_support import POOL, entry, server_for, small_band_global

from evoladder.domain.matchmaking import (
    BaselineMatcher,
    GlobalMatcher,
    GlobalParams,
    MapPool,
    MatcherConfig,
    QueueEntry,
)
from evoladder.domain.matchmaking.assignment import min_cost_pairs
from evoladder.domain.matchmaking.augment import augment
from evoladder.domain.matchmaking.candidates import Edges, Side
from evoladder.domain.matchmaking.repair import resolve_double_use
from evoladder.domain.matchmaking.roster import Roster


def pairs_of(matcher: GlobalMatcher | BaselineMatcher, queue: list[QueueEntry]) -> set[tuple[int, int]]:
    return {(m.player1, m.player2) for m in matcher.run_wave(queue, POOL, server_for, random.Random(0)).matches}


def test_our_window_starts_tight_grows_per_wave_and_is_capped() -> None:
    m = GlobalMatcher()
    assert [m.window(w) for w in range(4)] == [70, 110, 150, 190]
    assert m.window(1000) == GlobalParams().window_max
    accel = GlobalMatcher(MatcherConfig(matcher=GlobalParams(window_accel=10)))
    assert accel.window(3) == 70 + 120 + 90


def test_a_both_player_goes_where_an_opponent_is_even_if_weaker_there() -> None:
    queue = [entry(1, bw=1500), entry(2, bw=1510, sc2=1495)]
    assert pairs_of(BaselineMatcher(), queue) == set()
    assert pairs_of(GlobalMatcher(), queue) == {(1, 2)}


def test_global_pairing_does_not_strand_players_the_greedy_one_does() -> None:
    # Greedy takes the 10-point pair 2-3 and strands 1 and 4 (190 apart); the global pairing
    # takes 1-3 and 2-4 (90 each) and pairs everybody.
    queue = [entry(1, bw=1000, waves=1), entry(2, bw=1100, waves=1), entry(3, sc2=1090, waves=1), entry(4, sc2=1190)]
    assert pairs_of(BaselineMatcher(), queue) == {(2, 3)}
    assert pairs_of(GlobalMatcher(), queue) == {(1, 3), (2, 4)}


def test_smaller_gaps_win_when_everyone_can_be_paired() -> None:
    queue = [entry(1, bw=1000), entry(2, bw=1050), entry(3, sc2=1045), entry(4, sc2=1010)]
    assert pairs_of(GlobalMatcher(), queue) == {(1, 4), (2, 3)}


def test_long_waiters_win_a_contested_opponent() -> None:
    queue = [entry(1, bw=1500), entry(2, bw=1530, waves=4), entry(3, sc2=1510)]
    assert pairs_of(GlobalMatcher(), queue) == {(2, 3)}


def test_a_chain_of_both_players_is_resolved_without_double_use() -> None:
    queue = [entry(1, bw=1500), entry(2, bw=1500, sc2=1500), entry(3, bw=1500, sc2=1500), entry(4, sc2=1500)]
    result = GlobalMatcher().run_wave(queue, POOL, server_for, random.Random(0))
    assert len(result.matches) == 2
    assert result.matched_players == {1, 2, 3, 4}


def test_many_both_players_in_a_large_queue_are_all_paired() -> None:
    rng = random.Random(3)
    queue = [entry(i, bw=rng.randint(1400, 1600), sc2=rng.randint(1400, 1600)) for i in range(1, 301)]
    for matcher in (GlobalMatcher(), small_band_global()):
        result = matcher.run_wave(queue, POOL, server_for, random.Random(0))
        assert len(result.matches) == 150


# --- building blocks ---------------------------------------------------------------------------


def test_repair_keeps_alternate_pairs_on_a_path() -> None:
    # 1-2, 2-3, 3-4, 4-5: players 2, 3 and 4 appear twice.
    first, second = np.array([1, 2, 3, 4]), np.array([2, 3, 4, 5])
    kept = resolve_double_use(first, second, np.array([5.0, 1.0, 1.0, 5.0]))
    assert kept.tolist() == [0, 3]


def test_repair_on_a_two_cycle_keeps_the_better_orientation() -> None:
    kept = resolve_double_use(np.array([7, 8]), np.array([8, 7]), np.array([3.0, 4.0]))
    assert kept.tolist() == [1]


def _brute_force_best(first: list[int], second: list[int], values: list[float]) -> float:
    best = 0.0
    for r in range(len(first) + 1):
        for subset in itertools.combinations(range(len(first)), r):
            players = [p for e in subset for p in (first[e], second[e])]
            if len(players) == len(set(players)):
                best = max(best, sum(values[e] for e in subset))
    return best


@st.composite
def relaxed_results(draw: st.DrawFn) -> tuple[list[int], list[int], list[float]]:
    """Pairs as the relaxation can return them: each role once, players with two roles on a chain."""
    n = draw(st.integers(2, 9))
    bw_roles = draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1, max_size=n))
    sc2_roles = draw(st.permutations(range(n)))
    first, second = [], []
    for b, s in zip(bw_roles, sc2_roles, strict=False):
        if b != s:
            first.append(b)
            second.append(s)
    values = draw(st.lists(st.floats(0.5, 100), min_size=len(first), max_size=len(first)))
    return first, second, values


@given(relaxed_results())
def test_repair_is_exact_on_paths_and_cycles(case: tuple[list[int], list[int], list[float]]) -> None:
    first, second, values = case
    kept = resolve_double_use(np.array(first, dtype=np.intp), np.array(second, dtype=np.intp), np.array(values))
    players = [p for e in kept.tolist() for p in (first[e], second[e])]
    assert len(players) == len(set(players))
    assert sum(values[e] for e in kept.tolist()) == pytest.approx(_brute_force_best(first, second, values))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_assignment_is_min_cost_with_optional_pairing(n_bw: int, n_sc2: int, data: st.DataObject) -> None:
    all_pairs = [(i, j) for i in range(n_bw) for j in range(n_sc2)]
    chosen_edges = data.draw(st.lists(st.sampled_from(all_pairs), unique=True, min_size=1, max_size=10))
    costs = data.draw(st.lists(st.integers(-50, 150), min_size=len(chosen_edges), max_size=len(chosen_edges)))
    edges = Edges(
        bw=np.array([i for i, _ in chosen_edges], dtype=np.intp),
        sc2=np.array([j for _, j in chosen_edges], dtype=np.intp),
        gap=np.zeros(len(chosen_edges)),
    )
    bw = Side(player=np.arange(n_bw, dtype=np.intp), mmr=np.zeros(n_bw))
    sc2 = Side(player=np.arange(100, 100 + n_sc2, dtype=np.intp), mmr=np.zeros(n_sc2))
    unpaired = 40.0  # pairing pays off only below cost 80
    picked = min_cost_pairs(bw, sc2, edges, np.array(costs, dtype=np.float64), unpaired, band_size=1000)
    got = sum(costs[e] - 2 * unpaired for e in picked.tolist())
    assert len({chosen_edges[e][0] for e in picked}) == len({chosen_edges[e][1] for e in picked}) == len(picked)
    best = 0.0
    for r in range(1, min(n_bw, n_sc2) + 1):
        for subset in itertools.combinations(range(len(chosen_edges)), r):
            rows = {chosen_edges[e][0] for e in subset}
            cols = {chosen_edges[e][1] for e in subset}
            if len(rows) == len(cols) == r:
                best = min(best, sum(costs[e] - 2 * unpaired for e in subset))
    assert got == pytest.approx(best)


def test_augmentation_re_pairs_an_existing_pair_to_fit_one_more() -> None:
    # Only 1-2 (50) is acceptable for 2; re-pairing 3 lets 0-1 and 2-3 both play.
    queue = [entry(10, bw=1000), entry(11, sc2=1050), entry(12, bw=1100), entry(13, sc2=1150)]
    maps = MapPool.build(POOL, MatcherConfig())
    roster = Roster.build(queue, maps)
    window = np.full(4, 70.0)
    assert sorted(augment(roster, window, maps, [(2, 1)], k=6)) == [(0, 1), (2, 3)]
    assert augment(roster, window, maps, [(0, 1), (2, 3)], k=6) == [(0, 1), (2, 3)]


def test_cross_region_penalty_prefers_same_region_pairs_among_near_equals() -> None:
    queue = [entry(1, bw=1500, region="EUW"), entry(2, sc2=1505, region="KRJ"), entry(3, sc2=1515, region="EUW")]
    assert pairs_of(GlobalMatcher(), queue) == {(1, 2)}
    penalised = GlobalMatcher(MatcherConfig(matcher=GlobalParams(cross_region_penalty=50)))
    assert pairs_of(penalised, queue) == {(1, 3)}
