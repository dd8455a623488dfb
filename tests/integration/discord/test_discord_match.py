"""Match found, confirmations, aborts, timeouts, the Shield Battery notice, details, results and conflicts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from discord_harness import BotHarness, FakeUser
from discord_match_support import (
    STAFF_ROLE,
    add_admin_channel,
    admin_log,
    card,
    dm_texts,
    matched,
    ready_player,
    settled,
)
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import Match, MatchState
from evoladder.domain.rating import Outcome


@pytest.fixture
def bot_settings(settings: Settings) -> Settings:
    from discord_match_support import match_settings

    return match_settings(settings)


@pytest.fixture
async def h(bot_settings: Settings, clock: ManualClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness.start(bot_settings, clock)
    add_admin_channel(harness)
    try:
        yield harness
    finally:
        await harness.close()


async def test_a_wave_sends_both_players_the_match_found_card(h: BotHarness) -> None:
    alice, bob = await ready_player(h, "alice"), await ready_player(h, "bob")
    m = await matched(h, alice, bob)
    deadline = int(m.confirm_deadline.timestamp())
    for user, me, them in ((alice, "Alice", "Bob"), (bob, "Bob", "Alice")):
        found = card(h, user, m.id)
        assert f"Match #{m.id} found!" in found.text
        assert f"<t:{deadline}:R>" in found.text and f"<t:{deadline}:T>" in found.text
        assert f"**{me}**" in found.text.split("Opponent")[0] and f"**{them}**" in found.text.split("Opponent")[1]
        assert str(m.map_name) in found.text
        assert [c["label"] for c in found.components()] == ["Confirm", "Abort (3 left)"]
        assert any(f"Match #{m.id} found! See the message below." == t for t in dm_texts(h, user))
    assert h.ladder.queue.tickets() == []


async def test_confirming_tells_the_opponent_and_both_confirmations_show_the_details(h: BotHarness) -> None:
    alice = await ready_player(h, "alice", alt=("알파베타",))
    bob = await ready_player(h, "bob", country="KR")
    m = await matched(h, alice, bob)
    first = await h.click(alice, card(h, alice, m.id), "Confirm")
    assert first.acks
    mine = card(h, alice, m.id)
    assert mine.component("Confirm")["disabled"] and mine.component("evo:match:abort")["disabled"]
    assert "You: ✅ confirmed" in mine.text and "Opponent: ⏳ waiting" in mine.text
    assert f"Your opponent confirmed match #{m.id}." in dm_texts(h, bob)
    assert f"Your opponent confirmed match #{m.id}." not in dm_texts(h, alice)

    bobs_card = card(h, bob, m.id)
    await h.click(bob, bobs_card, "Confirm")
    assert (await h.ladder.matches.get(m.id)).state is MatchState.IN_PROGRESS
    assert f"Your opponent confirmed match #{m.id}." in dm_texts(h, alice)
    for user in (alice, bob):
        details = card(h, user, m.id)
        assert details.components() == []
        text = details.text
        assert f"Match #{m.id}: details" in text
        for shown in ("Alice", "Bob", "alice", "bob", "Alice#1234", "Bob#1234", "알파베타", "BW Terran", "SC2 Zerg"):
            assert shown in text, shown
        assert "🇺 🇩🇪 🔧 **Alice** (BW Terran) · 1500 MMR" in text  # letter rank, flag, race, MMR
        assert "🇰🇷" in text
        pack = h.ladder.pack
        region = pack.server(m.server).game_region
        assert pack.map_by_name(m.map_name).links[region] in text
        assert pack.mod_release_on(m.created_at.date()).regions[region].link in text
        assert pack.server(m.server).name in text and f"SCEvo{m.id}" in text
        assert "Privacy: Normal · Speed: Faster · Game duration: Infinite · Locked Alliances: Yes" in text
        assert "Not decided yet" in text and "no replay yet" in text
    assert bobs_card.id == card(h, bob, m.id).id  # edited in place
    from evoladder.discord_bot.match_messages import protected_messages

    bob_player = await h.ladder.players.get(PlayerId(bob.id))
    assert await protected_messages(h.bot, bob_player) == [bobs_card.id]  # /prune keeps the active match's card


async def test_abort_takes_two_clicks_uses_the_quota_and_says_who_aborted(h: BotHarness) -> None:
    alice, bob = await ready_player(h, "alice"), await ready_player(h, "bob")
    m = await matched(h, alice, bob)
    first = await h.click(alice, card(h, alice, m.id), "Abort (3 left)")
    assert (
        first.message is not None
        and "uses one of your aborts" in first.message.text
        and "(3 left)" in first.message.text
    )
    back = await h.click(alice, first.message, "Back")
    assert back.acks and [c["label"] for c in card(h, alice, m.id).components()] == ["Confirm", "Abort (3 left)"]
    assert (await h.ladder.matches.get(m.id)).state is MatchState.CREATED
    sure = await h.click(alice, card(h, alice, m.id), "evo:match:abort:")
    assert sure.message is not None
    await h.click(alice, sure.message, "Yes, abort")
    assert (await h.ladder.matches.get(m.id)).state is MatchState.ABORTED
    for user in (alice, bob):
        assert f"Match #{m.id} was aborted by Alice." in dm_texts(h, user)
        final = card(h, user, m.id)
        assert final.components() == [] and f"Match #{m.id} cancelled" in final.text
    assert (await h.ladder.players.profile(PlayerId(alice.id))).aborts_left == 2


@pytest.fixture
def one_abort_settings(settings: Settings) -> Settings:
    from discord_match_support import match_settings

    return match_settings(settings, aborts_per_month=1)


async def test_the_abort_button_is_disabled_with_no_aborts_left(
    one_abort_settings: Settings, clock: ManualClock
) -> None:
    h = await BotHarness.start(one_abort_settings, clock)
    try:
        alice, bob = await ready_player(h, "alice"), await ready_player(h, "bob")
        m = await matched(h, alice, bob)
        sure = await h.click(alice, card(h, alice, m.id), "Abort (1 left)")
        assert sure.message is not None
        await h.click(alice, sure.message, "Yes, abort")
        again = await matched(h, alice, bob)
        button = card(h, alice, again.id).component("evo:match:abort")
        assert button["label"] == "Abort (0 left)" and button["disabled"]
        assert card(h, bob, again.id).component("evo:match:abort")["label"] == "Abort (1 left)"
    finally:
        await h.close()


async def test_reminder_then_timeout_says_who_did_not_confirm(h: BotHarness) -> None:
    from evoladder.discord_bot.cogs.match import REMINDER_S

    alice, bob = await ready_player(h, "alice"), await ready_player(h, "bob")
    m = await matched(h, alice, bob)
    await h.click(bob, card(h, bob, m.id), "Confirm")
    notifier = h.bot.get_cog("Match")
    assert await notifier.tick() == 0  # type: ignore[union-attr]
    h.clock.advance(60 - REMINDER_S + 1)
    assert await notifier.tick() == 1  # type: ignore[union-attr]
    assert await notifier.tick() == 0  # type: ignore[union-attr]
    assert any(t.startswith(f"Reminder: confirm match #{m.id}") for t in dm_texts(h, alice))
    assert not any(t.startswith("Reminder") for t in dm_texts(h, bob))
    h.clock.advance(REMINDER_S)
    await settled(h, h.ladder.matches.expire_due())
    assert (await h.ladder.matches.get(m.id)).state is MatchState.ABORTED
    for user in (alice, bob):
        assert f"Match #{m.id} was cancelled: Alice did not confirm in time." in dm_texts(h, user)
        assert card(h, user, m.id).components() == []
    assert (await h.ladder.players.profile(PlayerId(alice.id))).aborts_left == 3  # a timeout charges nobody


async def test_the_shield_battery_notice_is_shown_until_understood(h: BotHarness) -> None:
    alice, bob = await ready_player(h, "alice"), await ready_player(h, "bob")
    m = await matched(h, alice, bob, bw="bw_protoss")
    notices = {u.username: [x for x in h.dm_messages(u) if "Shield Battery" in x.text] for u in (alice, bob)}
    assert len(notices["alice"]) == 1 and len(notices["bob"]) == 1
    understood = await h.click(alice, notices["alice"][0], "I understand")
    assert understood.message is not None and understood.message.components() == []
    assert (await h.ladder.players.get(PlayerId(alice.id))).shield_battery_ack_at is not None
    sure = await h.click(alice, card(h, alice, m.id), "evo:match:abort:")
    assert sure.message is not None
    await h.click(alice, sure.message, "Yes, abort")
    await matched(h, alice, bob, bw="bw_protoss")
    assert len([x for x in h.dm_messages(alice) if "Shield Battery" in x.text]) == 1  # not again
    assert len([x for x in h.dm_messages(bob) if "Shield Battery" in x.text]) == 2  # bob never acknowledged


async def _in_progress(h: BotHarness) -> tuple[FakeUser, FakeUser, Match]:
    alice, bob = await ready_player(h, "alice"), await ready_player(h, "bob")
    m = await matched(h, alice, bob)
    await h.click(alice, card(h, alice, m.id), "Confirm")
    await h.click(bob, card(h, bob, m.id), "Confirm")
    return alice, bob, m


async def test_agreeing_reports_finalize_the_result_for_both_players_and_the_admin_log(h: BotHarness) -> None:
    alice, bob, m = await _in_progress(h)
    await settled(h, h.ladder.matches.report(m.id, PlayerId(alice.id), Outcome.PLAYER1_WON))
    assert "reported: Alice" in card(h, bob, m.id).text
    done = await settled(h, h.ladder.matches.report(m.id, PlayerId(bob.id), Outcome.PLAYER1_WON))
    assert done.state is MatchState.COMPLETED
    line_a = f"Alice: 1500 → {done.mmr_after1} ({done.mmr_after1 - 1500:+d})"
    line_b = f"Bob: 1500 → {done.mmr_after2} ({done.mmr_after2 - 1500:+d})"
    for user in (alice, bob):
        notice = next(t for t in dm_texts(h, user) if t.startswith(f"Result finalized for match #{m.id}."))
        assert "Alice won" in notice and line_a in notice and line_b in notice
        details = card(h, user, m.id).text
        assert "Alice won" in details and line_a in details
    log = admin_log(h)
    assert any(f"Result finalized for match #{m.id}." in x and line_a in x and line_b in x for x in log)


async def test_a_conflict_goes_to_both_players_and_to_the_staff(h: BotHarness) -> None:
    alice, bob, m = await _in_progress(h)
    await settled(h, h.ladder.matches.report(m.id, PlayerId(alice.id), Outcome.PLAYER1_WON))
    await settled(h, h.ladder.matches.report(m.id, PlayerId(bob.id), Outcome.PLAYER2_WON))
    for user in (alice, bob):
        assert any(f"The results reported for match #{m.id} disagree" in t for t in dm_texts(h, user))
        assert "Conflict: the reports disagree" in card(h, user, m.id).text
    conflict = [x for x in admin_log(h) if "Conflict in match" in x]
    assert conflict == [f"<@&{STAFF_ROLE}> Conflict in match #{m.id}: Alice: Alice won, Bob: Bob won."]


async def test_a_player_with_closed_dms_is_recorded_and_reported_to_the_admins(h: BotHarness) -> None:
    alice = await ready_player(h, "alice")
    bob = await ready_player(h, "bob")
    m = await matched(h, alice, bob)
    bob.dm_open = False
    await h.click(alice, card(h, alice, m.id), "Confirm")  # bob's "opponent confirmed" cannot be delivered
    rows = await h.ladder.players.action_history(PlayerId(bob.id))
    assert rows[0]["action"] == "dm_undeliverable"
    assert rows[0]["new_value"] == {"purpose": "opponent_confirmed", "match_id": m.id}
    assert any(f"<@{bob.id}>" in x and f"#{m.id}" in x for x in admin_log(h))
