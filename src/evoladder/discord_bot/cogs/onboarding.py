"""Onboarding: /termsofservice, /setup and /setcountry."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from evoladder.datapack.countries import fold
from evoladder.datapack.schema import Country
from evoladder.discord_bot.bot import EvoBot
from evoladder.discord_bot.gates import checks, current, identify
from evoladder.discord_bot.presenters import onboarding as present
from evoladder.discord_bot.texts import Texts, cmd_str, desc_str, param_str
from evoladder.discord_bot.views.setcountry import confirm_view
from evoladder.discord_bot.views.setup import SetupModal, draft_from
from evoladder.discord_bot.views.tos import tos_view

AUTOCOMPLETE_LIMIT = 25


class Onboarding(commands.Cog):
    def __init__(self, bot: EvoBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=cmd_str("termsofservice"),
        description=desc_str("termsofservice", "Read and accept the ladder's Terms of Service"),
    )
    @checks(tos=False)
    async def termsofservice(self, interaction: discord.Interaction) -> None:
        player, tx = current(interaction)
        embed = present.tos_embed(tx, self.bot.settings.discord_terms_url, player.tos_accepted)
        await interaction.response.send_message(embed=embed, view=tos_view(tx, player.id))

    @app_commands.command(
        name=cmd_str("setup"),
        description=desc_str("setup", "Set up your ladder profile: names, BattleTag, country and region"),
    )
    @checks(tos=True)
    async def setup(self, interaction: discord.Interaction) -> None:
        player, tx = current(interaction)
        await interaction.response.send_modal(SetupModal(tx, player.id, draft_from(player)))

    @app_commands.command(
        name=cmd_str("setcountry"), description=desc_str("setcountry", "Change the country you represent")
    )
    @app_commands.rename(country=param_str("setcountry", "country", "name", "country"))
    @app_commands.describe(
        country=param_str("setcountry", "country", "description", "Start typing, then pick your country")
    )
    @checks(tos=True)
    async def setcountry(self, interaction: discord.Interaction, country: str) -> None:
        player, tx = current(interaction)
        found = self.resolve_country(tx, country)
        if found is None:
            await interaction.response.send_message(tx("setcountry.unknown", text=country[:50]), ephemeral=True)
            return
        text = tx("setcountry.preview", flag=self.bot.emotes.flag(found.code), country=present.country_label(tx, found))
        await interaction.response.send_message(text, view=confirm_view(tx, player.id, found.code))

    @setcountry.autocomplete("country")
    async def country_autocomplete(self, interaction: discord.Interaction, text: str) -> list[app_commands.Choice[str]]:
        _, tx = await identify(interaction)
        return [
            app_commands.Choice(name=f"{present.country_label(tx, c)} ({c.code})"[:100], value=c.code)
            for c in self.search(tx, text)
        ]

    # ------------------------------------------------------------ country search (presentation only)
    def search(self, tx: Texts, text: str) -> list[Country]:
        """The pack's ranked search on English names and codes, then matches on names in the user's language."""
        pack = self.bot.ladder.pack
        found = list(pack.search_countries(text, AUTOCOMPLETE_LIMIT))
        query = fold(text)
        if query and len(found) < AUTOCOMPLETE_LIMIT:
            seen = {c.code for c in found}
            for c in pack.countries:
                if c.code not in seen and query in fold(present.country_label(tx, c)):
                    found.append(c)
                    if len(found) == AUTOCOMPLETE_LIMIT:
                        break
        return found

    def resolve_country(self, tx: Texts, text: str) -> Country | None:
        """A picked option is a code; typed text that was not picked resolves to the best match, if any."""
        cleaned = text.strip()
        if not cleaned:
            return None
        pack = self.bot.ladder.pack
        try:
            return pack.country(cleaned.upper())  # type: ignore[arg-type]
        except KeyError:
            pass
        matches = self.search(tx, cleaned)
        return matches[0] if matches else None


async def setup(bot: EvoBot) -> None:
    await bot.add_cog(Onboarding(bot))
