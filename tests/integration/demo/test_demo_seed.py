"""Seeding: a simulated season through the real services gives a ranked ladder with matches and history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from demo_support import NOW, SMALL, settings_for

from evoladder.app import build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.demo.setup import prepare
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import MatchState
from evoladder.services.demo_guard import DemoDatabaseRefused, DemoGuard
from evoladder.store.schema import upgrade


async def test_seeding_builds_a_ranked_ladder_with_matches_and_history(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    lines: list[str] = []
    cfg = await prepare(settings, cfg=SMALL, echo=lines.append, now=NOW)

    assert cfg == SMALL
    assert settings.effective_database_url.endswith(str(tmp_path / "demo.db"))
    assert any("seeding demo history: 50%" in line for line in lines)  # progress is printed
    assert any(line.startswith("seeded demo history: 60 players") for line in lines)
    ladder = build(settings, clock=ManualClock(NOW))
    await ladder.start(expiry_interval_s=3600, run_waves=False, run_replays=False)
    try:
        state = await DemoGuard(ladder.ctx).state()
        assert state.marked and state.seeded == "60:11" and state.players == 60
        assert state.matches >= 20
        page = ladder.leaderboard.page(page_size=100)
        assert page.ranked_count >= 10 and page.rows
        assert not ladder.matches.active_matches() and not ladder.queue.tickets()  # a settled ladder
        best = page.rows[0]
        profile = await ladder.profiles.profile(best.player_id)
        assert profile.player.in_game_name and profile.player.in_game_name.isalpha()
        assert len(profile.races[0].history) >= 2 and profile.recent
        oldest = min(m.at for m in profile.recent)
        assert NOW - timedelta(days=SMALL.days) <= oldest < NOW  # history lies in the past, not the future
        assert all(m.state == MatchState.COMPLETED for m in profile.recent)
    finally:
        await ladder.stop()


async def test_a_second_start_continues_and_reset_seeds_again(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    await prepare(settings, cfg=SMALL, echo=lambda _: None, now=NOW)
    lines: list[str] = []

    again = await prepare(settings, echo=lines.append, now=NOW + timedelta(hours=1))
    assert again.key == SMALL.key  # the same population, read back from the marker
    assert any("continuing the demo ladder (60 players" in line for line in lines)
    assert not any("seeding" in line for line in lines)

    lines.clear()
    other = SMALL.__class__(players=30, days=1.0, seed=5)
    await prepare(settings, reset=True, cfg=other, echo=lines.append, now=NOW)
    assert lines[0] == "demo: reset, starting from a fresh history"
    ladder = build(settings)
    try:
        state = await DemoGuard(ladder.ctx).state()
    finally:
        await ladder.db.dispose()
    assert state.marked and state.seeded == "30:5" and state.players == 30


async def test_an_interrupted_seeding_starts_over(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    upgrade(settings.effective_database_url)
    ladder = build(settings)
    try:  # marked, one player written, never finished
        await DemoGuard(ladder.ctx).claim_for_demo()
        await ladder.players.ensure(PlayerId(5), "half")
    finally:
        await ladder.db.dispose()
    lines: list[str] = []
    await prepare(settings, cfg=SMALL, echo=lines.append, now=NOW)
    assert "demo: the last seeding was interrupted; starting over" in lines
    assert any(line.startswith("seeded demo history") for line in lines)


@pytest.mark.parametrize("reset", [False, True])
async def test_the_demo_refuses_a_real_ladders_database_and_never_deletes_it(tmp_path: Path, reset: bool) -> None:
    real = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"  # a real ladder that happens to sit where the demo would
    settings = real.model_copy(update={"database_url": url})
    upgrade(url)
    ladder = build(settings)
    try:
        await ladder.players.ensure(PlayerId(310000000000000001), "real")
    finally:
        await ladder.db.dispose()

    with pytest.raises(DemoDatabaseRefused, match="no demo marker"):
        await prepare(settings_for(tmp_path), reset=reset, cfg=SMALL, echo=lambda _: None, now=NOW)

    assert (tmp_path / "demo.db").exists()
    ladder = build(settings)
    try:
        state = await DemoGuard(ladder.ctx).state()
    finally:
        await ladder.db.dispose()
    assert not state.marked and state.players == 1
