"""Every transition of the match state machine, legal and illegal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from evoladder.domain import match as rules
from evoladder.domain.errors import AbortLimitReached, IllegalTransition, NotAParticipant
from evoladder.domain.ids import MapName, MatchId, PlayerId, RaceCode, ServerCode
from evoladder.domain.match import AbortReason, AlreadyApplied, Match, MatchState
from evoladder.domain.rating import EloModel, Outcome

T0 = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
P1, P2, OUTSIDER, ADMIN = PlayerId(11), PlayerId(22), PlayerId(33), PlayerId(99)
ELO = EloModel()


def new_match(mmr1: int = 1500, mmr2: int = 1500) -> Match:
    return Match(
        id=MatchId(7),
        player1=P1,
        player2=P2,
        race1=RaceCode("bw_zerg"),
        race2=RaceCode("sc2_terran"),
        mmr1=mmr1,
        mmr2=mmr2,
        map_name=MapName("Khione SEL"),
        server=ServerCode("EUC"),
        created_at=T0,
        confirm_deadline=T0 + timedelta(seconds=60),
    )


def started(mmr1: int = 1500, mmr2: int = 1500) -> Match:
    m = rules.confirm(new_match(mmr1, mmr2), P1, T0 + timedelta(seconds=5)).match
    return rules.confirm(m, P2, T0 + timedelta(seconds=10)).match


# ---------------------------------------------------------------- confirm
def test_one_confirmation_keeps_it_created() -> None:
    t = rules.confirm(new_match(), P1, T0 + timedelta(seconds=1))
    assert t.match.state is MatchState.CREATED
    assert t.match.confirmed1_at == T0 + timedelta(seconds=1)
    assert t.match.version == 2
    assert t.ratings == ()


def test_both_confirmations_start_the_match() -> None:
    m = started()
    assert m.state is MatchState.IN_PROGRESS
    assert m.confirmed_at == T0 + timedelta(seconds=10)


def test_confirm_twice_is_refused_as_already_applied() -> None:
    m = rules.confirm(new_match(), P1, T0).match
    with pytest.raises(AlreadyApplied):
        rules.confirm(m, P1, T0 + timedelta(seconds=2))


def test_confirm_after_window_is_refused() -> None:
    with pytest.raises(IllegalTransition, match="closed"):
        rules.confirm(new_match(), P1, T0 + timedelta(seconds=61))


def test_confirm_at_exact_deadline_is_allowed() -> None:
    assert rules.confirm(new_match(), P1, T0 + timedelta(seconds=60)).match.confirmed1_at is not None


def test_outsider_cannot_confirm() -> None:
    with pytest.raises(NotAParticipant):
        rules.confirm(new_match(), OUTSIDER, T0)


def test_confirm_in_progress_match_is_already_applied_or_illegal() -> None:
    with pytest.raises(IllegalTransition):
        rules.confirm(started(), P1, T0 + timedelta(seconds=20))


# ---------------------------------------------------------------- abort
def test_unconfirmed_player_aborts_and_is_charged() -> None:
    t = rules.abort(new_match(), P1, T0 + timedelta(seconds=3), aborts_used=0, aborts_allowed=3)
    assert t.match.state is MatchState.ABORTED
    assert t.match.abort_reason is AbortReason.PLAYER
    assert t.match.aborted_by == P1
    assert t.charge_abort_to == P1
    assert set(t.released_players) == {P1, P2}
    assert t.ratings == ()


def test_abort_over_quota_is_refused_with_remaining_count() -> None:
    with pytest.raises(AbortLimitReached) as exc:
        rules.abort(new_match(), P1, T0, aborts_used=3, aborts_allowed=3)
    assert exc.value.params["remaining"] == 0
    assert exc.value.params["allowed"] == 3


def test_confirmed_player_cannot_abort() -> None:
    m = rules.confirm(new_match(), P1, T0).match
    with pytest.raises(IllegalTransition, match="already confirmed"):
        rules.abort(m, P1, T0, aborts_used=0, aborts_allowed=3)
    # ...but the other, unconfirmed player still may
    assert rules.abort(m, P2, T0, aborts_used=0, aborts_allowed=3).match.state is MatchState.ABORTED


def test_abort_after_window_is_refused() -> None:
    with pytest.raises(IllegalTransition):
        rules.abort(new_match(), P1, T0 + timedelta(seconds=61), aborts_used=0, aborts_allowed=3)


def test_abort_in_progress_is_refused() -> None:
    with pytest.raises(IllegalTransition):
        rules.abort(started(), P1, T0 + timedelta(seconds=30), aborts_used=0, aborts_allowed=3)


def test_abort_twice_is_already_applied() -> None:
    m = rules.abort(new_match(), P1, T0, aborts_used=0, aborts_allowed=3).match
    with pytest.raises(AlreadyApplied):
        rules.abort(m, P1, T0, aborts_used=1, aborts_allowed=3)


def test_outsider_cannot_abort() -> None:
    with pytest.raises(NotAParticipant):
        rules.abort(new_match(), OUTSIDER, T0, aborts_used=0, aborts_allowed=3)


# ---------------------------------------------------------------- expire
def test_expire_records_who_did_not_confirm_and_charges_nobody() -> None:
    m = rules.confirm(new_match(), P2, T0).match
    t = rules.expire(m, T0 + timedelta(seconds=61))
    assert t.match.state is MatchState.ABORTED
    assert t.match.abort_reason is AbortReason.TIMEOUT
    assert t.match.unconfirmed == (P1,)
    assert t.charge_abort_to is None


def test_expire_before_deadline_is_refused() -> None:
    with pytest.raises(IllegalTransition):
        rules.expire(new_match(), T0 + timedelta(seconds=59))


def test_expire_started_match_is_refused() -> None:
    with pytest.raises(IllegalTransition):
        rules.expire(started(), T0 + timedelta(hours=1))


# ---------------------------------------------------------------- report
def test_first_report_waits_for_the_other() -> None:
    t = rules.report(started(), P1, Outcome.PLAYER1_WON, T0, ELO)
    assert t.match.state is MatchState.IN_PROGRESS
    assert t.match.report1 is Outcome.PLAYER1_WON
    assert t.ratings == ()


def test_agreeing_reports_complete_and_apply_mmr() -> None:
    m = rules.report(started(1600, 1500), P1, Outcome.PLAYER1_WON, T0, ELO).match
    t = rules.report(m, P2, Outcome.PLAYER1_WON, T0 + timedelta(minutes=1), ELO)
    assert t.match.state is MatchState.COMPLETED
    assert t.match.result is Outcome.PLAYER1_WON
    assert (t.match.mmr_after1, t.match.mmr_after2) == (1615, 1485)
    assert (t.match.delta1, t.match.delta2) == (15, -15)
    effects = {e.player: e for e in t.ratings}
    assert effects[P1].mmr_delta == 15 and effects[P1].won == 1 and effects[P1].played == 1
    assert effects[P2].mmr_delta == -15 and effects[P2].lost == 1
    assert effects[P1].race == "bw_zerg" and effects[P2].race == "sc2_terran"
    assert set(t.released_players) == {P1, P2}


def test_agreeing_draw() -> None:
    m = rules.report(started(), P1, Outcome.DRAW, T0, ELO).match
    t = rules.report(m, P2, Outcome.DRAW, T0, ELO)
    assert t.match.result is Outcome.DRAW
    assert all(e.drawn == 1 and e.mmr_delta == 0 for e in t.ratings)


def test_disagreeing_reports_conflict_without_mmr() -> None:
    m = rules.report(started(), P1, Outcome.PLAYER1_WON, T0, ELO).match
    t = rules.report(m, P2, Outcome.PLAYER2_WON, T0, ELO)
    assert t.match.state is MatchState.CONFLICT
    assert t.match.result is None
    assert t.ratings == ()
    assert set(t.released_players) == {P1, P2}


def test_same_report_twice_is_already_applied() -> None:
    m = rules.report(started(), P1, Outcome.PLAYER1_WON, T0, ELO).match
    with pytest.raises(AlreadyApplied):
        rules.report(m, P1, Outcome.PLAYER1_WON, T0, ELO)


def test_changing_a_report_is_refused() -> None:
    m = rules.report(started(), P1, Outcome.PLAYER1_WON, T0, ELO).match
    with pytest.raises(IllegalTransition, match="different result"):
        rules.report(m, P1, Outcome.PLAYER2_WON, T0, ELO)


def test_report_before_start_is_refused() -> None:
    with pytest.raises(IllegalTransition):
        rules.report(new_match(), P1, Outcome.PLAYER1_WON, T0, ELO)


def test_report_on_aborted_match_is_refused() -> None:
    m = rules.abort(new_match(), P1, T0, aborts_used=0, aborts_allowed=3).match
    with pytest.raises(IllegalTransition):
        rules.report(m, P2, Outcome.PLAYER1_WON, T0, ELO)


def test_report_by_outsider_is_refused() -> None:
    with pytest.raises(NotAParticipant):
        rules.report(started(), OUTSIDER, Outcome.PLAYER1_WON, T0, ELO)


def test_completed_match_refuses_more_reports() -> None:
    m = rules.report(started(), P1, Outcome.DRAW, T0, ELO).match
    m = rules.report(m, P2, Outcome.DRAW, T0, ELO).match
    with pytest.raises(IllegalTransition):
        rules.report(m, P2, Outcome.PLAYER1_WON, T0, ELO)


# ---------------------------------------------------------------- resolve
def conflicted() -> Match:
    m = rules.report(started(1600, 1500), P1, Outcome.PLAYER1_WON, T0, ELO).match
    return rules.report(m, P2, Outcome.PLAYER2_WON, T0, ELO).match


def test_resolve_conflict_applies_mmr_once() -> None:
    t = rules.resolve(conflicted(), Outcome.PLAYER2_WON, ADMIN, "replay shows P2", T0, ELO)
    assert t.match.state is MatchState.COMPLETED
    assert t.match.resolved_by == ADMIN
    eff = {e.player: e for e in t.ratings}
    assert eff[P1].mmr_delta == -25 and eff[P2].mmr_delta == 25
    assert eff[P1].played == 1 and eff[P2].played == 1


def test_re_resolve_replaces_the_earlier_change() -> None:
    first = rules.resolve(conflicted(), Outcome.PLAYER2_WON, ADMIN, "x", T0, ELO).match
    t = rules.resolve(first, Outcome.PLAYER1_WON, ADMIN, "oops", T0, ELO)
    eff = {e.player: e for e in t.ratings}
    # undo -25/+25 then apply +15/-15, computed from the match-time MMR 1600/1500
    assert eff[P1].mmr_delta == 25 + 15 and eff[P2].mmr_delta == -25 - 15
    assert eff[P1].played == 0 and eff[P2].played == 0  # counts only on the first resolution
    assert eff[P1].won == 1 and eff[P1].lost == -1
    assert (t.match.mmr_after1, t.match.mmr_after2) == (1615, 1485)


def test_re_resolve_same_result_changes_nothing() -> None:
    first = rules.resolve(conflicted(), Outcome.DRAW, ADMIN, "x", T0, ELO).match
    t = rules.resolve(first, Outcome.DRAW, ADMIN, "again", T0, ELO)
    assert all(e.mmr_delta == 0 and e.played == 0 and e.drawn == 0 for e in t.ratings)


def test_invalidate_completed_match_undoes_everything() -> None:
    m = rules.report(started(1600, 1500), P1, Outcome.PLAYER1_WON, T0, ELO).match
    m = rules.report(m, P2, Outcome.PLAYER1_WON, T0, ELO).match
    t = rules.resolve(m, None, ADMIN, "smurf", T0, ELO)
    assert t.match.state is MatchState.INVALIDATED
    assert t.match.result is None and not t.match.counted
    eff = {e.player: e for e in t.ratings}
    assert eff[P1].mmr_delta == -15 and eff[P1].played == -1 and eff[P1].won == -1
    assert eff[P2].mmr_delta == 15 and eff[P2].lost == -1


def test_invalidate_conflict_changes_no_rating() -> None:
    t = rules.resolve(conflicted(), None, ADMIN, "void", T0, ELO)
    assert t.match.state is MatchState.INVALIDATED and t.ratings == ()


def test_resolve_open_match_releases_players() -> None:
    t = rules.resolve(started(), Outcome.PLAYER1_WON, ADMIN, "no show", T0, ELO)
    assert set(t.released_players) == {P1, P2}
    assert t.match.state is MatchState.COMPLETED


@pytest.mark.parametrize("state_maker", ["created", "aborted"])
def test_resolve_created_or_aborted_is_refused(state_maker: str) -> None:
    m = new_match()
    if state_maker == "aborted":
        m = rules.abort(m, P1, T0, aborts_used=0, aborts_allowed=3).match
    with pytest.raises(IllegalTransition):
        rules.resolve(m, Outcome.DRAW, ADMIN, "x", T0, ELO)


def test_invalidated_can_be_resolved_again() -> None:
    void = rules.resolve(conflicted(), None, ADMIN, "void", T0, ELO).match
    t = rules.resolve(void, Outcome.PLAYER1_WON, ADMIN, "found replay", T0, ELO)
    eff = {e.player: e for e in t.ratings}
    assert eff[P1].mmr_delta == 15 and eff[P1].played == 1


def test_holds_players_only_while_open() -> None:
    assert {s for s in MatchState if s.holds_players} == {MatchState.CREATED, MatchState.IN_PROGRESS}
