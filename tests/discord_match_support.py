"""Helpers for the /queue and match flow tests: ready players, queueing through the bot, waves, the admin log."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from discord_harness import BotHarness, FakeMessage, FakeUser
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import Match
from evoladder.services.players import SetupInput

T = TypeVar("T")
ADMIN_CHANNEL = 4_242_424_242
STAFF_ROLE = 777_777


def match_settings(settings: Settings, **extra: Any) -> Settings:
    """No command cooldown, an admin match-log channel and a staff role."""
    return settings.model_copy(
        update={
            "discord_command_cooldown_s": 0.0,
            "discord_admin_channel_id": ADMIN_CHANNEL,
            "discord_staff_role_id": STAFF_ROLE,
            **extra,
        }
    )


def add_admin_channel(h: BotHarness) -> None:
    """The fake Discord's admin channel, with the id the settings name."""
    channel = h.fake.guild_channel(h.guild_id, "match-log")
    del h.fake.channels[int(channel["id"])]
    h.fake.channels[ADMIN_CHANNEL] = dict(channel, id=str(ADMIN_CHANNEL))


def admin_log(h: BotHarness) -> list[str]:
    return [m.content for m in h.fake.channel_messages(ADMIN_CHANNEL)]


async def ready_player(
    h: BotHarness,
    name: str,
    *,
    locale: str = "en-US",
    dm_open: bool = True,
    quick_start: bool = True,
    alt: tuple[str, ...] = (),
    country: str = "DE",
) -> FakeUser:
    """A user with Terms accepted and setup complete (through the services: onboarding has its own tests)."""
    user = h.user(name, locale=locale, dm_open=dm_open)
    players = h.ladder.players
    await players.ensure(user.id, name)
    await players.accept_tos(PlayerId(user.id))
    ign = name.capitalize()[:12]
    await players.complete_setup(PlayerId(user.id), SetupInput(ign, f"{ign}#1234", country, "EUW", alt))
    if quick_start:
        await players.acknowledge(PlayerId(user.id), "quick_start")
    return user


async def settled(h: BotHarness, work: Awaitable[T]) -> T:
    """Run a ladder call from the test and wait for every bot task it set off (event listeners)."""
    before = asyncio.all_tasks()
    result = await work
    await h.settle(before)
    return result


async def queue_up(h: BotHarness, user: FakeUser, *, bw: str | None = None, sc2: str | None = None) -> FakeMessage:
    """/queue, pick the races, Join; returns the searching message."""
    opened = await h.slash(user, "queue")
    message = opened.message
    assert message is not None
    if bw:
        message = (await h.select(user, message, "evo:queue:bw", [bw])).message
    if sc2:
        assert message is not None
        message = (await h.select(user, message, "evo:queue:sc2", [sc2])).message
    assert message is not None
    joined = await h.click(user, message, "evo:queue:join")
    assert joined.message is not None
    return joined.message


async def matched(h: BotHarness, a: FakeUser, b: FakeUser, *, bw: str = "bw_terran", sc2: str = "sc2_zerg") -> Match:
    """``a`` queues ``bw``, ``b`` queues ``sc2``, a wave pairs them; returns the match."""
    await queue_up(h, a, bw=bw)
    await queue_up(h, b, sc2=sc2)
    h.ladder.queue.inline_limit = 1_000  # match in process: a worker process costs seconds to spawn
    report = await settled(h, h.ladder.queue.run_wave())
    assert len(report.created) == 1, report
    return await h.ladder.matches.get(report.created[0])


def card(h: BotHarness, user: FakeUser, match_id: int) -> FakeMessage:
    """The user's match card (the DM message with the match's title)."""
    found = [m for m in h.dm_messages(user) if any(f"#{match_id}" in str(e.get("title", "")) for e in m.embeds)]
    assert found, f"no card for match {match_id}: {h.dm_messages(user)}"
    return found[-1]


def dm_texts(h: BotHarness, user: FakeUser) -> list[str]:
    return [m.text for m in h.dm_messages(user)]
