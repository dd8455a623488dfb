"""/queue: the setup view (races, vetoes, quick-start guide), and the searching messages kept fresh.

Refresh policy (rate limits): every ``REFRESH_S`` seconds one snapshot of the queue is taken (next wave,
waiting BW / SC2 / both, ongoing matches) and each searching message is edited only when what it
shows changed, and at most once per ``MIN_EDIT_S`` per message. In practice that is one edit per
message per wave (the next-wave timestamp moves), never a stream of edits. discord.py's own rate
limiter paces the edits; there is no hand-written queue.

The searching message ids are stored (``FrontendMessageService``, purpose ``queue``), so after a
restart the refresh resumes and the message's Cancel still works.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord
from discord.ext import commands

from evoladder.discord_bot import match_messages
from evoladder.discord_bot.bot import EvoBot
from evoladder.discord_bot.gates import checks, current
from evoladder.discord_bot.respond import replace
from evoladder.discord_bot.texts import cmd_str, desc_str
from evoladder.discord_bot.views.queue import (
    current_snapshot,
    searching_screen,
    searching_view,
    setup_screen,
)
from evoladder.domain.ids import PlayerId
from evoladder.services.tasks import Periodic

log = logging.getLogger(__name__)

REFRESH_S = 10.0
"""How often the searching messages are looked at (real time, while connected)."""
MIN_EDIT_S = 15.0
"""A searching message is edited at most this often, and only when its shown values changed."""
PURPOSE = "queue"


@dataclass(slots=True)
class Search:
    """One player's searching message and what it last showed."""

    channel_id: int
    message_id: int
    shown: dict[str, object] | None = None
    edited_at: datetime | None = None


class Queue(commands.Cog):
    def __init__(self, bot: EvoBot) -> None:
        self.bot = bot
        self.searches: dict[int, Search] = {}
        self._ticker = Periodic(REFRESH_S, self.tick, what="refreshing the searching messages")

    async def cog_load(self) -> None:
        """Resume the searching messages of players still queued (after a restart)."""
        queued = {int(t.player_id) for t in self.bot.ladder.queue.tickets()}
        stale: list[int] = []
        for ref in await match_messages.store(self.bot).by_purpose(PURPOSE):
            if ref.player_id in queued:
                self.searches[ref.player_id] = Search(ref.channel_id, ref.message_id)
            else:
                stale.append(ref.player_id)
        for player_id in stale:
            await match_messages.store(self.bot).forget(PURPOSE, [0], player_id)

    async def cog_unload(self) -> None:
        await self._ticker.stop()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Start the refresh loop once per process (a gateway reconnect fires on_ready again)."""
        self._ticker.start()

    # ------------------------------------------------------------------ the command
    @discord.app_commands.command(
        name=cmd_str("queue"), description=desc_str("queue", "Pick your races and map vetoes, then search for a match")
    )
    @checks(tos=True, setup=True)
    async def queue(self, interaction: discord.Interaction) -> None:
        player, tx = current(interaction)
        match_messages.remember_locale(self.bot, interaction)
        ladder = self.bot.ladder
        if ladder.queue.is_queued(player.id):
            embed = searching_screen(self.bot, tx, int(player.id), current_snapshot(self.bot))
            assert embed is not None  # queued, so there is a ticket to show
            await interaction.response.send_message(embed=embed, view=searching_view(tx, int(player.id)))
            message = await interaction.original_response()
            await self.track(int(player.id), message.channel.id, message.id, embed)
            return
        if player.active_match_id is not None:
            await interaction.response.send_message(tx("queue.in_match"), ephemeral=True)
            return
        await interaction.response.defer()
        embed, view = setup_screen(self.bot, tx, player, await ladder.queue.preferences(player.id))
        await replace(interaction, None, embed=embed, view=view)

    # ------------------------------------------------------------------ searching messages
    async def track(self, owner: int, channel_id: int, message_id: int, embed: discord.Embed | None) -> None:
        """Keep ``owner``'s searching message fresh from now on (it replaces an earlier one)."""
        previous = self.searches.get(owner)
        if previous is not None and previous.message_id != message_id:
            await self._close(previous, match_messages.texts_for_id(self.bot, owner)("queue.moved"))
        self.searches[owner] = Search(channel_id, message_id, _shown(embed), self.bot.ladder.ctx.clock.now())
        await match_messages.store(self.bot).remember(owner, PURPOSE, 0, channel_id, message_id)

    async def forget(self, owner: int, *, note: str | None = None) -> None:
        """Stop refreshing ``owner``'s searching message; with ``note``, replace it (and its Cancel) by that."""
        search = self.searches.pop(owner, None)
        if search is None:
            return
        await match_messages.store(self.bot).forget(PURPOSE, [0], owner)
        if note is not None:
            await self._close(search, note)

    async def _close(self, search: Search, note: str) -> None:
        message = self.bot.get_partial_messageable(search.channel_id).get_partial_message(search.message_id)
        with contextlib.suppress(discord.HTTPException):
            await message.edit(content=note, embed=None, view=None)

    async def tick(self) -> int:
        """One refresh round; returns how many messages were edited. Tests call it with a manual clock."""
        if not self.searches:
            return 0
        now = self.bot.ladder.ctx.clock.now()
        snap = current_snapshot(self.bot)
        edited = 0
        for owner, search in list(self.searches.items()):
            if not self.bot.ladder.queue.is_queued(PlayerId(owner)):
                await self.forget(owner)
                continue
            if search.edited_at is not None and now - search.edited_at < timedelta(seconds=MIN_EDIT_S):
                continue
            tx = match_messages.texts_for_id(self.bot, owner)
            embed = searching_screen(self.bot, tx, owner, snap)
            shown = _shown(embed)
            if shown == search.shown:
                continue
            message = self.bot.get_partial_messageable(search.channel_id).get_partial_message(search.message_id)
            try:
                await message.edit(embed=embed, view=searching_view(tx, owner))
            except discord.NotFound:
                await self.forget(owner)
                continue
            except discord.HTTPException:
                log.warning("could not refresh the searching message of %s", owner)
                continue
            search.shown, search.edited_at = shown, now
            edited += 1
        return edited


def _shown(embed: discord.Embed | None) -> dict[str, object] | None:
    return embed.to_dict() if embed is not None else None  # type: ignore[return-value]


def queue_cog(bot: EvoBot) -> Queue:
    """The loaded queue cog (by name: a reloaded extension is a new module with a new class)."""
    cog = bot.get_cog("Queue")
    if cog is None:
        raise RuntimeError("the queue cog is not loaded")
    return cog  # type: ignore[return-value]


async def setup(bot: EvoBot) -> None:
    await bot.add_cog(Queue(bot))
