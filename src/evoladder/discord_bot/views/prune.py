"""/prune's components and its protection rule: which of the bot's DM messages may be deleted.

Protected messages are never deleted (``scan``, ``protected_by_components``): a message whose
components act on one of the player's active matches (feature ``match`` or ``report``, the match id
as the first argument after the owner in the ``custom_id``), a queue view (feature ``queue``) while
the player is queued, and any message id a provider registered with ``protect_messages`` returns
(the match cog registers the active match's card and the searching message). The age cut-off is on
the ladder's clock and is carried in the Confirm button's ``custom_id``, so a Confirm pressed after a
restart deletes exactly what the preview counted (or fewer, if some became protected meanwhile).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from evoladder.discord_bot.gates import bot_of
from evoladder.discord_bot.respond import replace
from evoladder.discord_bot.texts import Texts
from evoladder.discord_bot.views.persistent import Persistent, custom_id
from evoladder.domain.player import Player

if TYPE_CHECKING:
    from evoladder.discord_bot.bot import EvoBot

log = logging.getLogger(__name__)

PRUNE_AGE = timedelta(hours=3)
SCAN_LIMIT = 1000
"""Messages read back per /prune (newest first, before the cut-off); older ones wait for the next."""
MATCH_FEATURES = frozenset({"match", "report"})
QUEUE_FEATURES = frozenset({"queue"})

ProtectedMessages = Callable[["EvoBot", Player], Awaitable[Collection[int]]]
PROTECTED_MESSAGES: list[ProtectedMessages] = []
"""Providers of message ids /prune must keep for a player; a feature appends one at set-up."""


def protect_messages(provider: ProtectedMessages) -> None:
    """Register ``provider`` (idempotent): its message ids are kept by /prune."""
    if provider not in PROTECTED_MESSAGES:
        PROTECTED_MESSAGES.append(provider)


def component_ids(message: discord.Message) -> list[str]:
    found: list[str] = []
    for row in message.components:
        for child in getattr(row, "children", [row]):
            cid = getattr(child, "custom_id", None)
            if cid:
                found.append(str(cid))
    return found


def protected_by_components(custom_ids: Collection[str], active_matches: Collection[int], queued: bool) -> bool:
    """Whether a message's components belong to an active match or a live queue view."""
    for cid in custom_ids:
        parts = cid.split(":")
        if len(parts) < 4 or parts[0] != "evo":
            continue
        if parts[1] in QUEUE_FEATURES and queued:
            return True
        if parts[1] in MATCH_FEATURES and len(parts) > 4 and parts[4].isdigit() and int(parts[4]) in active_matches:
            return True
    return False


async def scan(bot: EvoBot, player: Player, cutoff: datetime) -> tuple[list[discord.Message], int]:
    """The bot's own messages in the player's DM older than ``cutoff``: (deletable, protected count)."""
    user = bot.get_user(int(player.id)) or await bot.fetch_user(int(player.id))
    channel = user.dm_channel or await user.create_dm()
    ladder = bot.ladder
    active = {int(m.id) for m in ladder.matches.active_matches() if player.id in (m.player1, m.player2)}
    queued = ladder.queue.is_queued(player.id)
    kept_ids: set[int] = set()
    for provider in PROTECTED_MESSAGES:
        kept_ids.update(await provider(bot, player))
    deletable: list[discord.Message] = []
    kept = 0
    assert bot.user is not None
    async for message in channel.history(limit=SCAN_LIMIT, before=cutoff):
        if message.author.id != bot.user.id:
            continue
        if message.id in kept_ids or protected_by_components(component_ids(message), active, queued):
            kept += 1
        else:
            deletable.append(message)
    return deletable, kept


def prune_view(tx: Texts, owner: int, cutoff: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PruneButton("confirm", owner, cutoff, tx("prune.delete")))
    view.add_item(PruneButton("cancel", owner, cutoff, tx("button.cancel")))
    return view


class PruneButton(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"evo:prune:(?P<action>confirm|cancel):(?P<owner>\d+):(?P<cutoff>\d+)",
):
    """Delete (what the preview counted, recounted at press time) or cancel."""

    def __init__(self, action: str, owner: int, cutoff: int, label: str = "") -> None:
        style = discord.ButtonStyle.danger if action == "confirm" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(label=label or action, style=style, custom_id=custom_id("prune", action, owner, cutoff))
        )
        self.action = action
        self.owner = owner
        self.cutoff = cutoff

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PruneButton:
        return cls(match["action"], int(match["owner"]), int(match["cutoff"]))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        if self.action == "cancel":
            await replace(interaction, tx("prune.cancelled"))
            return
        await interaction.response.defer()  # reading history and deleting take round trips
        bot = bot_of(interaction)
        deletable, _ = await scan(bot, player, datetime.fromtimestamp(self.cutoff, UTC))
        deleted = 0
        for message in deletable:
            try:
                await message.delete()
                deleted += 1
            except discord.NotFound:
                continue  # already gone
        log.info("pruned %d DM messages for %s", deleted, player.id, extra={"event": "prune", "user_id": player.id})
        await replace(interaction, tx("prune.done", count=deleted))


PRUNE_ITEMS = (PruneButton,)
