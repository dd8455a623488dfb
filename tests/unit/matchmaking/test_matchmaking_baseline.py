"""The old matcher's own rules: stronger side, either window, waiting priority, greedy, swaps."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from matchmaking_support import POOL, entry, server_for

from evoladder.domain.matchmaking import BaselineMatcher, BaselineParams, Game, MatcherConfig, stronger_side
from evoladder.domain.matchmaking.greedy import greedy_matching


def pairs_of(matcher: BaselineMatcher, queue: list) -> set[tuple[int, int]]:  # type: ignore[type-arg]
    return {(m.player1, m.player2) for m in matcher.run_wave(queue, POOL, server_for, random.Random(0)).matches}


def test_a_both_player_goes_to_the_side_of_their_higher_mmr() -> None:
    assert stronger_side(entry(1, bw=1600, sc2=1500)) is Game.BW
    assert stronger_side(entry(1, bw=1500, sc2=1600)) is Game.SC2
    assert stronger_side(entry(1, bw=1500, sc2=1500)) is Game.BW
    assert stronger_side(entry(1, sc2=1)) is Game.SC2


def test_the_baseline_does_not_flip_a_both_player_to_their_weaker_side() -> None:
    # Player 2 is stronger at BW, so the baseline keeps them on BW: no match against a BW player.
    queue = [entry(1, bw=1500), entry(2, bw=1510, sc2=1495)]
    assert pairs_of(BaselineMatcher(), queue) == set()


def test_the_window_is_100_plus_50_per_wave() -> None:
    m = BaselineMatcher()
    assert [m.window(w) for w in range(4)] == [100, 150, 200, 250]
    assert pairs_of(m, [entry(1, bw=1500), entry(2, sc2=1600)]) == {(1, 2)}
    assert pairs_of(m, [entry(1, bw=1500), entry(2, sc2=1601)]) == set()
    assert pairs_of(m, [entry(1, bw=1500, waves=1), entry(2, sc2=1650)]) == {(1, 2)}


def test_either_window_suffices_even_when_the_other_is_narrow() -> None:
    queue = [entry(1, bw=1500, waves=0), entry(2, sc2=1700, waves=2)]
    assert pairs_of(BaselineMatcher(), queue) == {(1, 2)}


def test_long_waiters_are_preferred_by_priority() -> None:
    # Fresh player 1 is 10 away from 3; player 2 is 60 away but waited 3 waves (priority 79).
    queue = [entry(1, bw=1500), entry(2, bw=1450, waves=3), entry(3, sc2=1510)]
    assert pairs_of(BaselineMatcher(), queue) == {(2, 3)}
    no_priority = BaselineMatcher(MatcherConfig(baseline=BaselineParams(priority_factor=0)))
    assert pairs_of(no_priority, queue) == {(1, 3)}


def test_swap_passes_uncross_the_greedy_pairs() -> None:
    # Greedy takes 1-3 first (two long waiters, score 150 - 2*113), then 2-4: crossing pairs.
    queue = [entry(1, bw=1000, waves=4), entry(2, bw=1100), entry(3, sc2=1150, waves=4), entry(4, sc2=1050)]
    no_swaps = BaselineMatcher(MatcherConfig(baseline=BaselineParams(swap_passes=0)))
    assert pairs_of(no_swaps, queue) == {(1, 3), (2, 4)}
    assert pairs_of(BaselineMatcher(), queue) == {(1, 4), (2, 3)}


def test_a_swap_that_would_leave_no_common_map_is_not_made() -> None:
    queue = [
        entry(1, bw=1000, waves=4, vetoes=("Alpha", "Bravo", "Charlie")),
        entry(2, bw=1100),
        entry(3, sc2=1150, waves=4),
        entry(4, sc2=1050, vetoes=("Delta", "Echo")),
    ]
    assert pairs_of(BaselineMatcher(), queue) == {(1, 3), (2, 4)}


def naive_greedy(n: int, first: list[int], second: list[int]) -> list[int]:
    taken: set[int] = set()
    chosen = []
    for e, (a, b) in enumerate(zip(first, second, strict=True)):
        if a not in taken and b not in taken:
            taken |= {a, b}
            chosen.append(e)
    return chosen


@st.composite
def ordered_edges(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    """A player count and a best-first list of edges between distinct players."""
    n = draw(st.integers(2, 12))
    edge = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda t: t[0] != t[1])
    return n, draw(st.lists(edge, max_size=40))


@given(ordered_edges())
def test_vectorised_greedy_equals_the_sequential_loop(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    first = np.array([a for a, _ in edges], dtype=np.intp)
    second = np.array([b for _, b in edges], dtype=np.intp)
    assert greedy_matching(n, first, second).tolist() == naive_greedy(n, first.tolist(), second.tolist())
