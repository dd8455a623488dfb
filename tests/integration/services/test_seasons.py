"""Season rollover: frozen standings, carried ratings, new map pool, queued vetoes; SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.errors import Forbidden, InvalidInput, NotFound
from evoladder.domain.ids import PlayerId
from evoladder.domain.leaderboard import RankStatus
from evoladder.services.matches import MatchRequest
from evoladder.services.queue import QueueRequest
from evoladder.store.tables import audit_log, queue_entries

A, B, C, D = PlayerId(701), PlayerId(702), PlayerId(703), PlayerId(704)
ADMIN = 999


async def play(ladder: Ladder, key: str, p1: PlayerId, r1: str, p2: PlayerId, r2: str, result: int) -> None:
    m = await ladder.matches.create(MatchRequest(p1, r1, p2, r2, "Khione SEL", None, key))
    await ladder.matches.confirm(m.id, p1)
    await ladder.matches.confirm(m.id, p2)
    await ladder.matches.report(m.id, p1, result)
    await ladder.matches.report(m.id, p2, result)


def rows(page: Any) -> list[tuple[Any, ...]]:
    return [(r.position, r.letter, r.player_id, r.race, r.mmr, r.games_won, r.games_lost) for r in page.rows]


async def seeded(ladder: Ladder, new_player: Any, clock: ManualClock) -> None:
    for pid in (A, B, C, D):
        await new_player(ladder, pid, "EUW")
    await play(ladder, "s1", A, "bw_zerg", B, "sc2_terran", 1)
    clock.advance(minutes=5)
    await play(ladder, "s2", C, "bw_terran", D, "sc2_zerg", 2)
    clock.advance(minutes=5)
    await play(ladder, "s3", A, "bw_zerg", D, "sc2_zerg", 1)


async def test_first_start_records_the_packs_current_season(ladder: Ladder) -> None:
    assert ladder.seasons.current() == ladder.pack.current_season.code == "season_alpha"
    [only] = await ladder.seasons.seasons()
    assert only.code == "season_alpha" and only.closed_at is None and "Khione SEL" in only.maps


async def test_rollover_freezes_standings_keeps_mmr_and_restarts_records(
    ladder: Ladder, new_player: Any, clock: ManualClock
) -> None:
    await seeded(ladder, new_player, clock)
    before = rows(ladder.leaderboard.page())
    assert len(before) == 4
    mmr_before = {(r[2], r[3]): r[4] for r in before}
    clock.advance(hours=1)
    done = await ladder.seasons.start_season(ADMIN, "season_1", "Season 1 begins", request_id="s-1")
    assert (done.old, done.new, done.ranked_at_close, done.frozen_entries) == ("season_alpha", "season_1", 4, 4)

    # the past season reads exactly as the board stood, filters included
    assert rows(await ladder.leaderboard.season_page("season_alpha")) == before
    only_zerg = await ladder.leaderboard.season_page("season_alpha", races=["bw_zerg"])
    assert [r.player_id for r in only_zerg.rows] == [A]
    values = await ladder.leaderboard.season_filter_values("season_alpha")
    assert set(values.races) == {"bw_zerg", "sc2_terran", "bw_terran", "sc2_zerg"}

    # the new season: MMR kept (default carry-over), records restart, so nobody is ranked yet
    assert ladder.leaderboard.page().total_entries == 0
    prof = await ladder.profiles.profile(A)
    [zerg] = prof.races
    assert zerg.standing.status is RankStatus.NO_GAMES
    assert zerg.standing.entry.mmr == mmr_before[(A, "bw_zerg")] and zerg.standing.entry.games_played == 0
    assert zerg.history[-1].source == "season" and zerg.history[-1].delta == 0
    assert zerg.windows[0].played == 2  # the season point is not a game
    # the map pool switched: new matches use season 1's maps
    assert ladder.pack.current_season.code == "season_1"
    assert "Pylon SEL" in {m.name for m in ladder.pack.map_pool()}
    m = await ladder.matches.create(MatchRequest(B, "bw_protoss", C, "sc2_protoss", "Pylon SEL", None, "n1"))
    assert m.map_name == "Pylon SEL"
    async with ladder.db.read() as conn:
        audit = (await conn.execute(select(audit_log).where(audit_log.c.action == "season_start"))).mappings().one()
    assert audit["new_value"]["season"] == "season_1" and audit["reason"] == "Season 1 begins"


async def test_queued_players_lose_only_the_vetoes_that_left_the_pool(ladder: Ladder, new_player: Any) -> None:
    await new_player(ladder, A, "EUW")
    await ladder.queue.join(QueueRequest(A, "bw_zerg", None, ("Celestial Enclave LE", "Khione SEL")))
    done = await ladder.seasons.start_season(ADMIN, "season_1", "next season")
    assert done.queued == (A,)
    assert done.dropped_vetoes == {A: frozenset({"Celestial Enclave LE"})}
    async with ladder.db.read() as conn:
        vetoes = (await conn.execute(select(queue_entries.c.map_vetoes))).scalar()
    assert vetoes == ["Khione SEL"]
    [ticket] = ladder.queue.tickets()
    assert ticket.vetoes == frozenset({"Khione SEL"})


async def test_refusals_change_nothing(ladder: Ladder, new_player: Any) -> None:
    with pytest.raises(Forbidden):
        await ladder.seasons.start_season(12345, "season_1", "not an admin")
    with pytest.raises(InvalidInput):
        await ladder.seasons.start_season(ADMIN, "season_9", "no such season")
    with pytest.raises(InvalidInput):
        await ladder.seasons.start_season(ADMIN, "season_alpha", "already current")
    with pytest.raises(InvalidInput):
        await ladder.seasons.start_season(ADMIN, "season_beta", "its pool is empty")
    with pytest.raises(InvalidInput):
        await ladder.seasons.start_season(ADMIN, "season_1", "   ")
    assert ladder.seasons.current() == "season_alpha"
    await ladder.seasons.start_season(ADMIN, "season_1", "go")
    with pytest.raises(InvalidInput):  # seasons only move on
        await ladder.seasons.start_season(ADMIN, "season_alpha", "back")
    with pytest.raises(NotFound):
        await ladder.leaderboard.season_page("season_beta")


async def test_soft_reset_moves_mmr_toward_the_start(settings: Settings, clock: ManualClock, new_player: Any) -> None:
    soft = settings.model_copy(update={"season_carry_over": "soft", "season_soft_reset_factor": 0.5})
    ladder = build(soft, clock=clock)
    await ladder.start(expiry_interval_s=3600, run_waves=False)
    try:
        for pid in (A, B):
            await new_player(ladder, pid, "EUW")
        await play(ladder, "soft1", A, "bw_zerg", B, "sc2_terran", 1)  # 1520 / 1480
        await ladder.seasons.start_season(ADMIN, "season_1", "soft reset")
        ratings = await ladder.players.ratings(A)
        assert ratings["bw_zerg"].mmr == 1510 and (await ladder.players.ratings(B))["sc2_terran"].mmr == 1490
    finally:
        await ladder.stop()


async def test_a_restart_keeps_the_season_and_serves_past_standings(
    ladder: Ladder, settings: Settings, clock: ManualClock, new_player: Any
) -> None:
    await seeded(ladder, new_player, clock)
    before = rows(ladder.leaderboard.page())
    await ladder.seasons.start_season(ADMIN, "season_1", "go")
    await ladder.stop()
    again = build(settings, clock=clock)
    await again.start(expiry_interval_s=3600, run_waves=False)
    try:
        assert again.pack.current_season.code == "season_1"
        assert rows(await again.leaderboard.season_page("season_alpha")) == before
        codes = [(s.code, s.closed_at is None) for s in await again.seasons.seasons()]
        assert codes == [("season_alpha", False), ("season_1", True)]
    finally:
        await again.stop()
