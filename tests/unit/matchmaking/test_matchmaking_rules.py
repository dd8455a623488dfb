"""The ladder's pairing rules, checked on both strategies with small hand-made queues."""

from __future__ import annotations

import random

import pytest
from matchmaking_support import MAPS, POOL, entry, server_for, strategies

from evoladder.domain.errors import InvalidInput
from evoladder.domain.ids import RegionCode, ServerCode
from evoladder.domain.matchmaking import (
    Game,
    MapChoice,
    MapKindRule,
    MatcherConfig,
    MatchingStrategy,
    QueueEntry,
    WaveResult,
)

pytestmark = pytest.mark.parametrize("strategy", strategies(), ids=lambda s: s.name)


def run(strategy: MatchingStrategy, queue: list[QueueEntry], seed: int = 0) -> WaveResult:
    return strategy.run_wave(queue, POOL, server_for, random.Random(seed))


def test_bw_only_meets_sc2_only_with_bw_as_player1(strategy: MatchingStrategy) -> None:
    result = run(strategy, [entry(2, sc2=1510), entry(1, bw=1500)])
    (m,) = result.matches
    assert (m.player1, m.player2) == (1, 2)
    assert (m.race1, m.race2) == ("bw_zerg", "sc2_terran")
    assert (m.mmr1, m.mmr2) == (1500, 1510)
    assert m.map_name in MAPS
    assert result.leftovers == ()


@pytest.mark.parametrize("side", ["bw", "sc2"])
def test_never_the_same_game_on_both_sides(strategy: MatchingStrategy, side: str) -> None:
    queue = [entry(i, bw=1500) if side == "bw" else entry(i, sc2=1500) for i in range(1, 5)]
    result = run(strategy, queue)
    assert result.matches == ()
    assert result.leftovers == tuple(queue)


def test_a_both_player_takes_sc2_against_a_bw_only_player(strategy: MatchingStrategy) -> None:
    # Stronger in SC2, so the baseline also sends them to SC2.
    (m,) = run(strategy, [entry(1, bw=1500), entry(2, bw=1300, sc2=1520)]).matches
    assert (m.player1, m.player2, m.mmr2) == (1, 2, 1520)


def test_a_both_player_takes_bw_against_an_sc2_only_player(strategy: MatchingStrategy) -> None:
    (m,) = run(strategy, [entry(1, sc2=1500), entry(2, bw=1490, sc2=1300)]).matches
    assert (m.player1, m.player2, m.mmr1) == (2, 1, 1490)


def test_two_both_players_can_meet(strategy: MatchingStrategy) -> None:
    # Stronger sides differ, so even the baseline can pair them: 2 on BW, 1 on SC2.
    (m,) = run(strategy, [entry(1, bw=1300, sc2=1500), entry(2, bw=1510, sc2=1200)]).matches
    assert (m.player1, m.player2, m.mmr1, m.mmr2) == (2, 1, 1510, 1500)


def test_no_player_is_used_twice(strategy: MatchingStrategy) -> None:
    queue = [entry(1, bw=1500), entry(2, bw=1500, sc2=1500), entry(3, sc2=1500)]
    result = run(strategy, queue)
    players = [p for m in result.matches for p in (m.player1, m.player2)]
    assert len(players) == len(set(players)) == 2
    assert len(result.leftovers) == 1


def test_the_map_is_never_vetoed_by_either_player(strategy: MatchingStrategy) -> None:
    for seed in range(20):
        result = run(strategy, [entry(1, bw=1500, vetoes=MAPS[:2]), entry(2, sc2=1500, vetoes=MAPS[2:4])], seed)
        (m,) = result.matches
        assert m.map_name == MAPS[4]


def test_vetoes_leaving_no_map_mean_no_match_and_both_stay_waiting(strategy: MatchingStrategy) -> None:
    queue = [entry(1, bw=1500, vetoes=MAPS[:3]), entry(2, sc2=1500, vetoes=MAPS[3:])]
    result = run(strategy, queue)
    assert result.matches == ()
    assert result.leftovers == tuple(queue)


def test_a_vetoed_out_pair_lets_each_player_find_someone_else(strategy: MatchingStrategy) -> None:
    queue = [
        entry(1, bw=1500, vetoes=MAPS[:3]),
        entry(2, sc2=1500, vetoes=MAPS[3:]),
        entry(3, bw=1530),
        entry(4, sc2=1480),
    ]
    pairs = {(m.player1, m.player2) for m in run(strategy, queue).matches}
    assert pairs == {(1, 4), (3, 2)}


