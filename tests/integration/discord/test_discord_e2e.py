"""The issue's end-to-end flow: two new players go from /termsofservice to a finished match, through the bot only.

Every player action is an interaction or a DM fed to the real discord.py (Terms, /setup with its modal and
selects, /queue with races, vetoes and the quick-start guide, Join, Confirm, the replay upload); the test
itself only runs the wave, as the ladder's timer would. The ladder runs the real replay workers on the
test pack of ``replay_support``, under which the fixture game ``sc2/b39576_312`` verifies: OneScotch
(SC2 Terran) beats BluBird (BW Zerg) on Ruins of Seras. So the players take those names and races, and
their vetoes leave Ruins of Seras as the only map they share (the pack copy drops one other map of the
pool: 10 maps minus 4 + 4 vetoes would leave two, and the draw between them is random). Runs on SQLite
and PostgreSQL; skips when ../shared (the replay) is absent.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from discord_harness import BotHarness, FakeMessage, FakeUser
from discord_match_support import add_admin_channel, admin_log, dm_texts, match_settings, settled
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.datapack import DataPack, load_pack
from evoladder.domain.match import MatchState
from evoladder.domain.rating import Outcome
from replay_support import MAP_NAME, MATCH_CREATED, REPLAY, UPLOADED, build_test_pack

DROPPED_MAP = "Mothership LE"
VETOES = {
    # the pool without DROPPED_MAP: 9 maps; 4 + 4 vetoes leave only Ruins of Seras
    "OneScotch": ["Celestial Enclave LE", "Keres Passage SEL", "Khione SEL", "Ruby Rock LE"],
    "BluBird": [
        "[SC:Evo] Holy World (홀리월드)",
        "[SC:Evo] Radeon (라데온)",
        "[SC:Evo] Sylphid (실피드)",
        "[SC:Evo] Vermeer (버미어)",
    ],
}


def _narrowed(pack_dir: Path) -> Path:
    """Drop ``DROPPED_MAP`` from the current season's pool (one ``[[seasons.maps]]`` block)."""
    path = pack_dir / "seasons.toml"
    text = path.read_text(encoding="utf-8")
    block = re.search(r'\[\[seasons\.maps\]\]\nname = "' + re.escape(DROPPED_MAP) + r'"\n.*?\n\n', text, re.S)
    assert block is not None
    path.write_text(text.replace(block.group(0), "", 1), encoding="utf-8")
    return pack_dir


@pytest.fixture(scope="module")
def e2e_pack(tmp_path_factory: pytest.TempPathFactory) -> DataPack:
    return load_pack(str(_narrowed(build_test_pack(tmp_path_factory.mktemp("pack") / "evo_e2e"))))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MATCH_CREATED)


@pytest.fixture
async def h(settings: Settings, clock: ManualClock, e2e_pack: DataPack) -> AsyncIterator[BotHarness]:
    """The bot with an admin match-log channel and the replay workers, on the e2e pack, at the game's time."""
    harness = await BotHarness.start(match_settings(settings), clock, e2e_pack, run_replays=True)
    add_admin_channel(harness)
    try:
        yield harness
    finally:
        await harness.close()


def _select_offering(message: FakeMessage, value: str) -> str:
    """The custom_id of the select that offers ``value`` (the countries are split over two selects)."""
    for c in message.components():
        if c.get("type") == 3 and value in {o["value"] for o in c["options"]}:
            return str(c["custom_id"])
    raise AssertionError(f"no select offers {value}")


async def onboard(h: BotHarness, username: str, name: str) -> FakeUser:
    """/termsofservice -> Accept, then /setup: the modal, country, region, Confirm."""
    user = h.user(username)
    tos = await h.slash(user, "termsofservice")
    assert tos.message is not None
    accepted = await h.click(user, tos.message, "Accept")
    assert accepted.message is not None and "/setup" in accepted.message.text

    opened = await h.slash(user, "setup")
    assert opened.modal is not None
    fields = {"in_game_name": name, "battletag": f"{name}#1234", "alt_name_1": "", "alt_name_2": ""}
    countries = (await h.submit_modal(user, opened.modal, fields)).message
    assert countries is not None and "Which country" in countries.text
    regions = (await h.select(user, countries, _select_offering(countries, "US"), ["US"])).message
    assert regions is not None and "Where do you live" in regions.text
    preview = (await h.select(user, regions, "evo:setup:region", ["NAE"])).message
    assert preview is not None and f"{name}#1234" in preview.text
    done = await h.click(user, preview, "Confirm")
    assert done.message is not None and "profile is saved" in done.message.text
    return user


