"""A ladder records its rating model; a different configuration is refused; the switch is explicit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from evoladder.app import build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import MatchState
from evoladder.services.context import CONSOLE_ADMIN_ID
from evoladder.services.matches import MatchRequest
from evoladder.services.ratings import RatingModelMismatch, switch_model
from evoladder.store.tables import audit_log, ratings

P1, P2 = PlayerId(401), PlayerId(402)


async def play(ladder: Any, key: str, result: int = 1) -> Any:
    m = await ladder.matches.create(MatchRequest(P1, "bw_zerg", P2, "sc2_terran", "Khione SEL", None, key))
    await ladder.matches.confirm(m.id, P1)
    await ladder.matches.confirm(m.id, P2)
    await ladder.matches.report(m.id, P1, result)
    return await ladder.matches.report(m.id, P2, result)


async def test_glicko2_ladder_rates_with_deviation(
    settings: Settings, clock: ManualClock, new_player: Any
) -> None:
    ladder = build(settings.model_copy(update={"rating_model": "glicko2"}), clock=clock)
    await ladder.start(expiry_interval_s=3600, run_waves=False)
    try:
        await new_player(ladder, P1, "EUW")
        await new_player(ladder, P2, "EUW")
        done = await play(ladder, "g1")
        assert done.state is MatchState.COMPLETED
        assert done.rating_model == "glicko2"
        assert done.mmr_after1 > 1600 and done.mmr_after2 < 1400  # a fresh RD of 350 moves a lot
        r = (await ladder.players.ratings(P1))["bw_zerg"]
        assert r.rd is not None and r.rd < 350
        # re-resolving restores the match-time RD before applying the new result: never twice
        await ladder.admin.resolve(999, done.id, 2, "replay shows the opposite")
        again = (await ladder.players.ratings(P1))["bw_zerg"]
        assert again.mmr == 3000 - done.mmr_after1  # the mirror image of the first result
        assert again.rd == pytest.approx(r.rd)
    finally:
        await ladder.stop()


async def test_other_model_is_refused_then_switched_explicitly(
    ladder: Any, settings: Settings, clock: ManualClock, new_player: Any
) -> None:
    await new_player(ladder, P1, "EUW")
    await new_player(ladder, P2, "EUW")
    await play(ladder, "e1")
    await ladder.stop()
    other = settings.model_copy(update={"rating_model": "glicko2"})
    refused = build(other, clock=clock)
    with pytest.raises(RatingModelMismatch, match="ratings switch glicko2"):
        await refused.start(expiry_interval_s=3600, run_waves=False)
    done = await switch_model(refused.ctx, CONSOLE_ADMIN_ID, "glicko2", "simulator says so")
    await refused.stop()
    assert done == {"from": "elo", "to": "glicko2", "ratings": 2}
    switched = build(other, clock=clock)
    await switched.start(expiry_interval_s=3600, run_waves=False)
    try:
        async with switched.db.read() as conn:
            rows = (await conn.execute(select(ratings.c.mmr, ratings.c.rd))).all()
            audit = (await conn.execute(select(audit_log.c.action))).scalars().all()
        assert sorted(m for m, _ in rows) == [1480, 1520]  # MMR kept
        assert all(rd is not None and rd < 350 for _, rd in rows)
        assert audit == ["switch_rating_model"]
    finally:
        await switched.stop()
