"""/queue through the harness: gates, the setup view and its saved preferences, the quick-start guide,
join / cancel / clear, and the searching message with its refresh policy."""

from __future__ import annotations

import pytest

from discord_harness import BotHarness
from discord_match_support import queue_up, ready_player
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId

POOL_MAPS = ("Celestial Enclave LE", "Keres Passage SEL")


@pytest.fixture
def bot_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"discord_command_cooldown_s": 0.0})


async def test_queue_needs_terms_and_setup(h: BotHarness) -> None:
    alice = h.user("alice")
    refused = await h.slash(alice, "queue")
    assert refused.message is not None and "/termsofservice" in refused.message.text
    await h.ladder.players.accept_tos(PlayerId(alice.id))
    refused = await h.slash(alice, "queue")
    assert refused.message is not None and refused.message.ephemeral
    assert refused.message.text == "You need to set up your profile first: use /setup."


async def test_setup_saves_every_change_and_prefills_the_next_queue(h: BotHarness) -> None:
    alice = await ready_player(h, "alice")
    opened = await h.slash(alice, "queue")
    setup = opened.message
    assert setup is not None and "Queue setup" in setup.text
    assert setup.component("evo:queue:join")["disabled"]  # no race yet
    picked = await h.select(alice, setup, "evo:queue:bw", ["bw_zerg"])
    assert picked.message is not None and picked.message.id == setup.id and "BW Zerg" in picked.message.text
    assert not picked.message.component("evo:queue:join").get("disabled")
    await h.select(alice, setup, "evo:queue:sc2", ["sc2_protoss"])
    vetoed = await h.select(alice, setup, "evo:queue:veto", list(POOL_MAPS))
    assert vetoed.message is not None and "Map vetoes (2/4)" in vetoed.message.text
    prefs = await h.ladder.queue.preferences(PlayerId(alice.id))
    assert (prefs.bw_race, prefs.sc2_race, prefs.vetoes) == ("bw_zerg", "sc2_protoss", POOL_MAPS)

    await h.restart()  # the choices live in the database
    again = (await h.slash(alice, "queue")).message
    assert again is not None
    defaults = {
        c["custom_id"].split(":")[2]: sorted(o["value"] for o in c["options"] if o.get("default"))
        for c in again.components()
        if c["type"] == 3
    }
    assert defaults == {"bw": ["bw_zerg"], "sc2": ["sc2_protoss"], "veto": sorted(POOL_MAPS)}
    deselected = await h.select(alice, again, "evo:queue:sc2", [])
    assert deselected.message is not None and "SC2 Protoss" not in deselected.message.text
    assert (await h.ladder.queue.preferences(PlayerId(alice.id))).sc2_race is None

    cleared = await h.click(alice, again, "Clear")
    assert cleared.message is not None and "Map vetoes (0/4)" in cleared.message.text
    prefs = await h.ladder.queue.preferences(PlayerId(alice.id))
    assert (prefs.bw_race, prefs.sc2_race, prefs.vetoes) == (None, None, ())
    closed = await h.click(alice, cleared.message, "Cancel")
    assert closed.message is not None and closed.message.components() == [] and "closed" in closed.message.text
    assert not h.ladder.queue.is_queued(PlayerId(alice.id))


async def test_the_quick_start_guide_is_acknowledged_once_before_the_first_queue(h: BotHarness) -> None:
    alice = await ready_player(h, "alice", quick_start=False)
    setup = (await h.slash(alice, "queue")).message
    assert setup is not None and "Quick-start guide" in setup.text and ".SC2Replay" in setup.text
    picked = (await h.select(alice, setup, "evo:queue:bw", ["bw_terran"])).message
    assert picked is not None and picked.component("evo:queue:join")["disabled"]  # the guide comes first
    read = await h.click(alice, picked, "I have read the quick-start guide")
    assert read.message is not None and "You can join the queue now" in read.message.text
    assert "Quick-start guide" not in read.message.text
    assert not read.message.component("evo:queue:join").get("disabled")
    player = await h.ladder.players.get(PlayerId(alice.id))
    assert player.quick_start_read_at == h.clock.now()
    again = (await h.slash(alice, "queue")).message
    assert again is not None and "Quick-start guide" not in again.text
    assert "evo:queue:guide" not in " ".join(again.custom_ids)
    rows = await h.ladder.players.action_history(PlayerId(alice.id))
    assert [r["action"] for r in rows].count("ack_quick_start") == 1


async def test_join_shows_the_searching_message_and_cancel_leaves(h: BotHarness) -> None:
    alice = await ready_player(h, "alice")
    searching = await queue_up(h, alice, bw="bw_terran", sc2="sc2_terran")
    assert h.ladder.queue.is_queued(PlayerId(alice.id))
    next_wave = int(h.ladder.queue.status().next_wave_at.timestamp())
    assert "Searching for a match" in searching.text
    assert f"<t:{next_wave}:R>" in searching.text
    assert "BW: 0 · SC2: 0 · both: 1" in searching.text
    assert "Ongoing matches\n0" in searching.text
    assert [c["label"] for c in searching.components()] == ["Cancel"]
    prefs = await h.ladder.queue.preferences(PlayerId(alice.id))
    assert (prefs.bw_race, prefs.sc2_race) == ("bw_terran", "sc2_terran")

    again = await h.slash(alice, "queue")  # while queued, /queue shows the search again
    assert again.message is not None and "Searching for a match" in again.message.text
    assert searching.components() == [] and "newer message" in searching.text

    left = await h.click(alice, again.message, "Cancel")
    assert left.message is not None and left.message.text == "You left the queue." and left.message.components() == []
    assert not h.ladder.queue.is_queued(PlayerId(alice.id))


async def test_searching_messages_refresh_only_when_what_they_show_changes(h: BotHarness) -> None:
    from evoladder.discord_bot.cogs.queue import MIN_EDIT_S, queue_cog

    alice, bob = await ready_player(h, "alice"), await ready_player(h, "bob")
    first = await queue_up(h, alice, bw="bw_zerg")
    cog = queue_cog(h.bot)
    edits = first.edits
    assert await cog.tick() == 0
    h.clock.advance(MIN_EDIT_S)
    assert await cog.tick() == 0  # nothing changed: no edit at all
    await queue_up(h, bob, bw="bw_protoss")
    assert await cog.tick() == 1  # alice's counts changed; bob's message is already current
    assert first.edits == edits + 1 and "BW: 2 · SC2: 0 · both: 0" in first.text
    h.ladder.queue.inline_limit = 1_000
    await h.ladder.queue.run_wave()  # nobody to pair (two BW players): the next-wave time moves
    assert await cog.tick() == 0  # alice was edited less than MIN_EDIT_S ago, bob's values did not change yet
    h.clock.advance(MIN_EDIT_S)
    assert await cog.tick() == 2
    assert f"<t:{int(h.ladder.queue.status().next_wave_at.timestamp())}:R>" in first.text


async def test_a_korean_player_sees_the_queue_in_korean(h: BotHarness) -> None:
    minji = await ready_player(h, "minji", locale="ko")
    setup = (await h.slash(minji, "queue")).message
    assert setup is not None and "대기열 설정" in setup.text
    assert {c.get("label") for c in setup.components() if c["type"] == 2} >= {"참가", "초기화", "취소"}
