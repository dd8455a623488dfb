"""/prune through the harness: count, confirm, protected messages, cancel; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import discord

from discord_harness import BotHarness, FakeUser
from discord_match_support import settled
from evoladder.clock import ManualClock
from evoladder.discord_bot.views.prune import PROTECTED_MESSAGES, protect_messages
from evoladder.domain.ids import PlayerId
from evoladder.services.matches import MatchRequest
from evoladder.services.players import SetupInput
from evoladder.services.queue import QueueRequest


async def ready(h: BotHarness, user: FakeUser, name: str) -> PlayerId:
    player = await h.ladder.players.ensure(user.id, user.username)
    await h.ladder.players.accept_tos(player.id)
    await h.ladder.players.complete_setup(player.id, SetupInput(name, f"{name}#1234", "US", "NAE"))
    return player.id


def view_with(custom_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="press", custom_id=custom_id))
    return view


async def dm(h: BotHarness, user: FakeUser, text: str, **extra: Any) -> int:
    sent = await h.bot.send_dm(user.id, purpose="test", content=text, **extra)
    assert sent is not None
    return sent.id


def texts(h: BotHarness, user: FakeUser) -> list[str]:
    return [m.text for m in h.dm_messages(user)]


async def test_prune_counts_confirms_and_keeps_protected_and_recent_messages(h: BotHarness, clock: ManualClock) -> None:
    alice, bob, carol = h.user("alice"), h.user("bob"), h.user("carol")
    a, b = await ready(h, alice, "Alice"), await ready(h, bob, "Bobby")
    request = MatchRequest(a, "bw_terran", b, "sc2_zerg", idempotency_key="prune")
    match = await settled(h, h.ladder.matches.create(request))  # the match cards go out
    for n in range(3):
        await dm(h, alice, f"old {n}")
    await dm(h, alice, "match buttons", view=view_with(f"evo:match:confirm:{alice.id}:{match.id}"))
    await dm(h, alice, "report controls", view=view_with(f"evo:report:pick:{alice.id}:{match.id}"))
    await dm(h, alice, "an old finished match", view=view_with(f"evo:match:confirm:{alice.id}:{match.id + 99}"))
    clock.advance(hours=4)
    await dm(h, alice, "recent")
    bobs = texts(h, bob)

    preview = await h.slash(alice, "prune")
    assert preview.message is not None
    assert preview.message.text == (
        "My messages in this DM older than 3 hours: 4. Delete them?\n"
        "Kept because they belong to your active match or queue: 3."  # with the match card
    )
    done = await h.click(alice, preview.message, "Delete")
    assert done.message is not None and done.message.text == "Old messages deleted: 4."
    assert done.message.components() == []
    left = texts(h, alice)
    assert not any(t.startswith("old ") for t in left) and "an old finished match" not in left
    assert {"match buttons", "report controls", "recent"} <= set(left)
    assert any(t.startswith(f"Match #{match.id} found!") for t in left)
    assert texts(h, bob) == bobs and carol.dm_channel_id is None  # nobody else's DM was touched


async def test_prune_keeps_a_live_queue_view_and_registered_messages(h: BotHarness, clock: ManualClock) -> None:
    alice = h.user("alice")
    pid = await ready(h, alice, "Alice")
    queue_view = await dm(h, alice, "searching", view=view_with(f"evo:queue:cancel:{alice.id}"))
    details = await dm(h, alice, "match details")

    async def details_of_active_match(bot: Any, player: Any) -> list[int]:
        return [details] if player.id == pid else []

    protect_messages(details_of_active_match)
    try:
        await h.ladder.queue.join(QueueRequest(pid, bw_race="bw_terran"))
        clock.advance(hours=4)
        preview = await h.slash(alice, "prune")
        assert preview.message is not None
        assert preview.message.text == (
            "Nothing to delete: none of my other messages here is older than 3 hours.\n"
            "Kept because they belong to your active match or queue: 2."
        )
        assert preview.message.components() == []
        await h.ladder.queue.leave(pid)  # no longer searching: the queue view may go
        preview = await h.slash(alice, "prune")
        assert preview.message is not None and preview.message.text.startswith(
            "My messages in this DM older than 3 hours: 1."
        )
        await h.click(alice, preview.message, "Delete")
        assert h.fake.messages[queue_view].deleted and not h.fake.messages[details].deleted
    finally:
        PROTECTED_MESSAGES.remove(details_of_active_match)


async def test_prune_cancel_deletes_nothing_and_confirm_works_after_a_restart(
    h: BotHarness, clock: ManualClock
) -> None:
    alice = h.user("alice")
    await ready(h, alice, "Alice")
    await dm(h, alice, "old")
    clock.advance(hours=3, minutes=1)
    first = await h.slash(alice, "prune")
    assert first.message is not None
    cancelled = await h.click(alice, first.message, "Cancel")
    assert cancelled.message is not None and cancelled.message.text == "Nothing was deleted."
    assert "old" in texts(h, alice)
    second = await h.slash(alice, "prune")
    assert second.message is not None
    await h.restart()
    done = await h.click(alice, second.message, "Delete")
    assert done.message is not None and done.message.text == "Old messages deleted: 1."
    assert "old" not in texts(h, alice)


async def test_prune_needs_the_terms_and_names_the_fix(h: BotHarness) -> None:
    alice = h.user("alice")
    refused = await h.slash(alice, "prune")
    assert refused.message is not None
    assert refused.message.text == "You need to accept the Terms of Service first: use /termsofservice."


async def test_prune_speaks_korean_to_a_korean_client(h: BotHarness, clock: ManualClock) -> None:
    minji = h.user("minji", locale="ko")
    await ready(h, minji, "Minji")
    await dm(h, minji, "old")
    clock.advance(hours=5)
    preview = await h.slash(minji, "prune")
    assert preview.message is not None
    assert preview.message.text == "이 DM에서 3시간이 지난 제 메시지가 1개 있습니다. 삭제할까요?"
    assert {c["label"] for c in preview.message.components()} == {"삭제", "취소"}
