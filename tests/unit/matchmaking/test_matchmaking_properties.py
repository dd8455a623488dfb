"""Properties every strategy keeps on random queues (hypothesis)."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matchmaking_support import MAPS, POOL, queues, server_for, small_band_global

from evoladder.domain.matchmaking import (
    BaselineMatcher,
    Game,
    GlobalMatcher,
    MatchingStrategy,
    QueueEntry,
    stronger_side,
)

STRATEGIES = [BaselineMatcher(), GlobalMatcher(), small_band_global()]
IDS = ["baseline", "global", "global-small-bands"]


def could_play(strategy: MatchingStrategy, bw: QueueEntry, sc2: QueueEntry) -> bool:
    """Whether the strategy's own rules would accept ``bw`` on BW against ``sc2`` on SC2."""
    if bw.bw is None or sc2.sc2 is None or bw.player_id == sc2.player_id:
        return False
    if isinstance(strategy, BaselineMatcher) and (
        stronger_side(bw) is not Game.BW or stronger_side(sc2) is not Game.SC2
    ):
        return False
    shares_a_map = bool(set(MAPS) - bw.vetoes - sc2.vetoes)
    return shares_a_map and abs(bw.bw.mmr - sc2.sc2.mmr) <= strategy.pair_window(bw, sc2)


@pytest.mark.parametrize("strategy", STRATEGIES, ids=IDS)
@settings(max_examples=150, deadline=None)
@given(queue=queues(), seed=st.integers(0, 2**32 - 1))
def test_every_wave_keeps_the_ladder_rules(strategy: MatchingStrategy, queue: list[QueueEntry], seed: int) -> None:
    result = strategy.run_wave(queue, POOL, server_for, random.Random(seed))
    by_id = {e.player_id: e for e in queue}
    used: set[int] = set()
    for m in result.matches:
        a, b = by_id[m.player1], by_id[m.player2]
        # BW against SC2, with the races and MMRs the players queued with.
        assert a.bw is not None
        assert b.sc2 is not None
        assert (m.race1, m.mmr1, m.race2, m.mmr2) == (a.bw.race, a.bw.mmr, b.sc2.race, b.sc2.mmr)
        assert m.race1.startswith("bw_")
        assert m.race2.startswith("sc2_")
        # Each player at most once.
        assert m.player1 not in used
        assert m.player2 not in used
        assert m.player1 != m.player2
        used |= {m.player1, m.player2}
        # A pool map neither player vetoed; the gap inside the window; the cross-table's server.
        assert m.map_name in MAPS
        assert m.map_name not in a.vetoes | b.vetoes
        assert m.mmr_gap <= strategy.pair_window(a, b)
        assert m.server == server_for(a.region, b.region)
    # Leftovers are exactly the unmatched inputs, in input order.
    assert result.leftovers == tuple(e for e in queue if e.player_id not in used)
    # Maximal: no two leftovers could have played each other under the strategy's rules.
    for x, y in itertools.permutations(result.leftovers, 2):
        assert not could_play(strategy, x, y), (x, y)


@pytest.mark.parametrize("strategy", STRATEGIES, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(queue=queues(), seed=st.integers(0, 2**32 - 1), shuffle_seed=st.integers(0, 100))
def test_same_inputs_and_seed_give_the_same_wave(
    strategy: MatchingStrategy, queue: list[QueueEntry], seed: int, shuffle_seed: int
) -> None:
    first = strategy.run_wave(queue, POOL, server_for, random.Random(seed))
    shuffled = list(queue)
    random.Random(shuffle_seed).shuffle(shuffled)
    second = strategy.run_wave(shuffled, POOL, server_for, random.Random(seed))
    assert first.matches == second.matches
    assert set(first.leftovers) == set(second.leftovers)


@settings(max_examples=80, deadline=None)
@given(queue=queues(max_size=14))
def test_our_matcher_pairs_as_many_as_a_brute_force_search_allows(queue: list[QueueEntry]) -> None:
    """On small queues the relaxation, repair, sweep and augmentation reach a maximum pairing."""
    matcher = GlobalMatcher()
    got = len(matcher.run_wave(queue, POOL, server_for, random.Random(0)).matches)
    edges = [
        frozenset((a.player_id, b.player_id)) for a, b in itertools.permutations(queue, 2) if could_play(matcher, a, b)
    ]
    assert got == _maximum_matching_size(list(set(edges)))


def _maximum_matching_size(edges: list[frozenset[int]]) -> int:
    if not edges:
        return 0
    first, rest = edges[0], edges[1:]
    without = _maximum_matching_size(rest)
    with_first = 1 + _maximum_matching_size([e for e in rest if not e & first])
    return max(without, with_first)
