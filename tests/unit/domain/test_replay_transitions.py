"""The match transitions a verified replay drives, and manual reports that contradict it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from evoladder.domain import match as rules
from evoladder.domain.errors import IllegalTransition
from evoladder.domain.ids import MapName, MatchId, PlayerId, RaceCode, ServerCode
from evoladder.domain.match import AlreadyApplied, Match, MatchState, ResultSource
from evoladder.domain.rating import EloModel, Outcome

T0 = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=20)
P1, P2, ADMIN = PlayerId(11), PlayerId(22), PlayerId(99)
ELO = EloModel()
REPLAY, OTHER_REPLAY = 41, 42


def new_match() -> Match:
    return Match(
        id=MatchId(7),
        player1=P1,
        player2=P2,
        race1=RaceCode("bw_zerg"),
        race2=RaceCode("sc2_terran"),
        mmr1=1500,
        mmr2=1500,
        map_name=MapName("Khione SEL"),
        server=ServerCode("EUC"),
        created_at=T0,
        confirm_deadline=T0 + timedelta(seconds=60),
    )


def started() -> Match:
    m = rules.confirm(new_match(), P1, T0 + timedelta(seconds=5)).match
    return rules.confirm(m, P2, T0 + timedelta(seconds=10)).match


def by_replay(outcome: Outcome = Outcome.PLAYER1_WON) -> Match:
    return rules.replay_result(started(), outcome, NOW, ELO, REPLAY).match


def test_verified_replay_completes_for_both_players_and_applies_mmr() -> None:
    t = rules.replay_result(started(), Outcome.PLAYER1_WON, NOW, ELO, REPLAY)
    m = t.match
    assert m.state is MatchState.COMPLETED
    assert (m.result, m.replay_id, m.result_source) == (Outcome.PLAYER1_WON, REPLAY, ResultSource.REPLAY)
    assert (m.mmr_after1, m.mmr_after2, m.delta1, m.delta2, m.counted) == (1520, 1480, 20, -20, True)
    assert (m.report1, m.report2) == (None, None)  # nobody reported: the replay reported for both
    effects = {e.player: e for e in t.ratings}
    assert effects[P1].won == 1 and effects[P2].lost == 1
    assert set(t.released_players) == {P1, P2}
    assert m.version == started().version + 1


def test_replay_agreeing_with_an_earlier_report_completes() -> None:
    half = rules.report(started(), P2, Outcome.PLAYER2_WON, NOW, ELO).match
    m = rules.replay_result(half, Outcome.PLAYER2_WON, NOW, ELO, REPLAY).match
    assert m.state is MatchState.COMPLETED and m.result is Outcome.PLAYER2_WON


def test_replay_contradicting_an_earlier_report_is_a_conflict_with_evidence() -> None:
    half = rules.report(started(), P2, Outcome.PLAYER2_WON, NOW, ELO).match
    t = rules.replay_result(half, Outcome.PLAYER1_WON, NOW, ELO, REPLAY)
    assert t.match.state is MatchState.CONFLICT
    assert t.match.replay_id == REPLAY and t.match.result is Outcome.PLAYER1_WON
    assert t.ratings  # provisionally applied; the admin confirms or replaces it
    assert set(t.released_players) == {P1, P2}


def test_later_manual_report_that_agrees_is_recorded() -> None:
    t = rules.report(by_replay(), P2, Outcome.PLAYER1_WON, NOW, ELO)
    assert t.match.state is MatchState.COMPLETED and t.match.report2 is Outcome.PLAYER1_WON
    assert t.ratings == ()


def test_later_manual_report_that_contradicts_puts_the_match_in_conflict() -> None:
    t = rules.report(by_replay(), P2, Outcome.PLAYER2_WON, NOW, ELO)
    m = t.match
    assert m.state is MatchState.CONFLICT
    assert m.replay_id == REPLAY and m.report2 is Outcome.PLAYER2_WON
    assert m.result is Outcome.PLAYER1_WON and m.counted  # the replay's result stands until an admin
    assert t.ratings == () and t.released_players == ()


def test_admin_resolving_a_replay_conflict_replaces_the_provisional_result() -> None:
    conflict = rules.report(by_replay(), P2, Outcome.PLAYER2_WON, NOW, ELO).match
    t = rules.resolve(conflict, Outcome.PLAYER2_WON, ADMIN, "checked the replay", NOW, ELO)
    assert t.match.state is MatchState.COMPLETED and t.match.result_source is ResultSource.ADMIN
    effects = {e.player: e for e in t.ratings}
    assert (effects[P1].mmr_delta, effects[P2].mmr_delta) == (-40, 40)  # undo +20/-20, apply -20/+20
    assert (effects[P1].played, effects[P1].won, effects[P1].lost) == (0, -1, 1)
    voided = rules.resolve(conflict, None, ADMIN, "void", NOW, ELO)
    assert {e.player: e.mmr_delta for e in voided.ratings} == {P1: -20, P2: 20}


def test_report_after_admin_resolution_is_refused() -> None:
    settled = rules.resolve(by_replay(), Outcome.PLAYER1_WON, ADMIN, "ok", NOW, ELO).match
    with pytest.raises(IllegalTransition):
        rules.report(settled, P2, Outcome.PLAYER2_WON, NOW, ELO)


def test_same_replay_twice_is_already_applied() -> None:
    with pytest.raises(AlreadyApplied):
        rules.replay_result(by_replay(), Outcome.PLAYER1_WON, NOW, ELO, REPLAY)


def test_second_replay_with_the_same_result_is_already_applied() -> None:
    with pytest.raises(AlreadyApplied):
        rules.replay_result(by_replay(), Outcome.PLAYER1_WON, NOW, ELO, OTHER_REPLAY)


def test_second_replay_with_another_result_is_refused() -> None:
    with pytest.raises(IllegalTransition):
        rules.replay_result(by_replay(), Outcome.PLAYER2_WON, NOW, ELO, OTHER_REPLAY)


def test_replay_contradicting_agreeing_reports_opens_a_conflict_and_keeps_the_result() -> None:
    m = rules.report(started(), P1, Outcome.PLAYER2_WON, NOW, ELO).match
    done = rules.report(m, P2, Outcome.PLAYER2_WON, NOW, ELO).match
    assert done.result_source is ResultSource.REPORTS
    t = rules.replay_result(done, Outcome.PLAYER1_WON, NOW, ELO, REPLAY)
    assert t.match.state is MatchState.CONFLICT and t.match.replay_id == REPLAY
    assert t.match.result is Outcome.PLAYER2_WON and t.ratings == ()


def test_replay_agreeing_with_completed_reports_is_attached_as_evidence() -> None:
    m = rules.report(started(), P1, Outcome.DRAW, NOW, ELO).match
    done = rules.report(m, P2, Outcome.DRAW, NOW, ELO).match
    t = rules.replay_result(done, Outcome.DRAW, NOW, ELO, REPLAY)
    assert t.match.state is MatchState.COMPLETED and t.match.replay_id == REPLAY and t.ratings == ()


def test_replay_on_a_reports_conflict_is_attached_as_evidence() -> None:
    m = rules.report(started(), P1, Outcome.PLAYER1_WON, NOW, ELO).match
    conflict = rules.report(m, P2, Outcome.PLAYER2_WON, NOW, ELO).match
    t = rules.replay_result(conflict, Outcome.PLAYER1_WON, NOW, ELO, REPLAY)
    assert t.match.state is MatchState.CONFLICT and t.match.replay_id == REPLAY and t.ratings == ()


@pytest.mark.parametrize("state", ["created", "aborted", "invalidated", "admin_completed"])
def test_replay_cannot_change_a_match_not_open_to_it(state: str) -> None:
    match = {
        "created": new_match(),
        "aborted": replace(new_match(), state=MatchState.ABORTED),
        "invalidated": rules.resolve(started(), None, ADMIN, "void", NOW, ELO).match,
        "admin_completed": rules.resolve(started(), Outcome.DRAW, ADMIN, "draw", NOW, ELO).match,
    }[state]
    with pytest.raises(IllegalTransition):
        rules.replay_result(match, Outcome.PLAYER1_WON, NOW, ELO, REPLAY)
