"""/help: the path from the Terms to the first match, and every registered command."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from evoladder.discord_bot.bot import EvoBot
from evoladder.discord_bot.gates import checks, current
from evoladder.discord_bot.presenters import onboarding as present
from evoladder.discord_bot.texts import cmd_str, desc_str


class Help(commands.Cog):
    def __init__(self, bot: EvoBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=cmd_str("help"),
        description=desc_str("help", "How to get from the Terms to your first match, and every command"),
    )
    @checks(tos=False)
    async def help(self, interaction: discord.Interaction) -> None:
        _, tx = current(interaction)
        listed = []
        for command in sorted(self.bot.tree.get_commands(), key=lambda c: c.name):
            key = f"cmd.{command.name}.description"
            listed.append((command.name, tx(key) if tx.has(key) else getattr(command, "description", "")))
        await interaction.response.send_message(embed=present.help_embed(tx, listed))


async def setup(bot: EvoBot) -> None:
    await bot.add_cog(Help(bot))
