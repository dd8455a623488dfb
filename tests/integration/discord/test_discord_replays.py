"""Replay uploads in the DM and manual reporting, through the harness, on SQLite and PostgreSQL.

The ladder runs the real replay workers (as ``tests/integration/replays`` does) on the test pack of
``replay_support``, under which the fixture game ``sc2/b39576_312`` verifies: OneScotch (player 1,
SC2 Terran) beats BluBird (player 2, BW Zerg). Tests that read ../shared replays skip without it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from discord_harness import BotHarness, FakeMessage, FakeUser
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.datapack import DataPack, load_pack
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import Match, MatchState
from evoladder.domain.rating import Outcome
from evoladder.domain.replay_intake import ReplayStatus
from evoladder.services.players import SetupInput
from replay_support import MATCH_CREATED, REPLAY, UPLOADED, build_test_pack, replay_match

OTHER_REPLAY = "evo/khione-sel__official__eu.SC2Replay"
"""A real game that is read and checked but fails the checks for this match (not the ladder map,
not these players): the replay is verified, decides nothing, and unlocks manual reporting."""
GARBAGE = b"MPQ\x1b" + bytes(range(256)) * 40
REPORT_TITLE = "Replay report"


@pytest.fixture(scope="module")
def replay_pack(tmp_path_factory: pytest.TempPathFactory) -> DataPack:
    return load_pack(str(build_test_pack(tmp_path_factory.mktemp("pack") / "evo_test")))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MATCH_CREATED)


@pytest.fixture
def upload_cooldown() -> float:
    return 0.0


@pytest.fixture
async def h(
    bot_settings: Settings, clock: ManualClock, replay_pack: DataPack, upload_cooldown: float
) -> AsyncIterator[BotHarness]:
    """The bot with the replay workers running, on the test pack, at the fixture game's time."""
    settings = bot_settings.model_copy(update={"discord_upload_cooldown_s": upload_cooldown})
    harness = await BotHarness.start(settings, clock, replay_pack, run_replays=True)
    try:
        yield harness
    finally:
        await harness.close()


def shared_replay(shared_dir: Path, name: str) -> bytes:
    return (shared_dir / "fixtures" / "replays" / name).read_bytes()


async def players(h: BotHarness) -> tuple[FakeUser, FakeUser]:
    """Two set-up players named as in the fixture game (OneScotch, BluBird)."""
    scotch, blubird = h.user("scotch"), h.user("blubird")
    for user, name in ((scotch, "OneScotch"), (blubird, "BluBird")):
        pid = await h.ladder.players.ensure(user.id, user.username)
        await h.ladder.players.accept_tos(pid.id)
        await h.ladder.players.complete_setup(pid.id, SetupInput(name, f"{name}#1234", "US", "NAE"))
    return scotch, blubird


async def in_match(h: BotHarness, clock: ManualClock) -> tuple[FakeUser, FakeUser, Match]:
    scotch, blubird = await players(h)
    match = await replay_match(h.ladder, scotch.id, blubird.id)
    clock.set(UPLOADED)
    return scotch, blubird, match


def report_of(sent: list[FakeMessage], title: str = REPORT_TITLE) -> FakeMessage:
    found = [m for m in sent if m.embeds and m.embeds[0].get("title", "").startswith(title)]
    assert found, f"no replay report among {sent}"
    return found[0]


def checks(report: FakeMessage) -> dict[str, str]:
    """Check name -> verdict label, read from the report's checks field."""
    field = next(f for f in report.embeds[0]["fields"] if f["name"] == "Checks")
    out = {}
    for line in field["value"].splitlines():
        name = line.split("**")[1]
        out[name] = line.split("(")[1].split(")")[0]
    return out


async def test_an_upload_without_an_active_match_gets_a_clear_answer(h: BotHarness) -> None:
    scotch, _ = await players(h)
    sent = await h.dm_upload(scotch, "game.SC2Replay", GARBAGE)
    assert [m.text for m in sent] == [
        "You have no match in progress, so game.SC2Replay was not used. "
        "Upload the replay of a match while it is in progress."
    ]
    stranger = h.user("stranger")  # first contact, Terms not accepted: told what to do
    sent = await h.dm_upload(stranger, "game.SC2Replay", GARBAGE)
    assert [m.text for m in sent] == ["You need to accept the Terms of Service first: use /termsofservice."]


