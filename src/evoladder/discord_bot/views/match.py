"""Match card buttons: Confirm, Abort (two clicks), and the Shield Battery "I understand".

All are persistent ``DynamicItem``s whose custom_id carries the match id, so after a restart a press
acts on the stored match. The buttons only call the match service; the card itself is re-rendered
from the stored match by ``match_messages`` when the service publishes the change.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from evoladder.discord_bot import match_messages
from evoladder.discord_bot.gates import bot_of
from evoladder.discord_bot.texts import Texts
from evoladder.discord_bot.views.persistent import Persistent, custom_id
from evoladder.domain.errors import AbortLimitReached, IllegalTransition
from evoladder.domain.match import AlreadyApplied
from evoladder.domain.player import Player

FEATURE = "match"


def found_view(tx: Texts, owner: int, match_id: int, *, confirmed: bool, aborts_left: int) -> discord.ui.View:
    """Confirm, and Abort with the aborts left this month (disabled at 0 or once confirmed)."""
    view = discord.ui.View(timeout=None)
    confirm = MatchButton("confirm", owner, match_id, tx("match.button.confirm"), discord.ButtonStyle.success)
    confirm.item.disabled = confirmed
    abort = MatchButton(
        "abort", owner, match_id, tx("match.button.abort", left=aborts_left), discord.ButtonStyle.danger
    )
    abort.item.disabled = confirmed or aborts_left <= 0
    view.add_item(confirm)
    view.add_item(abort)
    return view


def abort_check_view(tx: Texts, owner: int, match_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(MatchButton("abort_yes", owner, match_id, tx("match.button.abort_yes"), discord.ButtonStyle.danger))
    view.add_item(MatchButton("abort_no", owner, match_id, tx("match.button.abort_no"), discord.ButtonStyle.secondary))
    return view


class MatchButton(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"evo:match:(?P<action>confirm|abort|abort_yes|abort_no):(?P<owner>\d+):(?P<match>\d+)",
):
    needs_tos = False  # a player in a match may always answer it (a ban is still refused)

    def __init__(
        self, action: str, owner: int, match_id: int, label: str = "", style: discord.ButtonStyle | None = None
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=style or discord.ButtonStyle.secondary,
                custom_id=custom_id(FEATURE, action, owner, match_id),
            )
        )
        self.action = action
        self.owner = owner
        self.match_id = match_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MatchButton:
        return cls(match["action"], int(match["owner"]), int(match["match"]))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        bot = bot_of(interaction)
        match_messages.remember_locale(bot, interaction)
        if self.action == "abort":
            left = (await bot.ladder.players.profile(player.id)).aborts_left
            await interaction.response.edit_message(
                content=tx("match.abort.sure", id=self.match_id, left=left),
                view=abort_check_view(tx, self.owner, self.match_id),
            )
            return
        await interaction.response.defer()
        try:
            if self.action == "confirm":
                await bot.ladder.matches.confirm(self.match_id, player.id)
            elif self.action == "abort_yes":
                await bot.ladder.matches.abort(self.match_id, player.id)
            else:  # abort_no: back to the card as stored
                await match_messages.refresh(bot, self.match_id)
        except AlreadyApplied:
            await match_messages.refresh(bot, self.match_id)
        except AbortLimitReached:
            await interaction.followup.send(tx("match.abort.none_left"), ephemeral=True)
            await match_messages.refresh(bot, self.match_id)
        except IllegalTransition:
            await interaction.followup.send(tx("match.too_late", id=self.match_id), ephemeral=True)
            await match_messages.refresh(bot, self.match_id)


class ShieldButton(
    Persistent, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"evo:match:shield:(?P<owner>\d+)"
):
    """ "I understand" under the one-time BW Shield Battery notice; the acknowledgement is stored."""

    needs_tos = False

    def __init__(self, owner: int, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or "OK", style=discord.ButtonStyle.primary, custom_id=custom_id(FEATURE, "shield", owner)
            )
        )
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ShieldButton:
        return cls(int(match["owner"]))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        await interaction.response.defer()
        await bot_of(interaction).ladder.players.acknowledge(player.id, "shield_battery")
        await interaction.edit_original_response(
            content=tx("match.shield.body") + "\n\n" + tx("match.shield.thanks"), view=None
        )


def shield_view(tx: Texts, owner: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ShieldButton(owner, tx("match.shield.button")))
    return view


MATCH_ITEMS = (MatchButton, ShieldButton)
