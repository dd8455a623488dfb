"""Queue entries, proposed matches and wave results validate and behave as documented."""

from __future__ import annotations

import pytest
from matchmaking_support import entry

from evoladder.domain.errors import InvalidInput
from evoladder.domain.ids import MapName, PlayerId, RaceCode, ServerCode
from evoladder.domain.matchmaking import MAX_VETOES, Game, ProposedMatch, QueueEntry, RacePick, WaveResult


def test_the_veto_limit_is_the_old_ladders_four() -> None:
    assert MAX_VETOES == 4


def test_four_vetoes_are_accepted() -> None:
    e = entry(1, bw=1500, vetoes=("A", "B", "C", "D"))
    assert len(e.vetoes) == 4


def test_more_than_four_vetoes_are_rejected_with_a_clear_invalid_input() -> None:
    with pytest.raises(InvalidInput) as caught:
        entry(1, bw=1500, vetoes=("A", "B", "C", "D", "E"))
    err = caught.value
    assert err.code == "invalid_input"
    assert err.field == "vetoes"
    assert err.params["reason"] == "too_many_vetoes"
    assert err.params["limit"] == 4
    assert err.params["count"] == 5
    assert "At most 4 map vetoes" in str(err)


def test_an_entry_needs_at_least_one_race() -> None:
    with pytest.raises(InvalidInput) as caught:
        entry(1)
    assert caught.value.field == "races"


def test_a_race_of_the_other_game_is_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        QueueEntry(
            player_id=PlayerId(1),
            region=entry(1, bw=1).region,
            joined_at=entry(1, bw=1).joined_at,
            bw=RacePick(RaceCode("sc2_zerg"), 1500),
        )
    assert caught.value.field == "bw"


def test_negative_waves_are_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        entry(1, bw=1500, waves=-1)
    assert caught.value.field == "waves_waited"


def test_sides_of_an_entry() -> None:
    both = entry(1, bw=1400, sc2=1600)
    assert both.is_both
    assert both.pick(Game.BW) == RacePick(RaceCode("bw_zerg"), 1400)
    assert both.pick(Game.SC2) == RacePick(RaceCode("sc2_terran"), 1600)
    only = entry(2, sc2=1500)
    assert not only.is_both
    assert only.pick(Game.BW) is None
    assert Game.BW.other is Game.SC2


def test_carried_over_leftovers_are_one_wave_older() -> None:
    a, b = entry(1, bw=1500, waves=0), entry(2, sc2=1500, waves=3)
    result = WaveResult(matches=(), leftovers=(a, b))
    assert [e.waves_waited for e in result.carried_over()] == [1, 4]
    assert result.leftovers == (a, b)  # unchanged: values are immutable


def test_proposed_match_gap_and_players() -> None:
    m = ProposedMatch(
        player1=PlayerId(1),
        player2=PlayerId(2),
        race1=RaceCode("bw_zerg"),
        race2=RaceCode("sc2_terran"),
        mmr1=1500,
        mmr2=1620,
        map_name=MapName("Alpha"),
        server=ServerCode("EUC"),
    )
    assert m.mmr_gap == 120
    assert WaveResult(matches=(m,), leftovers=()).matched_players == {1, 2}
