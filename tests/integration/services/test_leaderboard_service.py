"""The leaderboard service follows committed changes at once, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.domain.leaderboard import RankStatus
from evoladder.services.matches import MatchRequest
from evoladder.services.players import ProfileUpdate

A, B = PlayerId(501), PlayerId(502)


async def finish(ladder: Ladder, key: str, result: int) -> None:
    m = await ladder.matches.create(MatchRequest(A, "bw_zerg", B, "sc2_terran", "Khione SEL", None, key))
    await ladder.matches.confirm(m.id, A)
    await ladder.matches.confirm(m.id, B)
    await ladder.matches.report(m.id, A, result)
    await ladder.matches.report(m.id, B, result)


async def test_next_read_sees_the_match_and_the_rename(ladder: Ladder, new_player: Any) -> None:
    await new_player(ladder, A, "EUW")
    await new_player(ladder, B, "KRJ")
    assert ladder.leaderboard.page().total_entries == 0
    await finish(ladder, "l1", 1)
    page = ladder.leaderboard.page()
    assert [(r.position, r.player_id, r.race, r.mmr) for r in page.rows] == [
        (1, A, "bw_zerg", 1520),
        (2, B, "sc2_terran", 1480),
    ]
    assert ladder.leaderboard.page(races=["sc2_terran"]).rows[0].player_id == B
    await ladder.admin.adjust_mmr(999, B, "sc2_terran", "set", 1600, "test")
    assert ladder.leaderboard.page().rows[0].player_id == B
    await ladder.players.update_profile(A, ProfileUpdate(in_game_name="Zulu"))
    assert ladder.leaderboard.page(name_prefix="zu").rows[0].player_id == A
    [view] = ladder.leaderboard.player_views(A)
    assert view.status is RankStatus.RANKED and view.position == 2 and view.ranked_count == 2


async def test_board_is_rebuilt_at_start_and_ages_out(
    ladder: Ladder, settings: Settings, clock: ManualClock, new_player: Any
) -> None:
    await new_player(ladder, A, "EUW")
    await new_player(ladder, B, "KRJ")
    await finish(ladder, "l2", 2)
    await ladder.stop()
    again = build(settings, clock=clock)
    await again.start(expiry_interval_s=3600, run_waves=False)
    try:
        assert [r.player_id for r in again.leaderboard.page().rows] == [B, A]
        clock.advance(days=15)  # 14 days without a game: unranked, MMR still in the profile
        assert again.leaderboard.page().total_entries == 0
        [view] = again.leaderboard.player_views(A)
        assert view.status is RankStatus.INACTIVE and view.entry.mmr == 1480
    finally:
        await again.stop()
