"""The match lifecycle as an explicit state machine.

::

    created --both confirm (within the window)--> in_progress --agreeing reports--> completed
       |  \\--a non-confirmed player aborts--> aborted (charged to that player's monthly quota)
       \\----window passes without both-----> aborted (system; charges nobody, records who)
    in_progress --disagreeing reports--> conflict
    in_progress --a replay passing every check--> completed (or conflict if a report contradicts it)
    completed by a replay --a contradicting manual report--> conflict (replay attached as evidence)
    in_progress | conflict | completed | invalidated --admin resolves--> completed | invalidated

Every transition is a pure function ``(match, action, now) -> Transition``. It either raises a
``LadderError`` (and nothing changes) or returns the next ``Match`` plus the rating effects to apply
in the same transaction. Ratings move by the delta computed from the MMRs stored at creation, so a
re-resolution replaces the earlier delta instead of stacking on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from evoladder.domain.errors import (
    AbortLimitReached,
    IllegalTransition,
    NotAParticipant,
)
from evoladder.domain.ids import MapName, MatchId, PlayerId, RaceCode, ServerCode
from evoladder.domain.rating import Outcome, RatingModel, RatingState


class MatchState(StrEnum):
    CREATED = "created"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CONFLICT = "conflict"
    ABORTED = "aborted"
    INVALIDATED = "invalidated"

    @property
    def holds_players(self) -> bool:
        """True while the two players are tied to this match (cannot queue or play another)."""
        return self in (MatchState.CREATED, MatchState.IN_PROGRESS)


class AbortReason(StrEnum):
    PLAYER = "player"
    TIMEOUT = "timeout"


class ResultSource(StrEnum):
    """What decided a match's result: agreeing reports, a replay that passed every check, an admin."""

    REPORTS = "reports"
    REPLAY = "replay"
    ADMIN = "admin"


class AlreadyApplied(IllegalTransition):
    """The same action was already applied (double click, retry). Nothing changed.

    Front-ends may treat it as a success and show the current state, carried in ``match``.
    """

    code = "already_applied"

    def __init__(self, message: str, match: Match) -> None:
        super().__init__(message, match_id=match.id)
        self.match = match


RESOLVABLE = frozenset({MatchState.IN_PROGRESS, MatchState.CONFLICT, MatchState.COMPLETED, MatchState.INVALIDATED})


@dataclass(frozen=True, slots=True)
class Match:
    """A match as the rules see it. ``version`` increases on every stored change (compare-and-set)."""

    id: MatchId
    player1: PlayerId
    player2: PlayerId
    race1: RaceCode
    race2: RaceCode
    mmr1: int
    mmr2: int
    map_name: MapName
    server: ServerCode
    created_at: datetime
    confirm_deadline: datetime
    state: MatchState = MatchState.CREATED
    confirmed1_at: datetime | None = None
    confirmed2_at: datetime | None = None
    report1: Outcome | None = None
    report2: Outcome | None = None
    result: Outcome | None = None
    mmr_after1: int | None = None
    mmr_after2: int | None = None
    delta1: int | None = None
    delta2: int | None = None
    counted: bool = False
    abort_reason: AbortReason | None = None
    aborted_by: PlayerId | None = None
    unconfirmed: tuple[PlayerId, ...] = ()
    confirmed_at: datetime | None = None
    completed_at: datetime | None = None
    resolved_by: PlayerId | None = None
    resolution_reason: str | None = None
    resolved_at: datetime | None = None
    channel: str | None = None
    rating_model: str = "elo"
    rd1: float | None = None
    rd2: float | None = None
    vol1: float | None = None
    vol2: float | None = None
    replay_id: int | None = None
    """The verified replay that decided the result, or that is attached as evidence to a conflict."""
    result_source: ResultSource | None = None
    version: int = 1

    def slot_of(self, player: PlayerId) -> int:
        """1 or 2; raises ``NotAParticipant`` for anybody else."""
        if player == self.player1:
            return 1
        if player == self.player2:
            return 2
        raise NotAParticipant(f"Player {player} is not in match #{self.id}.", match_id=self.id, player_id=player)

    def opponent_of(self, player: PlayerId) -> PlayerId:
        return self.player2 if self.slot_of(player) == 1 else self.player1

    def race_of(self, player: PlayerId) -> RaceCode:
        return self.race1 if self.slot_of(player) == 1 else self.race2

    def confirmed(self, slot: int) -> bool:
        return (self.confirmed1_at if slot == 1 else self.confirmed2_at) is not None

    def report_of(self, slot: int) -> Outcome | None:
        return self.report1 if slot == 1 else self.report2