async def test_a_file_that_is_not_a_replay_is_refused_and_nothing_is_stored(h: BotHarness, clock: ManualClock) -> None:
    scotch, _, match = await in_match(h, clock)
    sent = await h.dm_upload(scotch, "notes.txt", b"gg wp, I won")
    assert [m.text for m in sent] == [
        "notes.txt is not a StarCraft II replay. Drop the .SC2Replay file of your match here."
    ]
    assert await h.ladder.replays.for_match(match.id) == []


async def test_a_too_big_file_is_refused_before_it_is_downloaded(h: BotHarness, clock: ManualClock) -> None:
    scotch, _, match = await in_match(h, clock)
    sent = await h.dm_upload(scotch, "huge.SC2Replay", b"MPQ\x1b", size=6 * 1024 * 1024)
    assert [m.text for m in sent] == ["huge.SC2Replay is too large for a replay (6.0 MB; the limit is 5.0 MB)."]
    assert await h.ladder.replays.for_match(match.id) == []
    assert not h.fake.typing  # refused before any download or parse


async def test_an_unreadable_replay_is_reported_and_kept_for_an_admin(h: BotHarness, clock: ManualClock) -> None:
    scotch, _, match = await in_match(h, clock)
    sent = await h.dm_upload(scotch, "broken.SC2Replay", GARBAGE)
    report = report_of(sent)
    assert "could not be read, so it does not decide the result" in report.text
    assert checks(report) == {"File": "an admin will look"}
    assert report.components() == []  # not verified: reporting stays locked
    assert h.fake.typing == [scotch.dm_channel_id]  # "typing" while it was parsed
    [row] = await h.ladder.replays.for_match(match.id)
    assert row.status is ReplayStatus.UNREADABLE
    assert (await h.ladder.matches.get(match.id)).state is MatchState.IN_PROGRESS


@pytest.mark.shared
async def test_a_verified_replay_reports_the_result_for_both_players(
    h: BotHarness, clock: ManualClock, shared_dir: Path
) -> None:
    scotch, blubird, match = await in_match(h, clock)
    sent = await h.dm_upload(blubird, "b39576_312.SC2Replay", shared_replay(shared_dir, REPLAY))  # the loser
    report = report_of(sent)
    assert report.embeds[0]["title"] == f"Replay report — match #{match.id}"
    text = report.text
    assert "Verified: the result (OneScotch won) is recorded for both players." in text
    assert "OneScotch (Terran) vs BluBird (Zerg)" in text
    assert "Ruins of Seras" in text
    fields = {f["name"]: f["value"] for f in report.embeds[0]["fields"]}
    assert fields["Winner"] == "OneScotch"
    assert fields["Played"].startswith("<t:") and fields["Length"] == "8:32"
    assert checks(report) == {
        name: "passed" for name in ("Map", "Mod", "Players", "Races", "Result", "Lobby settings", "Time")
    }
    assert "OneScotch is OneScotch and BluBird is BluBird." in text
    assert report.components() == []  # the result is recorded: nothing left to report
    done = await h.ladder.matches.get(match.id)
    assert done.state is MatchState.COMPLETED and done.result is Outcome.PLAYER1_WON
    ratings = await h.ladder.players.ratings(PlayerId(scotch.id))
    assert ratings["sc2_terran"].mmr > 1500 and ratings["sc2_terran"].games_played == 1  # type: ignore[index]


@pytest.mark.shared
async def test_a_korean_player_gets_the_replay_report_in_korean(
    h: BotHarness, clock: ManualClock, shared_dir: Path
) -> None:
    scotch, _, _ = await in_match(h, clock)
    await h.slash(scotch, "help", locale="ko")  # the client language is remembered for DMs without one
    report = report_of(
        await h.dm_upload(scotch, "game.SC2Replay", shared_replay(shared_dir, REPLAY)), "리플레이 보고서"
    )
    assert "두 플레이어 모두에게 기록되었습니다" in report.text


