"""The /setup flow: modal -> (invalid field: Try again / Cancel) -> country -> region -> preview -> Confirm.

Every component is a persistent ``DynamicItem``; the collected values live in the bot's ``FlowStore``
under ``"setup"``. After a restart, Try again and Restart re-open the form from the stored profile, and
a country/region/Confirm press answers "start again with /setup".
"""

from __future__ import annotations

import re
from dataclasses import replace as dc_replace
from typing import Any

import discord

from evoladder.discord_bot.errors import Expired, handle_error
from evoladder.discord_bot.gates import bot_of, identify
from evoladder.discord_bot.presenters import onboarding as present
from evoladder.discord_bot.presenters.onboarding import SetupDraft
from evoladder.discord_bot.respond import replace, reply
from evoladder.discord_bot.texts import Texts
from evoladder.discord_bot.views.persistent import Persistent, custom_id
from evoladder.domain.player import Player
from evoladder.domain.profile import name_problems
from evoladder.services.players import SetupInput

FLOW = "setup"
OTHER = "ZZ"


def draft_from(player: Player) -> SetupDraft:
    alts = (*player.alt_names, "", "")
    return SetupDraft(
        player.in_game_name or "", player.battletag or "", alts[0], alts[1], player.country, player.region
    )


class SetupModal(discord.ui.Modal):
    """Names and BattleTag, pre-filled with the draft (what was typed) or the stored profile."""

    def __init__(self, tx: Texts, owner: int, draft: SetupDraft) -> None:
        super().__init__(title=tx("setup.modal.title"), timeout=15 * 60, custom_id=custom_id(FLOW, "modal", owner))
        self.owner = owner
        self.base = draft
        self.inputs: dict[str, discord.ui.TextInput[Any]] = {}
        specs = (
            ("in_game_name", "setup.field.in_game_name.placeholder", True, 12),
            ("battletag", "setup.field.battletag.placeholder", True, 32),
            ("alt_name_1", "setup.field.alt.placeholder", False, 12),
            ("alt_name_2", "setup.field.alt.placeholder", False, 12),
        )
        for name, placeholder, required, max_length in specs:
            field: discord.ui.TextInput[Any] = discord.ui.TextInput(
                label=tx(f"setup.field.{name}"),
                placeholder=tx(placeholder),
                default=getattr(draft, name) or None,
                required=required,
                max_length=max_length + 20,  # accept a bit more so the rule, not Discord, explains the limit
                custom_id=f"{name}",
            )
            self.inputs[name] = field
            self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        player, tx = await identify(interaction)
        bot = bot_of(interaction)
        bot.ladder.players.require_access(player, tos=True)
        draft = dc_replace(self.base, **{name: field.value.strip() for name, field in self.inputs.items()})
        bot.flows.put(FLOW, self.owner, draft)
        problems = name_problems(draft.in_game_name, draft.battletag, draft.alt_names)
        if problems:
            for problem in problems:  # one message per invalid field, each with Try again / Cancel
                await reply(interaction, present.invalid_field(tx, problem), view=retry_view(tx, self.owner))
            return
        await show_country_step(interaction, tx, self.owner)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        _, tx = await identify(interaction)
        await handle_error(interaction, error, tx)


def retry_view(tx: Texts, owner: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SetupButton("retry", owner, tx("button.try_again"), discord.ButtonStyle.primary))
    view.add_item(SetupButton("cancel", owner, tx("button.cancel"), discord.ButtonStyle.secondary))
    return view


async def show_country_step(interaction: discord.Interaction, tx: Texts, owner: int) -> None:
    pack = bot_of(interaction).ladder.pack
    pages = present.country_pages(tx, pack.common_countries, pack.country(OTHER))  # type: ignore[arg-type]
    view = discord.ui.View(timeout=None)
    for number, options in enumerate(pages):
        placeholder = tx("setup.country.placeholder", first=options[0][0], last=options[-1][0])
        view.add_item(CountrySelect(owner, number, placeholder, options))
    content = tx("setup.country.prompt", command=tx.command("setcountry"))
    if interaction.response.is_done():
        await reply(interaction, content, view=view)
    else:
        await interaction.response.send_message(content, view=view)