@dataclass(frozen=True, slots=True)
class RatingEffect:
    """A change to one player's rating row for one race, applied atomically (``mmr = mmr + delta``)."""

    player: PlayerId
    race: RaceCode
    mmr_delta: int
    played: int = 0
    won: int = 0
    lost: int = 0
    drawn: int = 0
    last_played: datetime | None = None
    rd: float | None = None
    """Absolute new rating deviation (Glicko-2), or None to leave it."""
    volatility: float | None = None
    """Absolute new volatility (Glicko-2), or None to leave it."""


@dataclass(frozen=True, slots=True)
class Transition:
    """The result of a legal action: the next match, rating effects and whether a quota is charged."""

    match: Match
    ratings: tuple[RatingEffect, ...] = ()
    charge_abort_to: PlayerId | None = None
    released_players: tuple[PlayerId, ...] = field(default=())


def _refuse_if_not(match: Match, allowed: set[MatchState] | frozenset[MatchState], action: str) -> None:
    if match.state not in allowed:
        raise IllegalTransition(
            f"Match #{match.id} is {match.state.value}; you cannot {action} it now.",
            match_id=match.id,
            state=match.state.value,
            action=action,
        )


def _bump(match: Match, **changes: object) -> Match:
    return replace(match, version=match.version + 1, **changes)  # type: ignore[arg-type]


def _both(match: Match) -> tuple[PlayerId, PlayerId]:
    return (match.player1, match.player2)


def confirm(match: Match, player: PlayerId, now: datetime) -> Transition:
    """A player confirms. Both confirmations within the window start the match."""
    slot = match.slot_of(player)
    if match.state is MatchState.CREATED and match.confirmed(slot):
        raise AlreadyApplied(f"You already confirmed match #{match.id}.", match)
    _refuse_if_not(match, {MatchState.CREATED}, "confirm")
    if now > match.confirm_deadline:
        raise IllegalTransition(
            f"The confirmation window of match #{match.id} has closed.", match_id=match.id, action="confirm"
        )
    changes: dict[str, object] = {f"confirmed{slot}_at": now}
    other_confirmed = match.confirmed(3 - slot)
    if other_confirmed:
        changes["state"] = MatchState.IN_PROGRESS
        changes["confirmed_at"] = now
    return Transition(match=_bump(match, **changes))


def abort(match: Match, player: PlayerId, now: datetime, *, aborts_used: int, aborts_allowed: int) -> Transition:
    """A player who has not confirmed backs out before the window closes; uses one monthly abort."""
    slot = match.slot_of(player)
    if match.state is MatchState.ABORTED and match.aborted_by == player:
        raise AlreadyApplied(f"You already aborted match #{match.id}.", match)
    _refuse_if_not(match, {MatchState.CREATED}, "abort")
    if match.confirmed(slot):
        raise IllegalTransition(
            f"You already confirmed match #{match.id}; it can no longer be aborted.",
            match_id=match.id,
            action="abort",
        )
    if now > match.confirm_deadline:
        raise IllegalTransition(
            f"The confirmation window of match #{match.id} has closed.", match_id=match.id, action="abort"
        )
    remaining = aborts_allowed - aborts_used
    if remaining <= 0:
        raise AbortLimitReached(
            f"You have no aborts left this month (0 of {aborts_allowed}).",
            remaining=0,
            allowed=aborts_allowed,
        )
    nxt = _bump(
        match,
        state=MatchState.ABORTED,
        abort_reason=AbortReason.PLAYER,
        aborted_by=player,
        completed_at=now,
    )
    return Transition(match=nxt, charge_abort_to=player, released_players=_both(match))


def expire(match: Match, now: datetime) -> Transition:
    """The system aborts a match whose confirmation window passed; nobody's quota is charged."""
    _refuse_if_not(match, {MatchState.CREATED}, "expire")
    if now <= match.confirm_deadline:
        raise IllegalTransition(
            f"Match #{match.id} still has time to be confirmed.", match_id=match.id, action="expire"
        )
    missing = tuple(p for slot, p in ((1, match.player1), (2, match.player2)) if not match.confirmed(slot))
    nxt = _bump(
        match,
        state=MatchState.ABORTED,
        abort_reason=AbortReason.TIMEOUT,
        unconfirmed=missing,
        completed_at=now,
    )
    return Transition(match=nxt, released_players=_both(match))


