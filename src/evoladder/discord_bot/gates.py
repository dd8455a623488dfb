"""The common path of every player command and component: who is this, and may they do it?

``player_command(tos=..., setup=...)`` is a check on a slash command. In order it: gets or creates the
caller's player (refreshing their Discord username), refuses server channels (DM only), then asks
``PlayerService.require_access`` (ban, Terms, setup). The player is left in ``interaction.extras`` for
the command body; the refusal is a typed error that ``errors.handle_error`` localizes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from evoladder.discord_bot.errors import NotInDM, Refused
from evoladder.discord_bot.texts import Texts, texts_for
from evoladder.domain.errors import LadderError
from evoladder.domain.player import Player

if TYPE_CHECKING:
    from evoladder.discord_bot.bot import EvoBot

T = TypeVar("T")
PLAYER = "player"
TEXTS = "texts"


def bot_of(interaction: discord.Interaction) -> EvoBot:
    return interaction.client  # type: ignore[return-value]


async def identify(interaction: discord.Interaction) -> tuple[Player, Texts]:
    """Get or create the caller's player (username refreshed) and their language; cached on the interaction."""
    if PLAYER in interaction.extras:
        return interaction.extras[PLAYER], interaction.extras[TEXTS]
    bot = bot_of(interaction)
    bot.track_current_task()
    player = await bot.ladder.players.ensure(interaction.user.id, interaction.user.name)
    tx = texts_for(bot.catalogs, interaction, player)
    interaction.extras[PLAYER] = player
    interaction.extras[TEXTS] = tx
    return player, tx


def current(interaction: discord.Interaction) -> tuple[Player, Texts]:
    """The player and texts a gate already resolved for this interaction."""
    return interaction.extras[PLAYER], interaction.extras[TEXTS]


def require(interaction: discord.Interaction, player: Player, *, tos: bool, setup: bool) -> None:
    """``PlayerService.require_access`` with its typed error wrapped for discord.py's check machinery."""
    try:
        bot_of(interaction).ladder.players.require_access(player, tos=tos, setup=setup)
    except LadderError as exc:
        raise Refused(exc) from exc


def player_command(*, tos: bool = True, setup: bool = False) -> Callable[[T], T]:
    """Check for a DM-only player command; ``tos``/``setup`` say which gates it needs."""

    async def predicate(interaction: discord.Interaction) -> bool:
        player, _ = await identify(interaction)
        if interaction.guild_id is not None:
            name = interaction.command.name if interaction.command else "help"
            raise NotInDM(name)
        require(interaction, player, tos=tos, setup=setup)
        return True

    return app_commands.check(predicate)


def command_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown | None:
    """Per-user cooldown of one command, from settings (``None``: off)."""
    seconds = bot_of(interaction).settings.discord_command_cooldown_s
    return app_commands.Cooldown(1, seconds) if seconds > 0 else None


def cooldown() -> Callable[[T], T]:
    """Per-user command cooldown (``EVOLADDER_DISCORD_COMMAND_COOLDOWN_S``); a repeat gets "try again in N s"."""
    return app_commands.checks.dynamic_cooldown(command_cooldown, key=lambda i: i.user.id)


def checks(*, tos: bool = True, setup: bool = False) -> Callable[[Any], Any]:
    """Cooldown, then the player gates: the decorator every player command wears."""

    def apply(func: Any) -> Any:
        return cooldown()(player_command(tos=tos, setup=setup)(func))

    return apply