class SetupButton(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"evo:setup:(?P<action>retry|cancel|confirm|restart):(?P<owner>\d+)",
):
    def __init__(self, action: str, owner: int, label: str = "", style: discord.ButtonStyle | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=style or discord.ButtonStyle.secondary,
                custom_id=custom_id(FLOW, action, owner),
            )
        )
        self.action = action
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SetupButton:
        return cls(match["action"], int(match["owner"]))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        bot = bot_of(interaction)
        if self.action in {"retry", "restart"}:
            draft = bot.flows.get(FLOW, self.owner) or draft_from(player)
            await interaction.response.send_modal(SetupModal(tx, self.owner, draft))
            return
        if self.action == "cancel":
            bot.flows.pop(FLOW, self.owner)
            await replace(interaction, tx("setup.cancelled"))
            return
        draft = bot.flows.get(FLOW, self.owner)
        if draft is None or draft.country is None or draft.region is None:
            raise Expired("setup")
        await interaction.response.defer()
        data = SetupInput(
            draft.in_game_name, draft.battletag, draft.country, draft.region, draft.alt_names, language=None
        )
        await bot.ladder.players.complete_setup(player.id, data)
        bot.flows.pop(FLOW, self.owner)
        await replace(interaction, tx("setup.done", command=tx.command("help")))


class CountrySelect(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"evo:setup:country:(?P<owner>\d+):(?P<page>\d)",
):
    def __init__(
        self, owner: int, page: int, placeholder: str = "", options: list[tuple[str, str]] | None = None
    ) -> None:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=custom_id(FLOW, "country", owner, page), placeholder=placeholder or None
        )
        for label, code in options or []:
            select.add_option(label=label[:100], value=code)
        super().__init__(select)
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CountrySelect:
        return cls(int(match["owner"]), int(match["page"]))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        bot = bot_of(interaction)
        draft = bot.flows.get(FLOW, self.owner)
        if draft is None:
            raise Expired("setup")
        bot.flows.put(FLOW, self.owner, dc_replace(draft, country=self.item.values[0]))
        view = discord.ui.View(timeout=None)
        regions = [(present.region_label(tx, r), str(r.code)) for r in bot.ladder.pack.residential_regions]
        view.add_item(RegionSelect(self.owner, tx("setup.region.placeholder"), regions))
        await replace(interaction, tx("setup.region.prompt"), view=view)


class RegionSelect(
    Persistent, discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"evo:setup:region:(?P<owner>\d+)"
):
    def __init__(self, owner: int, placeholder: str = "", options: list[tuple[str, str]] | None = None) -> None:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=custom_id(FLOW, "region", owner), placeholder=placeholder or None
        )
        for label, code in options or []:
            select.add_option(label=label[:100], value=code)
        super().__init__(select)
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RegionSelect:
        return cls(int(match["owner"]))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        bot = bot_of(interaction)
        draft = bot.flows.get(FLOW, self.owner)
        if draft is None or draft.country is None:
            raise Expired("setup")
        draft = dc_replace(draft, region=self.item.values[0])
        bot.flows.put(FLOW, self.owner, draft)
        pack = bot.ladder.pack
        embed = present.setup_preview(
            tx,
            draft,
            pack.country(draft.country),
            pack.region(draft.region),
            bot.emotes,
        )
        view = discord.ui.View(timeout=None)
        view.add_item(SetupButton("confirm", self.owner, tx("button.confirm"), discord.ButtonStyle.success))
        view.add_item(SetupButton("restart", self.owner, tx("button.restart"), discord.ButtonStyle.primary))
        view.add_item(SetupButton("cancel", self.owner, tx("button.cancel"), discord.ButtonStyle.secondary))
        await replace(interaction, None, embed=embed, view=view)


SETUP_ITEMS = (SetupButton, CountrySelect, RegionSelect)
