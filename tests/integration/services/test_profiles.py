"""Profiles: stored MMR history per race, recent matches and standings, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select

from evoladder.app import Ladder
from evoladder.clock import ManualClock
from evoladder.domain.errors import NotFound
from evoladder.domain.ids import PlayerId
from evoladder.domain.leaderboard import RankStatus
from evoladder.services.matches import MatchRequest
from evoladder.store.tables import rating_history

A, B, C = PlayerId(601), PlayerId(602), PlayerId(603)


async def play(ladder: Ladder, key: str, p1: PlayerId, r1: str, p2: PlayerId, r2: str, result: int) -> int:
    m = await ladder.matches.create(MatchRequest(p1, r1, p2, r2, "Khione SEL", None, key))
    await ladder.matches.confirm(m.id, p1)
    await ladder.matches.confirm(m.id, p2)
    await ladder.matches.report(m.id, p1, result)
    await ladder.matches.report(m.id, p2, result)
    return m.id


async def test_history_is_written_with_every_rating_change_and_read_back_per_race(
    ladder: Ladder, clock: ManualClock, new_player: Any
) -> None:
    for pid in (A, B, C):
        await new_player(ladder, pid, "EUW")
    m1 = await play(ladder, "p1", A, "bw_zerg", B, "sc2_terran", 1)  # A wins: 1520 / 1480
    clock.advance(days=20)
    m2 = await play(ladder, "p2", A, "bw_zerg", C, "sc2_zerg", 2)  # A loses
    clock.advance(days=1)
    m3 = await play(ladder, "p3", B, "bw_terran", A, "sc2_protoss", 0)  # a draw on A's other race
    await ladder.admin.adjust_mmr(999, A, "bw_zerg", "add", 50, "compensation")

    prof = await ladder.profiles.profile(A)
    assert prof.player.id == A
    zerg = prof.race("bw_zerg")
    assert zerg is not None
    assert [(p.source, p.match_id, p.delta, p.played, p.won, p.lost) for p in zerg.history] == [
        ("match", m1, 20, 1, 1, 0),
        ("match", m2, zerg.history[1].delta, 1, 0, 1),
        ("admin", None, 50, 0, 0, 0),
    ]
    assert zerg.history[1].delta < 0
    assert zerg.history[-1].mmr == zerg.standing.entry.mmr  # the series ends at the current MMR
    assert zerg.history[0].mmr - zerg.history[0].delta == 1500  # and starts from the starting MMR
    # windows: the first match is 21 days old, outside 14 days, inside 30 and 90
    w14, w30, w90 = zerg.windows
    assert (w14.days, w14.played, w14.won, w14.lost) == (14, 1, 0, 1)
    assert (w30.played, w30.won, w30.lost, w90.played) == (2, 1, 1, 2)
    assert w30.mmr_change == zerg.standing.entry.mmr - 1500
    toss = prof.race("sc2_protoss")
    assert toss is not None and [(p.delta, p.drawn) for p in toss.history] == [(0, 1)]

    # recent matches, newest first, from A's side
    assert [(r.match_id, r.outcome) for r in prof.recent] == [(m3, "draw"), (m2, "loss"), (m1, "win")]
    newest = prof.recent[0]
    assert (newest.race, newest.opponent_id, newest.opponent_race, newest.map_name) == (
        "sc2_protoss",
        B,
        "bw_terran",
        "Khione SEL",
    )
    assert prof.recent[2].mmr_before == 1500 and prof.recent[2].mmr_change == 20
    assert prof.recent[0].opponent_name == (await ladder.players.get(B)).display_name
    assert prof.aborts_left == ladder.ctx.policy.aborts_per_month


async def test_profile_standings_say_ranked_or_why_not(ladder: Ladder, clock: ManualClock, new_player: Any) -> None:
    for pid in (A, B):
        await new_player(ladder, pid, "EUW")
    await play(ladder, "s1", A, "bw_zerg", B, "sc2_terran", 1)
    prof = await ladder.profiles.profile(A)
    [zerg] = prof.races
    assert zerg.standing.status is RankStatus.RANKED and zerg.standing.position == 1
    clock.advance(days=15)
    [zerg] = (await ladder.profiles.profile(A)).races
    assert zerg.standing.status is RankStatus.INACTIVE and zerg.standing.position is None
    assert zerg.standing.entry.mmr == 1520 and len(zerg.history) == 1


async def test_aborts_and_unfinished_matches_show_without_outcome(ladder: Ladder, new_player: Any) -> None:
    for pid in (A, B):
        await new_player(ladder, pid, "EUW")
    m = await ladder.matches.create(MatchRequest(A, "bw_zerg", B, "sc2_terran", "Khione SEL", None, "ab1"))
    await ladder.matches.abort(m.id, A)
    prof = await ladder.profiles.profile(A)
    assert [(r.match_id, r.state, r.outcome, r.mmr_change) for r in prof.recent] == [(m.id, "aborted", None, None)]
    assert prof.aborts_used == 1 and prof.aborts_left == ladder.ctx.policy.aborts_per_month - 1
    assert prof.races[0].history == ()


async def test_the_stored_part_is_one_round_trip(ladder: Ladder, new_player: Any) -> None:
    for pid in (A, B):
        await new_player(ladder, pid, "EUW")
    await play(ladder, "rt1", A, "bw_zerg", B, "sc2_terran", 1)
    await ladder.profiles.profile(A)  # warm
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sync_engine = ladder.db.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", seen)
    try:
        await ladder.profiles.profile(A)
    finally:
        event.remove(sync_engine, "before_cursor_execute", seen)
    assert len([s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]) == 1


async def test_resolving_twice_keeps_one_history_point_per_change(ladder: Ladder, new_player: Any) -> None:
    for pid in (A, B):
        await new_player(ladder, pid, "EUW")
    mid = await play(ladder, "rs1", A, "bw_zerg", B, "sc2_terran", 1)
    await ladder.admin.resolve(999, mid, 2, "replay shows B won")
    zerg = (await ladder.profiles.profile(A)).race("bw_zerg")
    assert zerg is not None
    assert [(p.source, p.match_id) for p in zerg.history] == [("match", mid), ("admin", mid)]
    assert sum(p.delta for p in zerg.history) == zerg.standing.entry.mmr - 1500
    async with ladder.db.read() as conn:
        total = (await conn.execute(select(func.count()).select_from(rating_history))).scalar()
    assert total == 4  # two players, two changes each


async def test_unknown_player_is_refused(ladder: Ladder) -> None:
    with pytest.raises(NotFound):
        await ladder.profiles.profile(PlayerId(999_999))


async def test_a_banned_player_leaves_the_board_but_keeps_the_profile(ladder: Ladder, new_player: Any) -> None:
    for pid in (A, B):
        await new_player(ladder, pid, "EUW")
    await play(ladder, "bn1", A, "bw_zerg", B, "sc2_terran", 1)
    await ladder.admin.set_ban(999, A, True, "smurfing")
    assert [r.player_id for r in ladder.leaderboard.page().rows] == [B]
    [zerg] = (await ladder.profiles.profile(A)).races
    assert zerg.standing.status is RankStatus.BANNED and zerg.standing.entry.mmr == 1520
    await ladder.admin.set_ban(999, A, False, "appeal accepted")
    assert [r.player_id for r in ladder.leaderboard.page().rows] == [A, B]
