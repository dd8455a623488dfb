"""Manual result reporting: a result select, then Confirm / Back. Persistent and stateless.

Every id the step needs is in the ``custom_id`` (``evo:report:pick:<owner>:<match>``,
``evo:report:confirm:<owner>:<match>:<outcome>``, ``evo:report:back:<owner>:<match>``), so the
controls work after a restart and always act on the stored match. Reporting unlocks once the
player's own replay is verified: the service (``ReplayService.require_verified_replay``) is asked on
every press, so a stale or forged control cannot report early. The report itself is
``MatchService.report``; the opponent is told in their DM.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from evoladder.discord_bot import match_messages
from evoladder.discord_bot.gates import bot_of
from evoladder.discord_bot.presenters import replays as present
from evoladder.discord_bot.respond import replace, reply
from evoladder.discord_bot.texts import Texts
from evoladder.discord_bot.views.persistent import Persistent, custom_id
from evoladder.domain.errors import Forbidden, IllegalTransition
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import AlreadyApplied, Match
from evoladder.domain.player import Player
from evoladder.domain.rating import Outcome

if TYPE_CHECKING:
    from evoladder.discord_bot.bot import EvoBot

FEATURE = "report"


def texts_for_player(bot: EvoBot, player: Player) -> Texts:
    """The player's language for a DM they did not ask in (an upload, a notice): stored preference,
    else the client language last seen (kept by the match cog, ``match_messages``), else English."""
    return match_messages.texts_for_id(bot, int(player.id))


async def sides_of(bot: EvoBot, match: Match) -> tuple[present.MatchSide, present.MatchSide]:
    players = bot.ladder.players
    first, second = await players.get(match.player1), await players.get(match.player2)
    return present.MatchSide(first.display_name), present.MatchSide(second.display_name)


def report_view(tx: Texts, owner: int, match_id: int, sides: tuple[present.MatchSide, present.MatchSide]) -> Any:
    view = discord.ui.View(timeout=None)
    view.add_item(ReportSelect(owner, match_id, tx("report.placeholder"), present.report_options(tx, sides)))
    return view


class ReportSelect(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"evo:report:pick:(?P<owner>\d+):(?P<match>\d+)",
):
    """Choose the result; the answer replaces the select with a confirmation."""

    def __init__(
        self, owner: int, match_id: int, placeholder: str = "", options: list[tuple[str, str]] | None = None
    ) -> None:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=custom_id(FEATURE, "pick", owner, match_id), placeholder=placeholder or None
        )
        for label, value in options or []:
            select.add_option(label=label[:100], value=value)
        super().__init__(select)
        self.owner = owner
        self.match_id = match_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReportSelect:
        return cls(int(match["owner"]), int(match["match"]))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        bot = bot_of(interaction)
        if not await _unlocked(interaction, tx, self.match_id, player):
            return
        outcome = Outcome(int(self.item.values[0]))
        sides = await sides_of(bot, await bot.ladder.matches.get(self.match_id))
        result = present.outcome_label(tx, outcome, sides)
        view = discord.ui.View(timeout=None)
        view.add_item(ReportButton("confirm", self.owner, self.match_id, int(outcome), tx("button.confirm")))
        view.add_item(ReportButton("back", self.owner, self.match_id, None, tx("report.back")))
        await replace(interaction, present.report_confirm(tx, self.match_id, result), view=view)


class ReportButton(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"evo:report:(?P<action>confirm|back):(?P<owner>\d+):(?P<match>\d+)(?::(?P<outcome>[012]))?",
):
    """Confirm sends the report; Back shows the result select again."""

    def __init__(self, action: str, owner: int, match_id: int, outcome: int | None, label: str = "") -> None:
        args: list[object] = [match_id] if outcome is None else [match_id, outcome]
        style = discord.ButtonStyle.success if action == "confirm" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(label=label or action, style=style, custom_id=custom_id(FEATURE, action, owner, *args))
        )
        self.action = action
        self.owner = owner
        self.match_id = match_id
        self.outcome = outcome

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReportButton:
        outcome = match["outcome"]
        return cls(match["action"], int(match["owner"]), int(match["match"]), None if outcome is None else int(outcome))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        bot = bot_of(interaction)
        if self.action == "back":
            sides = await sides_of(bot, await bot.ladder.matches.get(self.match_id))
            view = report_view(tx, self.owner, self.match_id, sides)
            await replace(interaction, present.report_prompt(tx, self.match_id), view=view)
            return
        await interaction.response.defer()  # a database write follows
        if not await _unlocked(interaction, tx, self.match_id, player):
            return
        assert self.outcome is not None
        try:
            match = await bot.ladder.matches.report(self.match_id, player.id, self.outcome)
        except AlreadyApplied:
            await replace(interaction, tx("report.already", match=self.match_id))
            return
        except IllegalTransition as exc:
            key = "report.closed" if "state" in exc.params else "report.different"
            await replace(interaction, tx(key, match=self.match_id))
            return
        sides = await sides_of(bot, match)
        result = present.outcome_label(tx, self.outcome, sides)
        await replace(interaction, present.report_done(tx, self.match_id, result))
        await notify_opponent(bot, match, player, self.outcome, sides)


async def _unlocked(interaction: discord.Interaction, tx: Texts, match_id: int, player: Player) -> bool:
    """Ask the service; a locked report gets its reason, the controls stay for later."""
    try:
        await bot_of(interaction).ladder.replays.require_verified_replay(match_id, player.id)
    except Forbidden:
        await reply(interaction, tx("report.locked", match=match_id), ephemeral=True)
        return False
    return True


async def notify_opponent(
    bot: EvoBot, match: Match, reporter: Player, outcome: int, sides: tuple[present.MatchSide, present.MatchSide]
) -> None:
    """Tell the other player what was reported (in their language); an undeliverable DM is recorded."""
    opponent = await bot.ladder.players.get(PlayerId(match.opponent_of(reporter.id)))
    otx = texts_for_player(bot, opponent)
    text = present.opponent_notice(otx, match.id, reporter.display_name, present.outcome_label(otx, outcome, sides))
    await bot.send_dm(int(opponent.id), purpose="report_notice", match_id=int(match.id), content=text)


REPORT_ITEMS = (ReportSelect, ReportButton)
