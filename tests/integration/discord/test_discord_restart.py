"""A restart mid-match: the old Confirm / Abort buttons still work and act on the stored state, the cards
are still edited in place, and a queued player's searching message keeps its Cancel."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator

import pytest

from discord_harness import BotHarness, FakeMessage
from discord_match_support import (
    add_admin_channel,
    card,
    dm_texts,
    match_settings,
    matched,
    queue_up,
    ready_player,
    settled,
)
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import MatchState
from evoladder.domain.rating import Outcome


@pytest.fixture
def bot_settings(settings: Settings) -> Settings:
    return match_settings(settings)


@pytest.fixture
async def h(bot_settings: Settings, clock: ManualClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness.start(bot_settings, clock)
    add_admin_channel(harness)
    try:
        yield harness
    finally:
        await harness.close()


async def test_old_confirm_buttons_work_after_a_restart_and_the_cards_stay_in_place(h: BotHarness) -> None:
    alice, bob = await ready_player(h, "alice"), await ready_player(h, "bob")
    m = await matched(h, alice, bob)
    alices, bobs = card(h, alice, m.id), card(h, bob, m.id)
    await h.click(alice, alices, "Confirm")
    await h.restart()
    await h.click(bob, bobs, "Confirm")  # the message from before the restart
    assert (await h.ladder.matches.get(m.id)).state is MatchState.IN_PROGRESS
    assert f"Match #{m.id}: details" in alices.text and f"Match #{m.id}: details" in bobs.text  # same messages
    assert f"Your opponent confirmed match #{m.id}." in dm_texts(h, alice)
    await h.restart()
    await settled(h, h.ladder.matches.report(m.id, PlayerId(alice.id), Outcome.DRAW))
    await settled(h, h.ladder.matches.report(m.id, PlayerId(bob.id), Outcome.DRAW))
    assert "Draw" in alices.text and "Draw" in bobs.text
    assert any(t.startswith(f"Result finalized for match #{m.id}.") for t in dm_texts(h, bob))


async def test_old_abort_buttons_work_after_a_restart(h: BotHarness) -> None:
    alice, bob = await ready_player(h, "alice"), await ready_player(h, "bob")
    m = await matched(h, alice, bob)
    stale = FakeMessage(copy.deepcopy(card(h, alice, m.id).payload))  # alice's card as she saw it
    sure = await h.click(bob, card(h, bob, m.id), "Abort (3 left)")
    assert sure.message is not None
    await h.restart()
    await h.click(bob, sure.message, "Yes, abort")
    assert (await h.ladder.matches.get(m.id)).state is MatchState.ABORTED
    assert f"Match #{m.id} was aborted by Bob." in dm_texts(h, alice)
    assert (await h.ladder.players.profile(PlayerId(bob.id))).aborts_left == 2
    late = await h.click(alice, stale, "Confirm")  # a stale button acts on the stored (aborted) match
    assert late.followups and late.followups[0].text == f"Match #{m.id} can no longer be changed this way."
    assert late.followups[0].ephemeral
    assert (await h.ladder.matches.get(m.id)).state is MatchState.ABORTED


async def test_a_searching_message_survives_a_restart(h: BotHarness) -> None:
    from evoladder.discord_bot.cogs.queue import MIN_EDIT_S, queue_cog

    alice, bob = await ready_player(h, "alice"), await ready_player(h, "bob")
    searching = await queue_up(h, alice, bw="bw_zerg")
    await h.restart()
    assert h.ladder.queue.is_queued(PlayerId(alice.id))
    await queue_up(h, bob, bw="bw_terran")
    h.clock.advance(MIN_EDIT_S)
    assert await queue_cog(h.bot).tick() >= 1
    assert "BW: 2" in searching.text
    left = await h.click(alice, searching, "Cancel")
    assert left.message is not None and left.message.text == "You left the queue."
    assert not h.ladder.queue.is_queued(PlayerId(alice.id))
