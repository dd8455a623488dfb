"""/leaderboard: the ranked board, 40 rows a page, with filters; one live board per user."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from evoladder.discord_bot.bot import EvoBot
from evoladder.discord_bot.gates import checks, current
from evoladder.discord_bot.texts import cmd_str, desc_str
from evoladder.discord_bot.views.leaderboard import COG, Board, LiveBoards, render


class Leaderboard(commands.Cog, name=COG):
    def __init__(self, bot: EvoBot) -> None:
        self.bot = bot
        self.live = LiveBoards(bot)

    @app_commands.command(
        name=cmd_str("leaderboard"),
        description=desc_str("leaderboard", "The ranked leaderboard, with race, country and rank filters"),
    )
    @checks(tos=True)
    async def leaderboard(self, interaction: discord.Interaction) -> None:
        player, tx = current(interaction)
        board = Board(player.id)
        embed, view = render(self.bot, tx, board)
        response = await interaction.response.send_message(embed=embed, view=view)
        board.channel_id = interaction.channel_id
        board.message_id = response.message_id
        await self.live.replace(board)

    async def cog_unload(self) -> None:
        self.live.close()


async def setup(bot: EvoBot) -> None:
    await bot.add_cog(Leaderboard(bot))
