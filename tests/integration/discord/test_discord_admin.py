"""/admin and /owner through the harness: access, confirmations, every command, notices, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator

import pytest

from discord_harness import BotHarness, FakeMessage, FakeUser
from discord_harness.fake import InteractionRecord
from discord_match_support import ADMIN_CHANNEL, add_admin_channel, admin_log, matched, queue_up, ready_player, settled
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import MatchState

OWNER_ID = 910_000_000_000_000_001
ADMIN_ID = 910_000_000_000_000_002


@pytest.fixture
def admin_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "discord_command_cooldown_s": 0.0,
            "discord_admin_channel_id": ADMIN_CHANNEL,
            "admin_ids": (ADMIN_ID, 999),
            "owner_ids": (OWNER_ID,),
        }
    )


@pytest.fixture
async def h(admin_settings: Settings, clock: ManualClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness.start(admin_settings, clock)
    add_admin_channel(harness)
    try:
        yield harness
    finally:
        await harness.close()


def staff(h: BotHarness, user_id: int, name: str, locale: str = "en-US") -> FakeUser:
    user = FakeUser(user_id, name, locale)
    h.fake.users[user_id] = user
    return user


@pytest.fixture
def admin(h: BotHarness) -> FakeUser:
    return staff(h, ADMIN_ID, "mod")


@pytest.fixture
def owner(h: BotHarness) -> FakeUser:
    return staff(h, OWNER_ID, "boss")


async def confirm(h: BotHarness, user: FakeUser, preview: InteractionRecord) -> InteractionRecord:
    assert preview.message is not None, preview.text
    return await h.click(user, preview.message, "Confirm")


def stale(message: FakeMessage) -> FakeMessage:
    """The message as a client still shows it (an old copy with its buttons), for a second click."""
    return FakeMessage(copy.deepcopy(message.payload))


async def audit(h: BotHarness, action: str) -> list[dict[str, object]]:
    return [e for e in await h.ladder.admin.audit_log(0, limit=100) if e["action"] == action]


# ---------------------------------------------------------------------- access
async def test_a_non_admin_is_refused_and_only_they_see_it(h: BotHarness) -> None:
    alice = await ready_player(h, "alice")
    record = await h.slash(alice, "admin snapshot")
    assert record.message is not None and record.message.ephemeral
    assert "Only ladder admins" in record.text
    record = await h.slash(alice, "admin ban", player="alice", reason="x")
    assert "Only ladder admins" in record.text
    assert not (await h.ladder.players.get(PlayerId(alice.id))).is_banned


async def test_admin_commands_work_in_dm_and_staff_channel_only(h: BotHarness, admin: FakeUser) -> None:
    in_dm = await h.slash(admin, "admin snapshot")
    assert "Ladder snapshot" in in_dm.text
    in_staff = await h.slash(admin, "admin snapshot", channel=ADMIN_CHANNEL)
    assert "Ladder snapshot" in in_staff.text and not in_staff.message.ephemeral  # type: ignore[union-attr]
    elsewhere = await h.slash(admin, "admin snapshot", guild=True)
    assert elsewhere.message is not None and elsewhere.message.ephemeral
    assert "staff channel" in elsewhere.text


async def test_korean_admin_sees_korean(h: BotHarness) -> None:
    ko_admin = staff(h, 999, "kmod", locale="ko")
    record = await h.slash(ko_admin, "admin snapshot")
    assert "래더 현황" in record.text


# ---------------------------------------------------------------------- staff table and /owner admin
async def test_staff_seeded_and_owner_manages_admins(h: BotHarness, owner: FakeUser, admin: FakeUser) -> None:
    roles = {m.discord_id: m.role for m in await h.ladder.staff.members()}
    assert roles == {OWNER_ID: "owner", ADMIN_ID: "admin", 999: "admin"}
    newbie = h.user("newbie")
    refused = await h.slash(admin, "owner admin", member=newbie, action="add")
    assert "Only ladder owners" in refused.text and refused.message.ephemeral  # type: ignore[union-attr]
    preview = await h.slash(owner, "owner admin", member=newbie, action="add")
    assert "not staff → admin" in preview.text
    done = await confirm(h, owner, preview)
    assert "is now a ladder admin" in done.text
    assert h.ladder.ctx.is_admin(newbie.id) and not h.ladder.ctx.is_owner(newbie.id)
    assert any("You are now a ladder admin" in m.text for m in h.dm_messages(newbie))
    assert "Ladder snapshot" in (await h.slash(newbie, "admin snapshot")).text
    await h.restart()  # stored, not configuration: survives a restart
    add_admin_channel(h)
    assert h.ladder.ctx.is_admin(newbie.id)
    preview = await h.slash(owner, "owner admin", member=newbie, action="remove")
    await confirm(h, owner, preview)
    assert not h.ladder.ctx.is_admin(newbie.id)
    entries = await audit(h, "staff_add") + await audit(h, "staff_remove")
    assert {e["target_player_id"] for e in entries} == {newbie.id} and len(entries) == 2
    owner_removal = await h.slash(owner, "owner admin", member=owner, action="remove")
    assert "owners are managed in the configuration" in owner_removal.text


# ---------------------------------------------------------------------- confirmation
async def test_only_the_invoking_admin_can_confirm(h: BotHarness, admin: FakeUser) -> None:
    other_admin = staff(h, 999, "other")
    bob = await ready_player(h, "bob")
    preview = await h.slash(admin, "admin ban", player="bob", reason="smurf")
    assert preview.message is not None
    refused = await h.click(other_admin, preview.message, "Confirm")
    assert "belong to someone else" in refused.text
    assert refused.messages[-1].ephemeral
    assert not (await h.ladder.players.get(PlayerId(bob.id))).is_banned
    cancelled = await h.click(admin, preview.message, "Cancel")
    assert "Cancelled" in cancelled.text
    assert not (await h.ladder.players.get(PlayerId(bob.id))).is_banned


async def test_a_double_clicked_confirmation_is_applied_once(h: BotHarness, admin: FakeUser) -> None:
    bob = await ready_player(h, "bob")
    preview = await h.slash(
        admin, "admin adjust_mmr", player="bob", race="bw_terran", mode="add", value=100, reason="x"
    )
    assert "1500 → 1600" in preview.text, preview.text
    assert preview.message is not None
    old_copy = stale(preview.message)
    first = await confirm(h, admin, preview)
    assert "is now 1600" in first.text
    second = await h.click(admin, old_copy, "Confirm")
    assert "Already applied" in second.text
    ratings = await h.ladder.players.ratings(PlayerId(bob.id))
    assert ratings["bw_terran"].mmr == 1600  # type: ignore[index]
    assert len(await audit(h, "adjust_mmr")) == 1
    notices = [m.text for m in h.dm_messages(bob) if "MMR" in m.text]
    assert len(notices) == 1 and "1500 → 1600" in notices[0]


async def test_a_confirmation_survives_a_restart(h: BotHarness, admin: FakeUser) -> None:
    bob = await ready_player(h, "bob")
    preview = await h.slash(admin, "admin reset_aborts", player=str(bob.id), count=7, reason="make up")
    assert "3 → 7" in preview.text
    await h.restart()
    add_admin_channel(h)
    done = await confirm(h, admin, preview)
    assert "3 → 7" in done.text
    assert (await h.ladder.players.profile(PlayerId(bob.id))).aborts_left == 7
    assert any("aborts left this month to 7" in m.text for m in h.dm_messages(bob))
    out_of_range = await h.slash(admin, "admin reset_aborts", player=str(bob.id), count=11, reason="x")
    assert out_of_range.acks  # Discord itself refuses 11 (a range option); the bot answers with an error


# ---------------------------------------------------------------------- picking a player
async def test_picking_by_mention_id_names_and_ambiguity(h: BotHarness, admin: FakeUser) -> None:
    alice = await ready_player(h, "alice", alt=("앨리스",))
    await ready_player(h, "alicia", alt=("Twin",))
    await ready_player(h, "twin")
    for text in (f"<@{alice.id}>", str(alice.id), "alice", "ALICE", "앨리스"):
        record = await h.slash(admin, "admin player", player=text)
        assert f"({alice.id})" in record.text, (text, record.text)
    many = await h.slash(admin, "admin player", player="twin")
    assert "Several players match" in many.text and many.text.count("•") == 2
    none = await h.slash(admin, "admin player", player="nobody")
    assert "No player matches" in none.text
    choices = await h.autocomplete(admin, "admin ban", "player", "ali")
    assert {c["value"] for c in choices} >= {str(alice.id)} and len(choices) == 2
    assert await h.autocomplete(alice, "admin ban", "player", "ali") == []


# ---------------------------------------------------------------------- reads
async def test_snapshot_player_and_match(h: BotHarness, admin: FakeUser) -> None:
    alice = await ready_player(h, "alice")
    bob = await ready_player(h, "bob")
    carol = await ready_player(h, "carol", country="KR")
    match = await matched(h, alice, bob)
    await queue_up(h, carol, sc2="sc2_zerg")
    snap = await h.slash(admin, "admin snapshot")
    assert "Waiting (1)" in snap.text and "Carol" in snap.text and "🇰🇷" in snap.text
    assert f"#{match.id} Alice vs Bob" in snap.text and "Memory" in snap.text and "pool" in snap.text
    player = await h.slash(admin, "admin player", player="alice")
    assert f"Playing match #{match.id}" in player.text and "Alice#1234" in player.text
    await h.ladder.matches.confirm(match.id, PlayerId(alice.id))
    await h.ladder.matches.confirm(match.id, PlayerId(bob.id))
    await h.ladder.matches.report(match.id, PlayerId(alice.id), 1)
    shown = await h.slash(admin, "admin match", match_id=match.id)
    assert f"Match #{match.id}" in shown.text and "player 1 (Alice) wins" in shown.text
    message = shown.message
    assert message is not None
    names = [a["filename"] for a in message.payload["attachments"]]
    assert names == [f"match-{match.id}.json"]
    dump = json.loads(h.fake.files[(message.id, names[0])])
    assert dump["match"]["id"] == match.id and dump["match"]["report1"] == 1
    missing = await h.slash(admin, "admin match", match_id=99999)
    assert "no match #99999" in missing.text.lower()


# ---------------------------------------------------------------------- resolve
@pytest.mark.parametrize("kind", ["open", "conflict", "resolved"])
async def test_resolve_each_kind_twice(h: BotHarness, admin: FakeUser, kind: str) -> None:
    alice = await ready_player(h, "alice")
    bob = await ready_player(h, "bob", dm_open=False)
    match = await matched(h, alice, bob)
    for pid in (alice.id, bob.id):
        await h.ladder.matches.confirm(match.id, PlayerId(pid))
    if kind == "conflict":
        await h.ladder.matches.report(match.id, PlayerId(alice.id), 1)
        await settled(h, h.ladder.matches.report(match.id, PlayerId(bob.id), 2))
    elif kind == "resolved":
        await h.ladder.matches.report(match.id, PlayerId(alice.id), 1)
        await settled(h, h.ladder.matches.report(match.id, PlayerId(bob.id), 1))
    before = await h.ladder.matches.get(match.id)
    preview = await h.slash(admin, "admin resolve", match_id=match.id, winner="2", reason="replay shows Bob")
    assert "player 2 (Bob) wins" in preview.text
    await confirm(h, admin, preview)
    first = await h.ladder.matches.get(match.id)
    assert first.state is MatchState.COMPLETED and int(first.result) == 2  # type: ignore[arg-type]
    preview = await h.slash(admin, "admin resolve", match_id=match.id, winner="draw", reason="both disconnected")
    old_copy = stale(preview.message)  # type: ignore[arg-type]
    await confirm(h, admin, preview)
    await h.click(admin, old_copy, "Confirm")  # a late double click
    second = await h.ladder.matches.get(match.id)
    assert int(second.result) == 0  # type: ignore[arg-type]
    ratings = await h.ladder.players.ratings(PlayerId(alice.id))
    rating = ratings["bw_terran"]  # type: ignore[index]
    assert rating.mmr == before.mmr1 + (second.delta1 or 0)  # recomputed from the match-time MMR, once
    assert rating.games_played == 1 and rating.games_drawn == 1 and rating.games_lost == 0
    assert len(await audit(h, "resolve_match")) == 2
    assert any("An admin resolved match" in m.text for m in h.dm_messages(alice))
    assert any(f"<@{bob.id}>" in line and "could not" in line.lower() for line in admin_log(h))  # Bob's DMs closed


# ---------------------------------------------------------------------- ban, queue, unblock
async def test_ban_while_queued_takes_the_player_out_and_says_so(h: BotHarness, admin: FakeUser) -> None:
    bob = await ready_player(h, "bob")
    await queue_up(h, bob, sc2="sc2_zerg")
    preview = await h.slash(admin, "admin ban", player="bob", reason="smurf")
    assert "will be taken out of it" in preview.text
    done = await confirm(h, admin, preview)
    assert "is banned" in done.text and "taken out of the queue" in done.text
    assert not h.ladder.queue.is_queued(PlayerId(bob.id))
    player = await h.ladder.players.get(PlayerId(bob.id))
    assert player.is_banned and player.ban_reason == "smurf"
    texts = [m.text for m in h.dm_messages(bob)]
    assert any("banned from the ladder. Reason: smurf" in t and "taken out of the queue" in t for t in texts)
    entry = (await audit(h, "ban"))[0]
    assert entry["new_value"] == {"banned": True, "left_queue": True} and entry["reason"] == "smurf"
    again = await h.slash(admin, "admin ban", player="bob", reason="again")
    assert "already banned" in again.text
    preview = await h.slash(admin, "admin unban", player="bob", reason="appeal")
    await confirm(h, admin, preview)
    assert not (await h.ladder.players.get(PlayerId(bob.id))).is_banned
    assert any("ban has been lifted" in m.text for m in h.dm_messages(bob))


async def test_remove_queue_and_clear_queue_with_second_confirmation(h: BotHarness, admin: FakeUser) -> None:
    alice = await ready_player(h, "alice")
    bob = await ready_player(h, "bob")
    carol = await ready_player(h, "carol")
    for user in (alice, bob, carol):
        await queue_up(h, user, sc2="sc2_zerg")
    preview = await h.slash(admin, "admin remove_queue", player="alice", reason="afk")
    assert "queued → not queued" in preview.text
    await confirm(h, admin, preview)
    assert not h.ladder.queue.is_queued(PlayerId(alice.id))
    assert any("took you out of the queue" in m.text for m in h.dm_messages(alice))
    not_queued = await h.slash(admin, "admin remove_queue", player="alice", reason="afk")
    assert "is not in the queue" in not_queued.text
    preview = await h.slash(admin, "admin clear_queue", reason="matchmaker stuck")
    assert "2 players waiting → 0" in preview.text
    second = await confirm(h, admin, preview)
    assert "Second confirmation" in second.text and h.ladder.queue.is_queued(PlayerId(bob.id))
    done = await h.click(admin, second.message, "Yes, empty the queue")  # type: ignore[arg-type]
    assert "Players removed: 2" in done.text
    assert h.ladder.queue.tickets() == []
    for user in (bob, carol):
        assert any("emptied the queue" in m.text for m in h.dm_messages(user))
    cleared = (await audit(h, "clear_queue"))[0]["old_value"]
    assert isinstance(cleared, dict) and sorted(cleared["queued"]) == sorted([bob.id, carol.id])
    assert len(await audit(h, "remove_queue")) == 1


async def test_unblock_a_player_stuck_on_a_finished_match(h: BotHarness, admin: FakeUser) -> None:
    alice = await ready_player(h, "alice")
    bob = await ready_player(h, "bob")
    match = await matched(h, alice, bob)
    nothing = await h.slash(admin, "admin unblock", player="alice", reason="x")
    assert "is not stuck" in nothing.text  # a live match is not stuck
    await settled(h, h.ladder.matches.abort(match.id, PlayerId(alice.id)))
    # simulate the old bug: the busy flag points at the aborted match
    from evoladder.store import players as player_store

    async with h.ladder.db.write() as conn:
        await player_store.claim_for_match(conn, [PlayerId(alice.id)], match.id)
    h.ladder.ctx.cache.forget(PlayerId(alice.id))
    player = await h.slash(admin, "admin player", player="alice")
    assert "Stuck" in player.text
    preview = await h.slash(admin, "admin unblock", player="alice", reason="stuck after abort")
    assert f"held by match #{match.id}" in preview.text
    await confirm(h, admin, preview)
    assert (await h.ladder.players.get(PlayerId(alice.id))).active_match_id is None
    assert any("released you from match" in m.text for m in h.dm_messages(alice))
    assert len(await audit(h, "unblock")) == 1


# ---------------------------------------------------------------------- season and audit
async def test_season_start_tells_queued_players(h: BotHarness, admin: FakeUser) -> None:
    seasons = [s for s in h.ladder.pack.seasons if s.maps and s.code != h.ladder.pack.current_season.code]
    if not seasons:
        pytest.skip("the data pack has no other season with maps")
    target = seasons[-1]
    alice = await ready_player(h, "alice")
    await queue_up(h, alice, sc2="sc2_zerg")
    choices = await h.autocomplete(admin, "admin season start", "name", "")
    assert target.code in {c["value"] for c in choices}
    preview = await h.slash(admin, "admin season start", name=target.code, reason="new season")
    assert target.name in preview.text and "1 queued players" in preview.text
    done = await confirm(h, admin, preview)
    assert f"Season {target.name} has started" in done.text
    assert h.ladder.pack.current_season.code == target.code
    assert any(f"A new season has started: {target.name}" in m.text for m in h.dm_messages(alice))
    assert len(await audit(h, "season_start")) == 1


async def test_audit_lists_latest_entries(h: BotHarness, admin: FakeUser) -> None:
    bob = await ready_player(h, "bob")
    await h.ladder.admin.set_ban(ADMIN_ID, PlayerId(bob.id), True, "smurf")
    everything = await h.slash(admin, "admin audit")
    assert "ban" in everything.text and "smurf" in everything.text
    for_bob = await h.slash(admin, "admin audit", player="bob")
    assert "smurf" in for_bob.text
    for_match = await h.slash(admin, "admin audit", match_id=12345)
    assert "No audit entries" in for_match.text
