"""Terms of Service: Accept / Decline, persistent (they work after a restart)."""

from __future__ import annotations

import re
from typing import Any

import discord

from evoladder.discord_bot.gates import bot_of
from evoladder.discord_bot.presenters import onboarding as present
from evoladder.discord_bot.respond import replace
from evoladder.discord_bot.texts import Texts
from evoladder.discord_bot.views.persistent import Persistent, custom_id
from evoladder.domain.player import Player


class TosButton(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"evo:tos:(?P<action>accept|decline):(?P<owner>\d+)",
):
    """Accept or decline the Terms; the answer replaces the Terms message."""

    needs_tos = False

    def __init__(self, action: str, owner: int, label: str = "") -> None:
        style = discord.ButtonStyle.success if action == "accept" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(label=label or action, style=style, custom_id=custom_id("tos", action, owner))
        )
        self.action = action
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TosButton:
        return cls(match["action"], int(match["owner"]))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        await interaction.response.defer()
        accepted = self.action == "accept"
        await bot_of(interaction).ladder.players.accept_tos(player.id, accepted)
        await replace(interaction, present.tos_answer(tx, accepted))


def tos_view(tx: Texts, owner: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(TosButton("accept", owner, tx("tos.accept")))
    view.add_item(TosButton("decline", owner, tx("tos.decline")))
    return view


TOS_ITEMS = (TosButton,)
