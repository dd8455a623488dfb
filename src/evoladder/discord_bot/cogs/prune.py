"""/prune: delete the bot's own DM messages older than 3 hours, after a confirmation with the count.

What is protected (active match and queue messages) and the Delete / Cancel buttons are in
``views.prune``; this cog counts and previews.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from evoladder.discord_bot.bot import EvoBot
from evoladder.discord_bot.gates import checks, current
from evoladder.discord_bot.presenters import replays as present
from evoladder.discord_bot.respond import replace
from evoladder.discord_bot.texts import cmd_str, desc_str
from evoladder.discord_bot.views.prune import PRUNE_AGE, prune_view, scan


class Prune(commands.Cog):
    def __init__(self, bot: EvoBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=cmd_str("prune"),
        description=desc_str("prune", "Delete my messages older than 3 hours from our DM"),
    )
    @checks(tos=True)
    async def prune(self, interaction: discord.Interaction) -> None:
        player, tx = current(interaction)
        await interaction.response.defer()  # reading the DM history takes round trips
        cutoff = self.bot.ladder.ctx.clock.now() - PRUNE_AGE
        deletable, kept = await scan(self.bot, player, cutoff)
        hours = int(PRUNE_AGE.total_seconds() // 3600)
        if not deletable:
            await replace(interaction, present.prune_nothing(tx, kept, hours))
            return
        text = present.prune_preview(tx, len(deletable), kept, hours)
        await replace(interaction, text, view=prune_view(tx, player.id, int(cutoff.timestamp())))


async def setup(bot: EvoBot) -> None:
    await bot.add_cog(Prune(bot))