def test_the_server_comes_from_the_cross_table_bw_region_first(strategy: MatchingStrategy) -> None:
    calls: list[tuple[RegionCode, RegionCode]] = []

    def table(a: RegionCode, b: RegionCode) -> ServerCode:
        calls.append((a, b))
        return server_for(a, b)

    queue = [entry(1, sc2=1500, region="KRJ"), entry(2, bw=1500, region="NAE")]
    (m,) = strategy.run_wave(queue, POOL, table, random.Random(0)).matches
    assert m.server == "NAE>KRJ"
    assert calls == [("NAE", "KRJ")]


def test_the_window_grows_with_the_waves_waited(strategy: MatchingStrategy) -> None:
    fresh = [entry(1, bw=1500), entry(2, sc2=1500 + 160)]
    assert run(strategy, fresh).matches == ()
    waves = next(w for w in range(50) if strategy.window(w) >= 160)  # type: ignore[attr-defined]
    assert waves > 0
    aged = [entry(1, bw=1500, waves=waves), entry(2, sc2=1660)]
    assert len(run(strategy, aged).matches) == 1
    assert strategy.window(waves) > strategy.window(0)  # type: ignore[attr-defined]


def test_either_players_window_accepts_the_gap(strategy: MatchingStrategy) -> None:
    a, b = entry(1, bw=1500, waves=0), entry(2, sc2=1500 + 130, waves=3)
    assert strategy.pair_window(a, b) == strategy.pair_window(b, a) == strategy.window(3)  # type: ignore[attr-defined]
    assert strategy.window(0) < 130 <= strategy.window(3)  # type: ignore[attr-defined]
    assert len(run(strategy, [a, b]).matches) == 1


def test_same_inputs_and_seed_give_the_same_wave_whatever_the_input_order(strategy: MatchingStrategy) -> None:
    queue = [entry(i, bw=1400 + 7 * i) for i in range(1, 12)] + [entry(i, sc2=1400 + 5 * i) for i in range(12, 24)]
    queue += [entry(i, bw=1450 + i, sc2=1500 - i, waves=i % 3) for i in range(24, 30)]
    first = run(strategy, queue, seed=42)
    shuffled = list(queue)
    random.Random(7).shuffle(shuffled)
    second = strategy.run_wave(shuffled, list(reversed(POOL)), server_for, random.Random(42))
    assert first.matches == second.matches
    assert {e.player_id for e in first.leftovers} == {e.player_id for e in second.leftovers}
    maps_by_seed = {tuple(m.map_name for m in run(strategy, queue, seed=s).matches) for s in range(10)}
    assert len(maps_by_seed) > 1  # the seed does drive the draw


def test_leftovers_are_the_inputs_not_matched_in_the_given_order(strategy: MatchingStrategy) -> None:
    queue = [entry(5, bw=1500), entry(3, bw=2400), entry(4, sc2=1500), entry(1, sc2=600), entry(2, bw=1505)]
    result = run(strategy, queue)
    matched = result.matched_players
    assert result.leftovers == tuple(e for e in queue if e.player_id not in matched)
    assert len(result.matches) == 1


def test_a_player_queued_twice_is_rejected(strategy: MatchingStrategy) -> None:
    with pytest.raises(InvalidInput) as caught:
        run(strategy, [entry(1, bw=1500), entry(1, sc2=1500)])
    assert caught.value.field == "entries"


def test_an_empty_queue_is_an_empty_wave(strategy: MatchingStrategy) -> None:
    assert run(strategy, []) == WaveResult(matches=(), leftovers=())


def test_the_kind_rule_can_restrict_the_maps_of_a_match(strategy: MatchingStrategy) -> None:
    config = MatcherConfig(map_kind_rule=MapKindRule.STRICT, match_map_kinds=frozenset({Game.BW}))
    matcher = type(strategy)(config)  # type: ignore[call-arg]
    pool = [MapChoice(MAPS[0], Game.BW), MapChoice(MAPS[1], Game.SC2), MapChoice(MAPS[2])]
    for seed in range(10):
        (m,) = matcher.run_wave([entry(1, bw=1500), entry(2, sc2=1500)], pool, server_for, random.Random(seed)).matches
        assert m.map_name == MAPS[0]
    vetoed = [entry(1, bw=1500, vetoes=(MAPS[0],)), entry(2, sc2=1500)]
    assert matcher.run_wave(vetoed, pool, server_for, random.Random(0)).matches == ()
    # Under the old rule (the default) the other maps remain playable.
    assert len(type(strategy)().run_wave(vetoed, pool, server_for, random.Random(0)).matches) == 1
