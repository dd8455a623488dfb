"""Queue service: joins, refusals, waves that create matches, and a restart with players queued."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.errors import Forbidden, InvalidInput, PlayerBusy
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import MatchState
from evoladder.services.matches import MatchRequest
from evoladder.services.queue import QueueRequest
from evoladder.store.tables import preferences, queue_entries

A, B, C, D = PlayerId(301), PlayerId(302), PlayerId(303), PlayerId(304)


@pytest.fixture
async def four(ladder: Ladder, new_player: Any) -> Ladder:
    await new_player(ladder, A, "EUW")
    await new_player(ladder, B, "EUE")
    await new_player(ladder, C, "KRJ")
    await new_player(ladder, D, "NAW")
    return ladder


async def test_join_needs_setup(ladder: Ladder) -> None:
    await ladder.players.ensure(A)
    await ladder.players.accept_tos(A)
    with pytest.raises(Forbidden) as exc:
        await ladder.queue.join(QueueRequest(A, bw_race="bw_zerg"))
    assert exc.value.params["fix"] == "setup"


async def test_refusals(four: Ladder) -> None:
    q = four.queue
    with pytest.raises(InvalidInput):
        await q.join(QueueRequest(A))  # no race
    with pytest.raises(InvalidInput):
        await q.join(QueueRequest(A, bw_race="sc2_zerg"))  # SC2 race on the BW side
    with pytest.raises(InvalidInput):
        await q.join(QueueRequest(A, sc2_race="bw_zerg"))
    pool = [m.name for m in four.pack.map_pool()]
    with pytest.raises(InvalidInput):
        await q.join(QueueRequest(A, bw_race="bw_zerg", vetoes=tuple(pool[:5])))
    with pytest.raises(InvalidInput):
        await q.join(QueueRequest(A, bw_race="bw_zerg", vetoes=("Nowhere LE",)))
    assert not q.is_queued(A)
    await q.join(QueueRequest(A, bw_race="bw_zerg", vetoes=tuple(pool[:4])))
    with pytest.raises(PlayerBusy) as exc:
        await q.join(QueueRequest(A, bw_race="bw_zerg"))
    assert exc.value.params["reason"] == "already_queued"


async def test_cannot_queue_while_in_a_match_nor_be_matched_while_queued(four: Ladder) -> None:
    await four.queue.join(QueueRequest(C, sc2_race="sc2_zerg"))
    with pytest.raises(PlayerBusy):
        await four.matches.create(MatchRequest(A, "bw_zerg", C, "sc2_zerg", None, None, "x"))
    await four.matches.create(MatchRequest(A, "bw_zerg", B, "sc2_zerg", None, None, "m"))
    with pytest.raises(PlayerBusy) as exc:
        await four.queue.join(QueueRequest(A, bw_race="bw_zerg"))
    assert exc.value.params["reason"] == "in_match"


async def test_leave_is_instant_and_choices_are_saved(four: Ladder) -> None:
    pool = [m.name for m in four.pack.map_pool()]
    await four.queue.join(QueueRequest(A, bw_race="bw_terran", sc2_race="sc2_protoss", vetoes=(pool[0],)))
    assert await four.queue.leave(A) is True
    assert await four.queue.leave(A) is False
    assert four.queue.status().waiting == 0
    async with four.db.read() as conn:
        prefs = (await conn.execute(select(preferences))).mappings().one()
        left = (await conn.execute(select(queue_entries))).all()
    assert prefs["last_races"] == ["bw_terran", "sc2_protoss"]
    assert prefs["map_vetoes"] == [pool[0]]
    assert left == []


async def test_wave_pairs_bw_against_sc2_on_the_cross_table_server(four: Ladder) -> None:
    pool = [m.name for m in four.pack.map_pool()]
    await four.queue.join(QueueRequest(A, bw_race="bw_zerg", vetoes=tuple(pool[:4])))
    await four.queue.join(QueueRequest(B, sc2_race="sc2_terran", vetoes=tuple(pool[4:8])))
    status = four.queue.status(A)
    assert status.waiting == 2 and status.by_race == {"bw_zerg": 1, "sc2_terran": 1}
    assert status.window is not None and status.window > 0
    report = await four.queue.run_wave()
    assert len(report.created) == 1
    match = await four.matches.get(report.created[0])
    assert (match.player1, match.race1, match.player2, match.race2) == (A, "bw_zerg", B, "sc2_terran")
    assert match.map_name == pool[8]  # the only map neither vetoed
    assert match.server == four.pack.server_for("EUW", "EUE").code
    assert match.state is MatchState.CREATED
    assert four.queue.status().waiting == 0
    assert (await four.players.get(A)).active_match_id == match.id


async def test_same_game_players_are_never_paired(four: Ladder) -> None:
    await four.queue.join(QueueRequest(A, bw_race="bw_zerg"))
    await four.queue.join(QueueRequest(B, bw_race="bw_terran"))
    report = await four.queue.run_wave()
    assert report.created == ()
    assert [t.waves_waited for t in four.queue.tickets()] == [1, 1]
    async with four.db.read() as conn:
        waves = (await conn.execute(select(queue_entries.c.waves_waited))).scalars().all()
    assert waves == [1, 1]


async def test_both_players_can_meet(four: Ladder) -> None:
    await four.queue.join(QueueRequest(A, bw_race="bw_zerg", sc2_race="sc2_zerg"))
    await four.queue.join(QueueRequest(B, bw_race="bw_protoss", sc2_race="sc2_protoss"))
    report = await four.queue.run_wave()
    assert len(report.created) == 1
    m = await four.matches.get(report.created[0])
    assert {m.race1.split("_")[0], m.race2.split("_")[0]} == {"bw", "sc2"}


async def test_dequeue_refuses_players_who_left(four: Ladder) -> None:
    with pytest.raises(PlayerBusy) as exc:
        await four.matches.create(MatchRequest(A, "bw_zerg", B, "sc2_zerg", None, None, "gone"), dequeue=True)
    assert exc.value.params["reason"] == "left_queue"
    assert four.matches.active_matches() == []


async def test_restart_restores_the_queue(four: Ladder, settings: Settings, clock: ManualClock) -> None:
    await four.queue.join(QueueRequest(A, bw_race="bw_zerg"))
    await four.queue.join(QueueRequest(C, bw_race="bw_protoss"))
    await four.queue.run_wave()  # nobody to pair: both wait one wave
    await four.stop()
    again = build(settings, clock=clock)
    await again.start(expiry_interval_s=3600, run_waves=False)
    try:
        assert [(t.player_id, t.waves_waited) for t in again.queue.tickets()] == [(A, 1), (C, 1)]
        await again.queue.join(QueueRequest(B, sc2_race="sc2_terran"))
        report = await again.queue.run_wave()
        assert len(report.created) == 1
    finally:
        await again.stop()
