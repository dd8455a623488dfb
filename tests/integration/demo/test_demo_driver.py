"""The live demo: simulated players queue, get paired by waves, confirm and report, on a virtual clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from demo_support import NOW, SMALL, settings_for

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.demo.driver import Pace
from evoladder.demo.setup import prepare, start_driver
from evoladder.domain.match import MatchState


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[tuple[Ladder, ManualClock]]:
    settings = settings_for(tmp_path)
    await prepare(settings, cfg=SMALL, echo=lambda _: None, now=NOW)
    clock = ManualClock(NOW)
    ladder = build(settings, clock=clock)
    await ladder.start(expiry_interval_s=3600, run_waves=False, run_replays=False)
    try:
        yield ladder, clock
    finally:
        await ladder.stop()


async def test_players_queue_play_and_complete_matches_over_virtual_minutes(demo: tuple[Ladder, ManualClock]) -> None:
    ladder, clock = demo
    driver = start_driver(ladder, SMALL)
    version = ladder.leaderboard.board.version
    waiting_seen: set[int] = set()
    created: set[int] = set()
    first = await driver.step()
    assert first.joined == Pace().first_joins  # the first wave already has players to pair
    for second in range(1, 301):  # five virtual minutes: a step a second, a wave every 10 s
        clock.advance(1)
        if second % 10 == 0:
            report = await ladder.queue.run_wave()
            created.update(report.created)
        await driver.step()
        waiting_seen.add(ladder.queue.status().waiting)

    assert len(created) >= 5
    assert driver.completed >= 5  # a handful of matches complete each minute
    assert len(waiting_seen) >= 3  # the queue panel moves
    finished = [await ladder.matches.get(mid) for mid in created]
    done = [m for m in finished if m.state is MatchState.COMPLETED]
    assert len(done) == driver.completed
    assert all(m.completed_at is not None and NOW < m.completed_at <= clock.now() for m in done)
    assert ladder.leaderboard.board.version != version  # the leaderboard moved


async def test_a_restarted_driver_finishes_what_the_last_one_left(demo: tuple[Ladder, ManualClock]) -> None:
    ladder, clock = demo
    before = start_driver(ladder, SMALL)
    await before.step()
    clock.advance(10)
    made = (await ladder.queue.run_wave()).created
    assert made
    after = start_driver(ladder, SMALL)  # knows nothing the first one knew
    for _ in range(120):
        clock.advance(1)
        await after.step()
    states = [(await ladder.matches.get(mid)).state for mid in made]
    assert states == [MatchState.COMPLETED] * len(made)


async def test_the_background_task_runs_and_stops_cleanly(demo: tuple[Ladder, ManualClock]) -> None:
    ladder, _ = demo
    driver = start_driver(ladder, SMALL, Pace(tick_s=0.01))
    await driver.start()
    for _ in range(200):
        if ladder.queue.tickets():
            break
        await asyncio.sleep(0.01)
    await driver.stop()
    assert ladder.queue.tickets()  # it queued players on its own
    await driver.stop()  # idempotent
