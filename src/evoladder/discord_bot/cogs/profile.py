"""/profile: a player's identity, per-race standing and recent form, and (own profile) account status."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from evoladder.datapack.schema import Country, ResidentialRegion
from evoladder.discord_bot.bot import EvoBot
from evoladder.discord_bot.gates import checks, current
from evoladder.discord_bot.presenters import profile as present
from evoladder.discord_bot.texts import cmd_str, desc_str, param_str
from evoladder.domain.errors import NotFound
from evoladder.domain.ids import CountryCode, PlayerId, RegionCode


class Profile(commands.Cog):
    def __init__(self, bot: EvoBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=cmd_str("profile"), description=desc_str("profile", "Your ladder profile, or another player's")
    )
    @app_commands.rename(player=param_str("profile", "player", "name", "player"))
    @app_commands.describe(player=param_str("profile", "player", "description", "Another player to look up (optional)"))
    @checks(tos=True)
    async def profile(self, interaction: discord.Interaction, player: discord.User | None = None) -> None:
        caller, tx = current(interaction)
        target = player.id if player is not None else caller.id
        own = target == caller.id
        try:
            prof = await self.bot.ladder.profiles.profile(PlayerId(target))
        except NotFound:
            name = discord.utils.escape_markdown(player.name if player is not None else str(target))
            await interaction.response.send_message(tx("profile.not_found", name=name), ephemeral=True)
            return
        pack = self.bot.ladder.pack
        embed = present.profile_embed(
            tx,
            prof,
            own=own,
            races=pack.races,
            country=self._country(prof.player.country),
            region=self._region(prof.player.region),
            emotes=self.bot.emotes,
            url=present.web_url(self.bot.settings.web_base_url, self.bot.ladder.public_ids.encode(target)),
        )
        view = discord.utils.MISSING
        if embed.url:
            view = discord.ui.View(timeout=None)
            view.add_item(discord.ui.Button(label=tx("profile.web"), url=embed.url, style=discord.ButtonStyle.link))
        await interaction.response.send_message(embed=embed, view=view)

    def _country(self, code: CountryCode | None) -> Country | None:
        try:
            return self.bot.ladder.pack.country(code) if code else None
        except KeyError:
            return None

    def _region(self, code: RegionCode | None) -> ResidentialRegion | None:
        try:
            return self.bot.ladder.pack.region(code) if code else None
        except KeyError:
            return None


async def setup(bot: EvoBot) -> None:
    await bot.add_cog(Profile(bot))
