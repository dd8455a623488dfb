"""The demo marker keeps simulated and real ladders apart, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from evoladder.app import Ladder
from evoladder.domain.ids import PlayerId
from evoladder.services.demo_guard import DemoDatabaseRefused, DemoGuard


async def test_an_empty_database_is_claimed_once_and_then_refused_as_a_real_ladder(ladder: Ladder) -> None:
    guard = DemoGuard(ladder.ctx)
    assert not await guard.is_demo()
    await guard.require_real()  # an unmarked database runs as a real ladder

    state = await guard.claim_for_demo()
    assert state.marked and state.seeded is None and state.players == 0
    assert await guard.is_demo()
    assert (await guard.claim_for_demo()).marked  # idempotent
    await guard.mark_seeded("40:11")
    assert (await guard.state()).seeded == "40:11"

    with pytest.raises(DemoDatabaseRefused, match="demo ladder") as refused:
        await guard.require_real()
    assert refused.value.code == "demo_database"


async def test_a_database_with_players_and_no_marker_is_never_claimed(ladder: Ladder) -> None:
    await ladder.players.ensure(PlayerId(310000000000000001), "someone")
    guard = DemoGuard(ladder.ctx)

    with pytest.raises(DemoDatabaseRefused, match="1 players and no demo marker"):
        await guard.claim_for_demo()
    with pytest.raises(DemoDatabaseRefused):
        await guard.mark_seeded("40:11")
    state = await guard.state()
    assert not state.marked and state.seeded is None and state.players == 1
    await guard.require_real()
