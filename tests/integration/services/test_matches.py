"""Match lifecycle through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.errors import (
    AbortLimitReached,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotAParticipant,
    PlayerBusy,
)
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import AbortReason, AlreadyApplied, MatchState
from evoladder.services.admin import DuplicateRequest
from evoladder.services.matches import MatchRequest
from evoladder.store.tables import abort_counts, audit_log, ratings

P1, P2, P3 = PlayerId(101), PlayerId(102), PlayerId(103)


@pytest.fixture
async def pair(ladder: Ladder, new_player):  # type: ignore[no-untyped-def]
    await new_player(ladder, P1, "EUW")
    await new_player(ladder, P2, "KRJ")
    await new_player(ladder, P3, "NAE")
    return ladder


async def started_match(ladder: Ladder, key: str = "k1"):  # type: ignore[no-untyped-def]
    m = await ladder.matches.create(MatchRequest(P1, "bw_zerg", P2, "sc2_terran", "Khione SEL", None, key))
    await ladder.matches.confirm(m.id, P1)
    return await ladder.matches.confirm(m.id, P2)


async def db_mmr(ladder: Ladder, pid: int, race: str) -> tuple[int, int, int, int, int]:
    async with ladder.db.read() as conn:
        row = (
            await conn.execute(
                select(
                    ratings.c.mmr,
                    ratings.c.games_played,
                    ratings.c.games_won,
                    ratings.c.games_lost,
                    ratings.c.games_drawn,
                ).where(ratings.c.player_id == pid, ratings.c.race == race)
            )
        ).one()
    return tuple(row)  # type: ignore[return-value]


async def test_full_match_applies_mmr_to_both(pair: Ladder) -> None:
    ladder = pair
    m = await started_match(ladder)
    assert m.state is MatchState.IN_PROGRESS
    assert m.server == ladder.pack.server_for("EUW", "KRJ").code
    await ladder.matches.report(m.id, P1, 1)
    done = await ladder.matches.report(m.id, P2, 1)
    assert done.state is MatchState.COMPLETED
    assert (done.mmr_after1, done.mmr_after2, done.delta1, done.delta2) == (1520, 1480, 20, -20)
    assert await db_mmr(ladder, P1, "bw_zerg") == (1520, 1, 1, 0, 0)
    assert await db_mmr(ladder, P2, "sc2_terran") == (1480, 1, 0, 1, 0)
    assert (await ladder.players.ratings(P1))["bw_zerg"].mmr == 1520  # hot cache agrees
    assert (await ladder.players.get(P1)).active_match_id is None


async def test_create_is_idempotent_on_key(pair: Ladder) -> None:
    req = MatchRequest(P1, "bw_zerg", P2, "sc2_terran", "Khione SEL", None, "same-key")
    a, b = await asyncio.gather(pair.matches.create(req), pair.matches.create(req))
    assert a.id == b.id
    assert len(pair.matches.active_matches()) == 1


async def test_player_busy_until_match_ends(pair: Ladder) -> None:
    m = await started_match(pair)
    with pytest.raises(PlayerBusy):
        await pair.matches.create(MatchRequest(P3, "bw_terran", P2, "sc2_zerg", None, None, "k2"))
    await pair.matches.report(m.id, P1, 0)
    await pair.matches.report(m.id, P2, 0)
    again = await pair.matches.create(MatchRequest(P3, "bw_terran", P2, "sc2_zerg", None, None, "k2"))
    assert again.state is MatchState.CREATED


@pytest.mark.parametrize(
    ("race1", "race2", "field"),
    [("bw_zerg", "bw_terran", "race2"), ("sc2_zerg", "sc2_terran", "race2"), ("elf", "sc2_terran", "race1")],
)
async def test_bad_races_are_refused(pair: Ladder, race1: str, race2: str, field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        await pair.matches.create(MatchRequest(P1, race1, P2, race2, "Khione SEL"))
    assert exc.value.field == field
    assert pair.matches.active_matches() == []


async def test_unknown_map_is_refused(pair: Ladder) -> None:
    with pytest.raises(InvalidInput):
        await pair.matches.create(MatchRequest(P1, "bw_zerg", P2, "sc2_terran", "Nowhere LE"))


async def test_disagreement_conflicts_then_admin_resolves_once(pair: Ladder) -> None:
    m = await started_match(pair)
    await pair.matches.report(m.id, P1, 1)
    c = await pair.matches.report(m.id, P2, 2)
    assert c.state is MatchState.CONFLICT
    assert await db_mmr(pair, P1, "bw_zerg") == (1500, 0, 0, 0, 0)
    with pytest.raises(Forbidden):
        await pair.admin.resolve(12345, m.id, 2, "not an admin")
    r = await pair.admin.resolve(999, m.id, 2, "replay shows player 2", request_id="req-1")
    assert r.state is MatchState.COMPLETED
    assert await db_mmr(pair, P1, "bw_zerg") == (1480, 1, 0, 1, 0)
    with pytest.raises(DuplicateRequest):
        await pair.admin.resolve(999, m.id, 2, "double click", request_id="req-1")
    # re-resolve to player 1: recomputed from match-time MMR, counts unchanged
    await pair.admin.resolve(999, m.id, 1, "wrong pick", request_id="req-2")
    assert await db_mmr(pair, P1, "bw_zerg") == (1520, 1, 1, 0, 0)
    assert await db_mmr(pair, P2, "sc2_terran") == (1480, 1, 0, 1, 0)
    # void: everything undone
    await pair.admin.resolve(999, m.id, None, "void", request_id="req-3")
    assert await db_mmr(pair, P1, "bw_zerg") == (1500, 0, 0, 0, 0)
    async with pair.db.read() as conn:
        actions = (await conn.execute(select(audit_log.c.action))).scalars().all()
    assert actions == ["resolve_match"] * 3


async def test_abort_quota_per_month(pair: Ladder, clock: ManualClock) -> None:
    for i in range(3):
        m = await pair.matches.create(MatchRequest(P1, "bw_zerg", P2, "sc2_terran", None, None, f"a{i}"))
        aborted = await pair.matches.abort(m.id, P1)
        assert aborted.abort_reason is AbortReason.PLAYER
    m = await pair.matches.create(MatchRequest(P1, "bw_zerg", P2, "sc2_terran", None, None, "a3"))
    with pytest.raises(AbortLimitReached) as exc:
        await pair.matches.abort(m.id, P1)
    assert exc.value.params["remaining"] == 0
    assert (await pair.matches.get(m.id)).state is MatchState.CREATED
    assert (await pair.players.profile(P1)).aborts_left == 0
    assert await db_mmr(pair, P1, "bw_zerg") == (1500, 0, 0, 0, 0)
    # the other player may still abort it, and a new calendar month restores the quota
    await pair.matches.abort(m.id, P2)
    clock.advance(days=31)
    assert (await pair.players.profile(P1)).aborts_left == 3


async def test_timeout_aborts_and_charges_nobody(pair: Ladder, clock: ManualClock) -> None:
    m = await pair.matches.create(MatchRequest(P1, "bw_zerg", P2, "sc2_terran", None, None, "t"))
    await pair.matches.confirm(m.id, P2)
    clock.advance(seconds=61)
    with pytest.raises(IllegalTransition):
        await pair.matches.confirm(m.id, P1)
    [expired] = await pair.matches.expire_due()
    assert expired.abort_reason is AbortReason.TIMEOUT and expired.unconfirmed == (P1,)
    async with pair.db.read() as conn:
        assert (await conn.execute(select(abort_counts))).all() == []
    assert (await pair.players.get(P1)).active_match_id is None


async def test_illegal_transitions_change_nothing(pair: Ladder) -> None:
    m = await pair.matches.create(MatchRequest(P1, "bw_zerg", P2, "sc2_terran", None, None, "i"))
    with pytest.raises(IllegalTransition):
        await pair.matches.report(m.id, P1, 1)  # not started
    with pytest.raises(NotAParticipant):
        await pair.matches.confirm(m.id, P3)
    await pair.matches.confirm(m.id, P1)
    with pytest.raises(AlreadyApplied):
        await pair.matches.confirm(m.id, P1)
    aborted = await pair.matches.abort(m.id, P2)
    with pytest.raises(IllegalTransition):
        await pair.matches.report(m.id, P1, 1)
    assert (await pair.matches.get(m.id)).version == aborted.version
    with pytest.raises(InvalidInput):
        await pair.matches.report(m.id, P1, 7)


async def test_fifty_identical_reports_apply_mmr_once(pair: Ladder) -> None:
    m = await started_match(pair)
    await pair.matches.report(m.id, P1, 1)
    outcomes = await asyncio.gather(*[pair.matches.report(m.id, P2, 1) for _ in range(50)], return_exceptions=True)
    successes = [o for o in outcomes if not isinstance(o, BaseException)]
    repeats = [o for o in outcomes if isinstance(o, AlreadyApplied)]
    assert len(successes) == 1 and len(repeats) == 49
    assert await db_mmr(pair, P1, "bw_zerg") == (1520, 1, 1, 0, 0)
    assert await db_mmr(pair, P2, "sc2_terran") == (1480, 1, 0, 1, 0)


async def test_fifty_identical_first_reports_from_cold_caches(
    pair: Ladder, settings: Settings, clock: ManualClock
) -> None:
    """Duplicates that race from separate ladders (separate caches, like two processes)."""
    m = await started_match(pair)
    others = [build(settings, clock=clock) for _ in range(3)]
    for o in others:
        await o.start(expiry_interval_s=3600, run_waves=False)
    try:
        await pair.matches.report(m.id, P1, 1)
        apps = [pair, *others]
        outcomes = await asyncio.gather(
            *[apps[i % 4].matches.report(m.id, P2, 1) for i in range(50)], return_exceptions=True
        )
    finally:
        for o in others:
            await o.stop()
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert all(isinstance(o, AlreadyApplied) for o in outcomes if isinstance(o, BaseException))
    assert await db_mmr(pair, P1, "bw_zerg") == (1520, 1, 1, 0, 0)


async def test_failure_before_commit_applies_nothing(pair: Ladder) -> None:
    m = await started_match(pair)
    await pair.matches.report(m.id, P1, 1)

    async def crash(_conn: object) -> None:
        raise RuntimeError("injected failure between the writes and COMMIT")

    pair.db.before_commit = crash
    with pytest.raises(RuntimeError, match="injected"):
        await pair.matches.report(m.id, P2, 1)
    pair.db.before_commit = None
    assert await db_mmr(pair, P1, "bw_zerg") == (1500, 0, 0, 0, 0)
    fresh = await pair.matches._load(m.id)
    assert fresh.state is MatchState.IN_PROGRESS and fresh.report2 is None
    assert (await pair.players.ratings(P1))["bw_zerg"].mmr == 1500  # cache untouched too
    done = await pair.matches.report(m.id, P2, 1)  # the retry succeeds once
    assert done.state is MatchState.COMPLETED


async def test_restart_restores_active_and_expires_overdue(
    pair: Ladder,
    settings: Settings,
    clock: ManualClock,
    new_player,  # type: ignore[no-untyped-def]
) -> None:
    p4 = await new_player(pair, 104, "NAW")
    playing = await started_match(pair)
    waiting = await pair.matches.create(MatchRequest(P3, "bw_protoss", p4, "sc2_zerg", None, None, "w"))
    await pair.stop()
    clock.advance(seconds=90)
    again = build(settings, clock=clock)
    await again.start(expiry_interval_s=3600, run_waves=False)
    try:
        assert [m.id for m in again.matches.active_matches()] == [playing.id]
        assert [m.id for m in again.expired_at_start] == [waiting.id]
        assert again.expired_at_start[0].unconfirmed == (P3, p4)
        assert (await again.players.get(P3)).active_match_id is None
        await again.matches.report(playing.id, P1, 2)
        done = await again.matches.report(playing.id, P2, 2)
        assert done.state is MatchState.COMPLETED
    finally:
        await again.stop()