async def join_queue(h: BotHarness, user: FakeUser, name: str, *, bw: str | None, sc2: str | None) -> FakeMessage:
    """/queue: the race, the quick-start guide (first queue), four vetoes, Join; returns the searching message."""
    setup = (await h.slash(user, "queue")).message
    assert setup is not None and "Quick-start guide" in setup.text
    if bw:
        await h.select(user, setup, "evo:queue:bw", [bw])
    if sc2:
        await h.select(user, setup, "evo:queue:sc2", [sc2])
    assert setup.component("evo:queue:join")["disabled"]  # the guide comes first
    read = (await h.click(user, setup, "I have read the quick-start guide")).message
    assert read is not None and not read.component("evo:queue:join").get("disabled")
    vetoed = (await h.select(user, read, "evo:queue:veto", VETOES[name])).message
    assert vetoed is not None and "Map vetoes (4/4)" in vetoed.text
    searching = (await h.click(user, vetoed, "evo:queue:join")).message
    assert searching is not None and "Searching for a match" in searching.text
    return searching


def match_card(h: BotHarness, user: FakeUser, match_id: int) -> FakeMessage:
    """The match card (``card`` would also take the replay report, whose title names the match too)."""
    found = [
        m for m in h.dm_messages(user) if m.embeds and m.embeds[0].get("title", "").startswith(f"Match #{match_id}")
    ]
    assert found, f"no card for match {match_id}"
    return found[-1]


def mmr_line(name: str, before: int, after: int) -> str:
    return f"{name}: {before} → {after} ({after - before:+d})"


@pytest.mark.shared
async def test_two_new_players_from_the_terms_to_a_finished_match(
    h: BotHarness, clock: ManualClock, shared_dir: Path
) -> None:
    scotch = await onboard(h, "scotch", "OneScotch")
    blubird = await onboard(h, "blubird", "BluBird")
    await join_queue(h, scotch, "OneScotch", bw=None, sc2="sc2_terran")
    await join_queue(h, blubird, "BluBird", bw="bw_zerg", sc2=None)
    assert {int(t.player_id) for t in h.ladder.queue.tickets()} == {scotch.id, blubird.id}

    h.ladder.queue.inline_limit = 1_000  # match in process: a worker process costs seconds to spawn
    wave = await settled(h, h.ladder.queue.run_wave())
    assert len(wave.created) == 1, wave
    match = await h.ladder.matches.get(wave.created[0])
    assert match.map_name == MAP_NAME
    assert {(int(match.player1), match.race1), (int(match.player2), match.race2)} == {
        (scotch.id, "sc2_terran"),
        (blubird.id, "bw_zerg"),
    }
    for user in (scotch, blubird):
        assert f"Match #{match.id} found! See the message below." in dm_texts(h, user)
        await h.click(user, match_card(h, user, match.id), "Confirm")
    assert (await h.ladder.matches.get(match.id)).state is MatchState.IN_PROGRESS
    for user in (scotch, blubird):
        details = match_card(h, user, match.id).text
        assert f"Match #{match.id}: details" in details and MAP_NAME in details

    clock.set(UPLOADED)
    replay = (shared_dir / "fixtures" / "replays" / REPLAY).read_bytes()
    sent = await h.dm_upload(blubird, "b39576_312.SC2Replay", replay)  # the loser uploads
    report = next(m for m in sent if m.embeds and m.embeds[0].get("title", "").startswith("Replay report"))
    assert "Verified: the result (OneScotch won) is recorded for both players." in report.text

    done = await h.ladder.matches.get(match.id)
    assert done.state is MatchState.COMPLETED
    winner_first = int(done.player1) == scotch.id
    assert done.result is (Outcome.PLAYER1_WON if winner_first else Outcome.PLAYER2_WON)
    assert done.mmr_after1 is not None and done.mmr_after2 is not None
    names = ("OneScotch", "BluBird") if winner_first else ("BluBird", "OneScotch")
    lines = (mmr_line(names[0], 1500, done.mmr_after1), mmr_line(names[1], 1500, done.mmr_after2))  # new players
    after = {names[0]: done.mmr_after1, names[1]: done.mmr_after2}
    assert after["OneScotch"] > 1500 > after["BluBird"]

    for user in (scotch, blubird):  # both DMs: the notice, and the card updated in place
        notice = next(t for t in dm_texts(h, user) if t.startswith(f"Result finalized for match #{match.id}."))
        assert "OneScotch won" in notice and all(line in notice for line in lines), notice
        details = match_card(h, user, match.id).text
        assert "OneScotch won" in details and all(line in details for line in lines), details
    assert any(
        f"Result finalized for match #{match.id}." in x and all(line in x for line in lines) for x in admin_log(h)
    ), admin_log(h)

    for user, name, race in ((scotch, "OneScotch", "SC2 Terran"), (blubird, "BluBird", "BW Zerg")):
        profile = (await h.slash(user, "profile")).message
        assert profile is not None and name in profile.text
        [field] = [f for f in profile.embeds[0]["fields"] if race in f["name"]]
        assert f"**{after[name]:,}** MMR" in field["value"], field
        won = name == "OneScotch"
        assert ("1-0-0 (W-L-D)" if won else "0-1-0 (W-L-D)") in field["value"], field

    board = (await h.slash(scotch, "leaderboard")).message
    assert board is not None
    rows = board.embeds[0]["description"]
    for name in ("OneScotch", "BluBird"):
        assert name in rows and f"{after[name]:,}" in rows, rows
    assert rows.index("OneScotch") < rows.index("BluBird")  # the winner ranks first