@pytest.mark.shared
async def test_manual_reporting_unlocks_after_verification_and_tells_the_opponent(
    h: BotHarness, clock: ManualClock, shared_dir: Path
) -> None:
    scotch, blubird, match = await in_match(h, clock)
    other = shared_replay(shared_dir, OTHER_REPLAY)
    report = report_of(await h.dm_upload(scotch, "mine.SC2Replay", other))
    assert "does not decide the result" in report.text
    assert checks(report)["Map"] == "failed"
    assert f"you can now report the result of match #{match.id}" in report.text
    options = {o["label"]: o["value"] for o in report.component("evo:report:pick")["options"]}
    assert options == {"OneScotch won": "1", "BluBird won": "2", "Draw": "0"}

    picked = await h.select(scotch, report, "evo:report:pick", ["1"])
    assert picked.message is not None
    assert picked.message.text == f"Report for match #{match.id}: **OneScotch won**. Confirm?"
    await h.restart()  # the confirmation survives a restart: everything is in the custom_id
    done = await h.click(scotch, picked.message, "Confirm")
    assert done.message is not None
    assert done.message.text == f"Your report for match #{match.id} is recorded: **OneScotch won**."
    assert done.message.components() == []
    stored = await h.ladder.matches.get(match.id)
    assert stored.report1 is Outcome.PLAYER1_WON and stored.state is MatchState.IN_PROGRESS
    notice = f"OneScotch reported the result of match #{match.id}: **OneScotch won**."
    assert notice in [m.text for m in h.dm_messages(blubird)]

    theirs = report_of(await h.dm_upload(blubird, "theirs.SC2Replay", other))
    picked = await h.select(blubird, theirs, "evo:report:pick", ["1"])
    assert picked.message is not None
    await h.click(blubird, picked.message, "Confirm")
    final = await h.ladder.matches.get(match.id)
    assert final.state is MatchState.COMPLETED and final.result is Outcome.PLAYER1_WON
    assert f"BluBird reported the result of match #{match.id}: **OneScotch won**." in [
        m.text for m in h.dm_messages(scotch)
    ]


async def test_manual_reporting_is_locked_before_the_replay_is_verified(h: BotHarness, clock: ManualClock) -> None:
    scotch, _, match = await in_match(h, clock)
    unread = report_of(await h.dm_upload(scotch, "broken.SC2Replay", GARBAGE))
    assert unread.components() == []  # an unreadable replay does not unlock reporting
    # A stale or forged report control is refused by the service, whatever the message shows.
    forged = h.fake._create_message(
        scotch.dm_channel_id or 0,
        {
            "components": [
                {
                    "type": 1,
                    "components": [
                        {
                            "type": 3,
                            "custom_id": f"evo:report:pick:{scotch.id}:{match.id}",
                            "options": [{"label": "OneScotch won", "value": "1"}],
                        }
                    ],
                }
            ]
        },
    )
    refused = await h.select(scotch, forged, "evo:report:pick", ["1"])
    assert refused.message is not None and refused.message.ephemeral
    assert refused.message.text == (
        f"Reporting for match #{match.id} unlocks once your replay is verified: "
        "drop your .SC2Replay file in this DM first."
    )
    assert (await h.ladder.matches.get(match.id)).report1 is None


@pytest.mark.parametrize("upload_cooldown", [30.0])
async def test_uploads_have_a_per_user_cooldown(h: BotHarness, clock: ManualClock) -> None:
    scotch, blubird, _ = await in_match(h, clock)
    first = await h.dm_upload(scotch, "a.txt", b"not a replay")
    assert "is not a StarCraft II replay" in first[0].text
    again = await h.dm_upload(scotch, "b.txt", b"not a replay")
    assert [m.text for m in again] == ["You uploaded a file moments ago; try again in 30 s."]
    other = await h.dm_upload(blubird, "c.txt", b"not a replay")  # per user
    assert "is not a StarCraft II replay" in other[0].text
    clock.advance(31)
    later = await h.dm_upload(scotch, "d.txt", b"not a replay")
    assert "is not a StarCraft II replay" in later[0].text