def report(match: Match, player: PlayerId, outcome: Outcome, now: datetime, model: RatingModel) -> Transition:
    """A player reports the result (absolute: draw, player 1 won, player 2 won).

    The second report completes the match if it agrees (MMR applied in the same transaction) or
    puts it in conflict for an admin if it does not.
    """
    slot = match.slot_of(player)
    mine = match.report_of(slot)
    if mine is not None:
        if mine == outcome:
            raise AlreadyApplied(f"You already reported this result for match #{match.id}.", match)
        raise IllegalTransition(
            f"You already reported a different result for match #{match.id}; an admin can change it.",
            match_id=match.id,
            action="report",
        )
    if match.state is MatchState.COMPLETED and match.result_source is ResultSource.REPLAY:
        return _report_after_replay(match, slot, outcome)
    _refuse_if_not(match, {MatchState.IN_PROGRESS}, "report")
    changes: dict[str, object] = {f"report{slot}": outcome}
    theirs = match.report_of(3 - slot)
    if theirs is None:
        return Transition(match=_bump(match, **changes))
    if theirs != outcome:
        changes.update(state=MatchState.CONFLICT, completed_at=now)
        return Transition(match=_bump(match, **changes), released_players=_both(match))
    changes.update(state=MatchState.COMPLETED, completed_at=now, result_source=ResultSource.REPORTS)
    nxt, effects = _apply_result(replace(match, **changes), outcome, now, model)  # type: ignore[arg-type]
    return Transition(match=_bump(nxt), ratings=effects, released_players=_both(match))


def resolve(
    match: Match,
    outcome: Outcome | None,
    admin: PlayerId,
    reason: str,
    now: datetime,
    model: RatingModel,
) -> Transition:
    """An admin settles the match: a result, or ``None`` to invalidate (void) it.

    Works on an open, conflicting or already resolved match. A re-resolution recomputes from the
    MMR stored at match creation and replaces the earlier change, so nothing is applied twice.
    Game counts are added on the first counted result only; voiding a counted match removes them.
    """
    _refuse_if_not(match, RESOLVABLE, "resolve")
    base = replace(
        match, resolved_by=admin, resolution_reason=reason, resolved_at=now, result_source=ResultSource.ADMIN
    )
    releases = _both(match) if match.state.holds_players else ()
    if outcome is None:
        effects = _undo(match)
        nxt = replace(
            base,
            state=MatchState.INVALIDATED,
            result=None,
            mmr_after1=None,
            mmr_after2=None,
            delta1=None,
            delta2=None,
            counted=False,
            completed_at=match.completed_at or now,
        )
        return Transition(match=_bump(nxt), ratings=effects, released_players=releases)
    applied, new_effects = _apply_result(
        replace(base, state=MatchState.COMPLETED, completed_at=match.completed_at or now), outcome, now, model
    )
    merged = _merge(_undo(match), new_effects)
    return Transition(match=_bump(applied), ratings=merged, released_players=releases)


