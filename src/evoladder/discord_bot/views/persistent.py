"""The pattern for persistent components: owner-only ``DynamicItem``s with one error boundary.

A concrete item subclasses ``Persistent`` and ``discord.ui.DynamicItem[...]`` with a ``template`` whose
groups include ``owner``; it implements ``from_custom_id`` (rebuild from the id) and ``act`` (do the
work). ``Persistent`` checks the owner, resolves the player and language, and routes every failure to
``errors.handle_error``.
"""

from __future__ import annotations

from typing import Any

import discord

from evoladder.discord_bot.errors import NotOwner, handle_error
from evoladder.discord_bot.gates import bot_of, identify
from evoladder.discord_bot.texts import Texts, texts_for
from evoladder.domain.player import Player

PREFIX = "evo"


def custom_id(feature: str, action: str, owner: int, *args: object) -> str:
    """``evo:<feature>:<action>:<owner>[:<arg>...]``; Discord allows 100 characters."""
    value = ":".join([PREFIX, feature, action, str(owner), *(str(a) for a in args)])
    if len(value) > 100:
        raise ValueError(f"custom_id too long: {value!r}")
    return value


class Persistent:
    """Mixin for ``DynamicItem`` subclasses; put it first in the bases."""

    owner: int
    needs_tos: bool = True
    """The gates a press must pass (as for slash commands); a ban is always refused."""
    needs_setup: bool = False

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner:
            player = None
            try:
                player, tx = await identify(interaction)
            except Exception:
                tx = texts_for(bot_of(interaction).catalogs, interaction, player)
            await handle_error(interaction, NotOwner(), tx)
            return False
        return True

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        tx: Texts | None = None
        try:
            player, tx = await identify(interaction)
            bot_of(interaction).ladder.players.require_access(player, tos=self.needs_tos, setup=self.needs_setup)
            await self.act(interaction, player, tx)
        except Exception as exc:  # the one boundary for components: localized answer, logged
            await handle_error(interaction, exc, tx or texts_for(bot_of(interaction).catalogs, interaction, None))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        raise NotImplementedError
