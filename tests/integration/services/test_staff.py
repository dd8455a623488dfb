"""Staff in the database (seeding, owners manage admins) and the admin actions added for /admin: each one
audited in the same transaction as its effect, idempotent on its request id. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from evoladder.app import Ladder, build
from evoladder.clock import ManualClock
from evoladder.config import Settings
from evoladder.domain.errors import Forbidden, InvalidInput, NotFound
from evoladder.domain.ids import PlayerId
from evoladder.services.admin import DuplicateRequest
from evoladder.services.admin_reads import AmbiguousPlayer
from evoladder.services.context import CONSOLE_ADMIN_ID
from evoladder.services.queue import QueueRequest

OWNER = 5_000


async def started(settings: Settings, clock: ManualClock) -> Ladder:
    ladder = build(settings, clock=clock)
    await ladder.start(expiry_interval_s=3600, run_waves=False)
    return ladder


async def actions(ladder: Ladder, action: str) -> list[dict[str, object]]:
    return [e for e in await ladder.admin.audit_log(CONSOLE_ADMIN_ID, limit=100) if e["action"] == action]


async def test_staff_is_seeded_once_and_configuration_is_not_consulted_afterwards(
    settings: Settings, clock: ManualClock
) -> None:
    first = await started(settings.model_copy(update={"owner_ids": (OWNER,)}), clock)
    try:
        assert first.ctx.is_admin(999) and not first.ctx.is_owner(999)
        assert first.ctx.is_owner(OWNER) and first.ctx.is_admin(OWNER)
        assert first.ctx.is_owner(CONSOLE_ADMIN_ID)
        with pytest.raises(Forbidden):
            await first.staff.set_admin(999, 1234, True)
        change = await first.staff.set_admin(OWNER, 999, False, reason="left the team", request_id="r1")
        assert (change.old_role, change.new_role, change.changed) == ("admin", None, True)
        assert not first.ctx.is_admin(999)
        with pytest.raises(DuplicateRequest):
            await first.staff.set_admin(OWNER, 999, True, request_id="r1")
        with pytest.raises(InvalidInput):
            await first.staff.set_admin(OWNER, OWNER, False)
    finally:
        await first.stop()
    again = await started(settings.model_copy(update={"owner_ids": (OWNER,), "admin_ids": (999, 777)}), clock)
    try:  # not empty any more: the removal stands and the new configured id is not added
        assert not again.ctx.is_admin(999) and not again.ctx.is_admin(777)
        entries = await actions(again, "staff_remove")
        assert len(entries) == 1 and entries[0]["reason"] == "left the team"
    finally:
        await again.stop()


async def test_player_search_by_id_mention_and_names(ladder: Ladder, new_player: Any) -> None:
    a = await new_player(ladder, 1)  # Bravo
    await new_player(ladder, 9)  # Bravo again (names cycle through 8)
    c = await new_player(ladder, 3)  # Delta
    assert (await ladder.admin.find_player(f"<@{c}>")).id == c
    assert (await ladder.admin.find_player(str(c))).id == c
    assert (await ladder.admin.find_player("delta")).id == c
    assert (await ladder.admin.find_player("user3")).id == c  # Discord username
    with pytest.raises(AmbiguousPlayer) as many:
        await ladder.admin.find_player("bravo")
    assert {p.id for p in many.value.candidates} == {a, PlayerId(9)}
    with pytest.raises(NotFound):
        await ladder.admin.find_player("zulu")
    assert {p.id for p in await ladder.admin.player_candidates("BRA")} == {a, PlayerId(9)}


async def test_ban_removes_from_queue_in_the_same_transaction(ladder: Ladder, new_player: Any) -> None:
    a = await new_player(ladder, 1)
    await ladder.queue.join(QueueRequest(a, sc2_race="sc2_zerg"))
    outcome = await ladder.admin.ban(999, a, True, "smurf", request_id="b1")
    assert outcome.changed and outcome.left_queue and not ladder.queue.is_queued(a)
    entry = (await actions(ladder, "ban"))[0]
    assert entry["new_value"] == {"banned": True, "left_queue": True}
    with pytest.raises(DuplicateRequest):
        await ladder.admin.ban(999, a, False, "unban twice", request_id="b1")
    assert (await ladder.players.get(a)).is_banned


async def test_queue_removal_clear_and_aborts_are_audited(ladder: Ladder, new_player: Any) -> None:
    a, b = await new_player(ladder, 1), await new_player(ladder, 2)
    for pid in (a, b):
        await ladder.queue.join(QueueRequest(pid, sc2_race="sc2_zerg"))
    assert await ladder.admin.remove_from_queue(999, a, "afk", request_id="q1")
    assert not await ladder.admin.remove_from_queue(999, a, "afk")  # not queued: nothing written
    assert [int(p) for p in await ladder.admin.clear_queue(999, "emergency")] == [int(b)]
    assert ladder.queue.tickets() == []
    change = await ladder.admin.set_aborts_left(999, a, 10, "tournament week")
    assert (change.old_left, change.new_left) == (3, 10)
    assert (await ladder.players.profile(a)).aborts_left == 10
    with pytest.raises(InvalidInput):
        await ladder.admin.set_aborts_left(999, a, 11, "too many")
    with pytest.raises(Forbidden):
        await ladder.admin.set_aborts_left(12345, a, 1, "not an admin")
    assert [len(await actions(ladder, x)) for x in ("remove_queue", "clear_queue", "reset_aborts")] == [1, 1, 1]


async def test_failure_before_commit_leaves_neither_effect_nor_audit(ladder: Ladder, new_player: Any) -> None:
    a = await new_player(ladder, 1)

    async def boom(conn: object) -> None:
        raise RuntimeError("crash before commit")

    ladder.db.before_commit = boom
    with pytest.raises(RuntimeError):
        await ladder.admin.set_aborts_left(999, a, 0, "x")
    ladder.db.before_commit = None
    assert (await ladder.players.profile(a)).aborts_left == 3
    assert await actions(ladder, "reset_aborts") == []
