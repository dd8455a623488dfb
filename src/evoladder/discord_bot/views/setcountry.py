"""/setcountry's Confirm / Cancel: the chosen code travels in the custom_id, so no state is kept."""

from __future__ import annotations

import re
from typing import Any

import discord

from evoladder.discord_bot.gates import bot_of
from evoladder.discord_bot.presenters import onboarding as present
from evoladder.discord_bot.respond import replace
from evoladder.discord_bot.texts import Texts
from evoladder.discord_bot.views.persistent import Persistent, custom_id
from evoladder.domain.ids import CountryCode
from evoladder.domain.player import Player


class SetCountryButton(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"evo:setcountry:(?P<action>confirm|cancel):(?P<owner>\d+):(?P<code>[A-Z]{2})",
):
    def __init__(self, action: str, owner: int, code: str, label: str = "") -> None:
        style = discord.ButtonStyle.success if action == "confirm" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=label or action, style=style, custom_id=custom_id("setcountry", action, owner, code)
            )
        )
        self.action = action
        self.owner = owner
        self.code = code

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SetCountryButton:
        return cls(match["action"], int(match["owner"]), match["code"])

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        if self.action == "cancel":
            await replace(interaction, tx("setcountry.cancelled"))
            return
        bot = bot_of(interaction)
        await interaction.response.defer()
        updated = await bot.ladder.players.set_country(player.id, self.code)
        country = bot.ladder.pack.country(CountryCode(updated.country or self.code))
        await replace(
            interaction,
            tx("setcountry.done", flag=bot.emotes.flag(country.code), country=present.country_label(tx, country)),
        )


def confirm_view(tx: Texts, owner: int, code: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SetCountryButton("confirm", owner, code, tx("button.confirm")))
    view.add_item(SetCountryButton("cancel", owner, code, tx("button.cancel")))
    return view


SETCOUNTRY_ITEMS = (SetCountryButton,)