def replay_result(match: Match, outcome: Outcome, now: datetime, model: RatingModel, replay_id: int) -> Transition:
    """A replay that passed every check reports ``outcome`` for both players.

    In progress: the replay finishes the match (MMR applied in the same transaction), unless a
    player already reported the other way; then the match goes to ``conflict`` for an admin, with
    the replay's result applied provisionally (a replay passing every check is the stronger
    evidence; ``resolve`` replaces or voids it). Completed by agreeing reports: a different
    result puts the match in conflict, keeping what was applied; the same result attaches the
    replay as evidence. In conflict: the replay is attached as evidence. Anything else (not
    started, aborted, voided, settled by an admin or by another replay) is refused.
    """
    if match.replay_id == replay_id:
        raise AlreadyApplied(f"This replay already decided match #{match.id}.", match)
    if match.state is MatchState.IN_PROGRESS:
        contradicted = any(r is not None and r != outcome for r in (match.report1, match.report2))
        state = MatchState.CONFLICT if contradicted else MatchState.COMPLETED
        decided = replace(match, state=state, completed_at=now, replay_id=replay_id, result_source=ResultSource.REPLAY)
        nxt, effects = _apply_result(decided, outcome, now, model)
        return Transition(match=_bump(nxt), ratings=effects, released_players=_both(match))
    reports_decided = match.state is MatchState.COMPLETED and match.result_source is ResultSource.REPORTS
    if reports_decided and match.result != outcome:
        return Transition(match=_bump(match, state=MatchState.CONFLICT, replay_id=replay_id))
    if (reports_decided or match.state is MatchState.CONFLICT) and match.replay_id is None:
        return Transition(match=_bump(match, replay_id=replay_id))
    if match.result_source is ResultSource.REPLAY and match.result == outcome:
        raise AlreadyApplied(f"Another replay already reported this result for match #{match.id}.", match)
    raise IllegalTransition(
        f"Match #{match.id} is {match.state.value}; a replay can no longer change its result.",
        match_id=match.id,
        state=match.state.value,
        action="replay_result",
    )


def _report_after_replay(match: Match, slot: int, outcome: Outcome) -> Transition:
    """A manual report on a match a verified replay completed: agreeing is recorded; contradicting
    puts the match in conflict for an admin, the replay (``replay_id``) attached as evidence and
    its result still applied until the admin resolves."""
    changes: dict[str, object] = {f"report{slot}": outcome}
    if outcome != match.result:
        changes["state"] = MatchState.CONFLICT
    return Transition(match=_bump(match, **changes))


def _apply_result(
    match: Match, outcome: Outcome, now: datetime, model: RatingModel
) -> tuple[Match, tuple[RatingEffect, ...]]:
    new1, new2 = model.rate(
        RatingState(match.mmr1, match.rd1, match.vol1), RatingState(match.mmr2, match.rd2, match.vol2), outcome
    )
    d1, d2 = new1.mmr - match.mmr1, new2.mmr - match.mmr2
    won1, won2 = outcome is Outcome.PLAYER1_WON, outcome is Outcome.PLAYER2_WON
    draw = outcome is Outcome.DRAW
    effects = (
        RatingEffect(match.player1, match.race1, d1, 1, int(won1), int(won2), int(draw), now, new1.rd, new1.volatility),
        RatingEffect(match.player2, match.race2, d2, 1, int(won2), int(won1), int(draw), now, new2.rd, new2.volatility),
    )
    nxt = replace(
        match,
        result=outcome,
        mmr_after1=new1.mmr,
        mmr_after2=new2.mmr,
        delta1=d1,
        delta2=d2,
        counted=True,
    )
    return nxt, effects


def _undo(match: Match) -> tuple[RatingEffect, ...]:
    """Effects that cancel what this match applied so far (nothing if it never counted)."""
    if not match.counted or match.result is None:
        return ()
    r = match.result
    won1, won2, draw = r is Outcome.PLAYER1_WON, r is Outcome.PLAYER2_WON, r is Outcome.DRAW
    return (
        RatingEffect(
            match.player1, match.race1, -(match.delta1 or 0), -1, -int(won1), -int(won2), -int(draw),
            None, match.rd1, match.vol1,
        ),
        RatingEffect(
            match.player2, match.race2, -(match.delta2 or 0), -1, -int(won2), -int(won1), -int(draw),
            None, match.rd2, match.vol2,
        ),
    )  # fmt: skip


def _merge(first: tuple[RatingEffect, ...], second: tuple[RatingEffect, ...]) -> tuple[RatingEffect, ...]:
    """Combine undo + redo per (player, race) into one net effect each."""
    out: dict[tuple[PlayerId, RaceCode], RatingEffect] = {}
    for eff in (*first, *second):
        key = (eff.player, eff.race)
        prev = out.get(key)
        if prev is None:
            out[key] = eff
        else:
            out[key] = RatingEffect(
                eff.player,
                eff.race,
                prev.mmr_delta + eff.mmr_delta,
                prev.played + eff.played,
                prev.won + eff.won,
                prev.lost + eff.lost,
                prev.drawn + eff.drawn,
                eff.last_played or prev.last_played,
                eff.rd if eff.rd is not None else prev.rd,
                eff.volatility if eff.volatility is not None else prev.volatility,
            )
    return tuple(out.values())
