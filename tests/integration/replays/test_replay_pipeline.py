"""Upload -> store -> parse -> verify -> result, through the real services, on SQLite and PostgreSQL,
with the local process pool and with Celery (real Redis, real worker process)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.domain.errors import InvalidInput, NotAParticipant, NotFound
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import MatchState, ResultSource
from evoladder.domain.rating import Outcome
from evoladder.domain.replay_intake import ReplayEffect, ReplayStatus
from evoladder.services.context import CONSOLE_ADMIN_ID
from evoladder.services.players import ProfileUpdate
from evoladder.store.tables import player_toons, ratings, replays
from replay_support import LOSER_TOON, MATCH_CREATED, UPLOADED, WINNER_TOON, replay_match, setup_named

pytestmark = pytest.mark.shared
SCOTCH, BLUBIRD, OUTSIDER = PlayerId(301), PlayerId(302), PlayerId(303)


@pytest.fixture
async def match(ladder: Ladder, clock: ManualClock):  # type: ignore[no-untyped-def]
    await setup_named(ladder, SCOTCH, "OneScotch")
    await setup_named(ladder, BLUBIRD, "BluBird")
    await setup_named(ladder, OUTSIDER, "Outsider")
    m = await replay_match(ladder, SCOTCH, BLUBIRD)
    clock.set(UPLOADED)
    return m


async def mmr(ladder: Ladder, pid: int, race: str) -> tuple[int, int]:
    async with ladder.db.read() as conn:
        row = (
            await conn.execute(
                select(ratings.c.mmr, ratings.c.games_played).where(ratings.c.player_id == pid, ratings.c.race == race)
            )
        ).one()
    return row[0], row[1]


async def replay_rows(ladder: Ladder) -> int:
    async with ladder.db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(replays))).scalar_one())


def stored_files(ladder: Ladder) -> list[Path]:
    root = ladder.settings.data_dir / "replays"
    return sorted(root.rglob("*.SC2Replay")) if root.exists() else []


async def test_a_verified_replay_finishes_the_match_for_both_players(
    ladder: Ladder,
    match,
    fixture_replay: bytes,  # type: ignore[no-untyped-def]
) -> None:
    outcome = await ladder.replays.upload(match.id, BLUBIRD, fixture_replay)  # the loser uploads it
    record, done = outcome.replay, outcome.match
    assert record.status is ReplayStatus.PARSED and record.effect is ReplayEffect.COMPLETED
    assert record.overall == "pass" and record.reported_result == "player_1"
    assert {c["check"]: c["verdict"] for c in record.verdict["checks"]} == dict.fromkeys(
        ("map", "mod", "players", "races", "result", "settings", "time"), "pass"
    )
    assert record.summary["map_name"] == "Ruins of Seras"
    assert done is not None and done.state is MatchState.COMPLETED
    assert (done.result, done.replay_id, done.result_source) == (Outcome.PLAYER1_WON, record.id, ResultSource.REPLAY)
    assert await mmr(ladder, SCOTCH, "sc2_terran") == (1520, 1)
    assert await mmr(ladder, BLUBIRD, "bw_zerg") == (1480, 1)
    assert (await ladder.players.get(SCOTCH)).active_match_id is None
    assert (await ladder.matches.get(match.id)).state is MatchState.COMPLETED  # stored, not only returned
    async with ladder.db.read() as conn:
        toons = set((await conn.execute(select(player_toons.c.player_id, player_toons.c.toon_handle))).all())
    assert toons == {(SCOTCH, WINNER_TOON), (BLUBIRD, LOSER_TOON)}
    assert (await ladder.replays.get(record.id)).effect is ReplayEffect.COMPLETED


async def test_a_later_manual_report_contradicting_the_replay_is_a_conflict(
    ladder: Ladder,
    match,
    fixture_replay: bytes,  # type: ignore[no-untyped-def]
) -> None:
    record = (await ladder.replays.upload(match.id, SCOTCH, fixture_replay)).replay
    agreed = await ladder.matches.report(match.id, SCOTCH, 1)
    assert agreed.state is MatchState.COMPLETED and agreed.report1 is Outcome.PLAYER1_WON
    disputed = await ladder.matches.report(match.id, BLUBIRD, 2)
    assert disputed.state is MatchState.CONFLICT
    assert disputed.replay_id == record.id and disputed.result is Outcome.PLAYER1_WON
    assert await mmr(ladder, SCOTCH, "sc2_terran") == (1520, 1)  # stands until an admin decides
    settled = await ladder.admin.resolve(CONSOLE_ADMIN_ID, match.id, 1, "the replay is right")
    assert settled.state is MatchState.COMPLETED and settled.result_source is ResultSource.ADMIN
    assert await mmr(ladder, SCOTCH, "sc2_terran") == (1520, 1)  # re-resolution applied once


async def test_a_replay_failing_a_check_changes_nothing(
    ladder: Ladder,
    match,
    shared_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    other = (shared_dir / "fixtures/replays/evo/khione-sel__official__eu.SC2Replay").read_bytes()
    outcome = await ladder.replays.upload(match.id, SCOTCH, other)
    assert outcome.replay.status is ReplayStatus.PARSED and outcome.replay.overall == "fail"
    assert outcome.replay.effect is ReplayEffect.NOT_APPLIED and outcome.replay.reported_result is None
    failed = {c["check"] for c in outcome.replay.verdict["checks"] if c["verdict"] == "fail"}
    assert {"map", "players"} <= failed
    assert outcome.match is not None and outcome.match.state is MatchState.IN_PROGRESS
    assert await mmr(ladder, SCOTCH, "sc2_terran") == (1500, 0)
    async with ladder.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(player_toons))).scalar_one() == 0


async def test_an_unreadable_replay_is_kept_for_an_admin(ladder: Ladder, match) -> None:  # type: ignore[no-untyped-def]
    garbage = b"MPQ\x1b" + bytes(range(256)) * 40
    outcome = await ladder.replays.upload(match.id, SCOTCH, garbage)
    record = outcome.replay
    assert record.status is ReplayStatus.UNREADABLE and record.error
    assert record.overall == "needs_admin"
    assert record.verdict["checks"][0]["message_code"] == "build.unreadable"
    assert "could not be read" in record.verdict["checks"][0]["message"]
    assert outcome.match is not None and outcome.match.state is MatchState.IN_PROGRESS
    assert len(stored_files(ladder)) == 1  # never a lost upload


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"PK\x03\x04 a zip, not a replay" + bytes(100), "not_a_replay"),
        (b"MPQ\x1b" + bytes(5 * 1024 * 1024), "too_large"),
    ],
)
async def test_intake_refusals_are_immediate_and_change_nothing(
    ladder: Ladder,
    match,
    data: bytes,
    reason: str,  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await ladder.replays.upload(match.id, SCOTCH, data)
    assert refused.value.params["reason"] == reason and refused.value.field == "replay"
    assert str(refused.value)
    assert await replay_rows(ladder) == 0
    assert stored_files(ladder) == []


async def test_unknown_match_or_outsider_is_refused_before_storing(
    ladder: Ladder,
    match,
    fixture_replay: bytes,  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(NotFound):
        await ladder.replays.upload(999, SCOTCH, fixture_replay)
    with pytest.raises(NotAParticipant):
        await ladder.replays.upload(match.id, OUTSIDER, fixture_replay)
    assert await replay_rows(ladder) == 0 and stored_files(ladder) == []


async def test_the_same_bytes_are_stored_once(
    ladder: Ladder,
    match,
    fixture_replay: bytes,  # type: ignore[no-untyped-def]
) -> None:
    first = await ladder.replays.upload(match.id, SCOTCH, fixture_replay)
    again = await ladder.replays.upload(match.id, SCOTCH, fixture_replay)
    theirs = await ladder.replays.upload(match.id, BLUBIRD, fixture_replay)
    assert again.duplicate and again.replay.id == first.replay.id
    assert theirs.replay.id != first.replay.id and theirs.replay.sha256 == first.replay.sha256
    assert theirs.replay.effect is ReplayEffect.ALREADY_APPLIED  # the result was reported once
    files = stored_files(ladder)
    assert len(files) == 1 and files[0].read_bytes() == fixture_replay
    assert files[0].name == f"{first.replay.sha256}.SC2Replay" and files[0].parent.name == first.replay.sha256[:2]
    assert await replay_rows(ladder) == 2
    assert await mmr(ladder, SCOTCH, "sc2_terran") == (1520, 1)


async def test_learnt_toon_handles_recognise_renamed_players_after_a_restart(
    ladder: Ladder,
    match,
    fixture_replay: bytes,
    clock: ManualClock,
    replay_pack,  # type: ignore[no-untyped-def]
) -> None:
    await ladder.replays.upload(match.id, SCOTCH, fixture_replay)
    for pid, name in ((SCOTCH, "Renamed"), (BLUBIRD, "Another")):
        await ladder.players.update_profile(pid, ProfileUpdate(in_game_name=name, battletag=f"{name}#4321"))
    restarted = build(ladder.settings, clock=clock, pack=replay_pack)  # a second process, same database
    restarted.replays.policy = replace(restarted.replays.policy, resume_interval_s=3600)
    await restarted.start(expiry_interval_s=3600, run_waves=False, run_replays=True)
    try:
        clock.set(MATCH_CREATED)
        again = await replay_match(restarted, SCOTCH, BLUBIRD, key="rematch")
        clock.set(UPLOADED)
        outcome = await restarted.replays.upload(again.id, BLUBIRD, fixture_replay)
    finally:
        await restarted.stop()
    players = next(c for c in outcome.replay.verdict["checks"] if c["check"] == "players")
    assert [link["by"] for link in players["details"]["links"]] == ["toon", "toon"]
    assert outcome.replay.effect is ReplayEffect.COMPLETED
