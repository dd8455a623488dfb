"""The live /leaderboard view: filters and pages held in memory, one live view per user.

Why not persistent: the filters (up to 50 countries) do not fit a 100-character custom_id, and a
leaderboard is a read that is cheap to open again. So the view lives in memory with an idle timeout;
when it times out, or the user opens a newer one, its message loses its components. A press on a
leaderboard that is no longer live (a race with the timeout, or any press after a restart) is
answered by ``StaleBoard``, a registered ``DynamicItem`` matching every leaderboard custom_id: it
stays silent while the view is live (the view answers) and otherwise says "use /leaderboard again".
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord

from evoladder.discord_bot.errors import NotOwner, handle_error
from evoladder.discord_bot.gates import bot_of, identify
from evoladder.discord_bot.presenters import leaderboard as present
from evoladder.discord_bot.presenters.leaderboard import BoardState
from evoladder.discord_bot.presenters.onboarding import country_pages
from evoladder.discord_bot.texts import Texts, texts_for
from evoladder.discord_bot.views.persistent import custom_id

if TYPE_CHECKING:
    from evoladder.discord_bot.bot import EvoBot

log = logging.getLogger(__name__)

FEATURE = "lb"
OTHER = "ZZ"
TIMEOUT_S = 10 * 60.0
"""Idle time after which a leaderboard's components are removed (each press restarts it)."""
COG = "Leaderboard"
MAX_COUNTRY_SELECTS = 2
"""Rows: races, two country selects, pages, buttons: Discord's five action rows."""


class LiveBoards:
    """Each user's one live leaderboard view (owned by the cog)."""

    def __init__(self) -> None:
        self.views: dict[int, LeaderboardView] = {}

    def is_live(self, owner: int, session: str) -> bool:
        view = self.views.get(owner)
        return view is not None and view.session == session and not view.is_finished()

    async def replace(self, view: LeaderboardView) -> None:
        """Make ``view`` the owner's live one and retire the previous one (its message loses its components)."""
        old = self.views.get(view.owner)
        self.views[view.owner] = view
        if old is not None and old is not view:
            old.stop()
            await old.remove_components()

    def forget(self, view: LeaderboardView) -> None:
        if self.views.get(view.owner) is view:
            del self.views[view.owner]


def live_boards(bot: EvoBot) -> LiveBoards:
    live = getattr(bot.get_cog(COG), "live", None)
    if not isinstance(live, LiveBoards):
        raise RuntimeError("the leaderboard cog is not loaded")
    return live


def country_values(bot: EvoBot, selected: frozenset[str]) -> list[str]:
    """The country codes a selection stands for: "Other" is every country outside the common list.

    Only codes present among ranked entries are expanded (``filter_values``), so the filter stays small.
    """
    codes = {c for c in selected if c != OTHER}
    if OTHER in selected:
        common = {str(c.code) for c in bot.ladder.pack.common_countries}
        present_codes = {str(c) for c in bot.ladder.leaderboard.filter_values().countries}
        codes |= {c for c in present_codes if c not in common} | {OTHER}
    return sorted(codes)


class LeaderboardView(discord.ui.View):
    """One user's leaderboard message: race and country selects, rank / best-race / clear, pages."""

    def __init__(self, bot: EvoBot, tx: Texts, owner: int, state: BoardState | None = None) -> None:
        super().__init__(timeout=TIMEOUT_S)
        self.bot = bot
        self.tx = tx
        self.owner = owner
        self.session = secrets.token_hex(4)
        self.state = state or BoardState()
        self.channel_id: int | None = None
        self.message_id: int | None = None
        pack = bot.ladder.pack
        self.races = pack.races
        self.race_select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=self._cid("races"), min_values=0, max_values=len(self.races), row=0
        )
        self.race_select.callback = self._on_races  # type: ignore[method-assign]
        self.add_item(self.race_select)
        pages = country_pages(tx, pack.common_countries, pack.country(OTHER))  # type: ignore[arg-type]
        self.country_selects: list[discord.ui.Select[Any]] = []
        for number, options in enumerate(pages[:MAX_COUNTRY_SELECTS]):
            select: discord.ui.Select[Any] = discord.ui.Select(
                custom_id=self._cid(f"country{number}"),
                placeholder=tx("leaderboard.placeholder.countries", first=options[0][0], last=options[-1][0])[:150],
                min_values=0,
                max_values=len(options),
                options=[discord.SelectOption(label=label[:100], value=code) for label, code in options],
                row=1 + number,
            )
            select.callback = self._country_callback(select)  # type: ignore[method-assign]
            self.country_selects.append(select)
            self.add_item(select)
        self.page_select: discord.ui.Select[Any] = discord.ui.Select(custom_id=self._cid("page"), row=3)
        self.page_select.callback = self._on_page  # type: ignore[method-assign]
        self.add_item(self.page_select)
        self.buttons: dict[str, discord.ui.Button[Any]] = {}
        for action in ("prev", "next", "rank", "best", "clear"):
            button: discord.ui.Button[Any] = discord.ui.Button(custom_id=self._cid(action), row=4)
            button.callback = self._button_callback(action)  # type: ignore[method-assign]
            self.buttons[action] = button
            self.add_item(button)

    def _cid(self, action: str) -> str:
        return custom_id(FEATURE, action, self.owner, self.session)

    # ------------------------------------------------------------------ rendering
    def render(self, notice: str = "") -> discord.Embed:
        """Query the page for the current state, clamp the page, refresh every control; return the embed."""
        board = self.bot.ladder.leaderboard
        countries = country_values(self.bot, self.state.countries)
        page = board.page(
            races=sorted(self.state.races),
            countries=countries,
            letters=[self.state.letter] if self.state.letter else [],
            best_race_only=self.state.best_race,
            page=self.state.page,
        )
        if page.page > page.total_pages:  # the board shrank under us: show its last page
            self.state = replace(self.state, page=page.total_pages)
            return self.render(notice)
        self._refresh_controls(page.page, page.total_pages)
        return present.board_embed(self.tx, page, self.state, self.races, self.bot.emotes, notice=notice)

    def _refresh_controls(self, page: int, total: int) -> None:
        tx, state = self.tx, self.state
        self.race_select.options = [
            discord.SelectOption(
                label=present.race_label(tx, r),
                value=str(r.code),
                emoji=_emoji(self.bot.emotes.race(r.code)),
                default=str(r.code) in state.races,
            )
            for r in self.races
        ]
        self.race_select.placeholder = tx("leaderboard.placeholder.races")
        for select in self.country_selects:
            for option in select.options:
                option.default = option.value in state.countries
        self.page_select.options = [
            discord.SelectOption(label=tx("leaderboard.page_option", page=n), value=str(n), default=n == page)
            for n in present.page_window(page, total)
        ]
        self.page_select.placeholder = tx("leaderboard.placeholder.page")
        self.page_select.disabled = total <= 1
        b = self.buttons
        b["prev"].label, b["prev"].disabled = tx("leaderboard.button.previous"), page <= 1
        b["next"].label, b["next"].disabled = tx("leaderboard.button.next"), page >= total
        b["rank"].label = present.rank_label(tx, state.letter)
        b["rank"].style = discord.ButtonStyle.primary if state.letter else discord.ButtonStyle.secondary
        b["best"].label = present.best_label(tx, state.best_race)
        b["best"].style = discord.ButtonStyle.primary if state.best_race else discord.ButtonStyle.secondary
        b["clear"].label, b["clear"].disabled = tx("leaderboard.button.clear"), not state.filtered
        b["clear"].style = discord.ButtonStyle.danger

    async def show(self, interaction: discord.Interaction, state: BoardState) -> None:
        """Apply ``state`` and redraw this message (a memory read: answered directly, no defer)."""
        self.state = state
        await interaction.response.edit_message(embed=self.render(), view=self)

    # ------------------------------------------------------------------ callbacks
    async def _on_races(self, interaction: discord.Interaction) -> None:
        await self.show(interaction, replace(self.state, races=frozenset(self.race_select.values), page=1))

    def _country_callback(self, select: discord.ui.Select[Any]) -> Any:
        async def callback(interaction: discord.Interaction) -> None:
            mine = {o.value for o in select.options}
            kept = self.state.countries - mine
            await self.show(interaction, replace(self.state, countries=kept | frozenset(select.values), page=1))

        return callback

    async def _on_page(self, interaction: discord.Interaction) -> None:
        await self.show(interaction, replace(self.state, page=int(self.page_select.values[0])))

    def _button_callback(self, action: str) -> Any:
        async def callback(interaction: discord.Interaction) -> None:
            s = self.state
            changed = {
                "prev": lambda: replace(s, page=max(1, s.page - 1)),
                "next": lambda: replace(s, page=s.page + 1),
                "rank": lambda: replace(s, letter=present.next_letter(s.letter), page=1),
                "best": lambda: replace(s, best_race=not s.best_race, page=1),
                "clear": lambda: BoardState(),
            }[action]()
            await self.show(interaction, changed)

        return callback

    # ------------------------------------------------------------------ lifecycle and errors
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Owner only, and the same gates as the command (a ban or a declined Terms ends browsing)."""
        player, tx = await identify(interaction)
        try:
            if interaction.user.id != self.owner:
                raise NotOwner()
            self.bot.ladder.players.require_access(player, tos=True)
        except Exception as exc:
            await handle_error(interaction, exc, tx)
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        await handle_error(interaction, error, self.tx)

    async def on_timeout(self) -> None:
        live_boards(self.bot).forget(self)
        await self.remove_components()

    async def remove_components(self) -> None:
        """Edit this view's message (a DM message the bot owns) to carry no components."""
        if self.channel_id is None or self.message_id is None:
            return
        message = self.bot.get_partial_messageable(self.channel_id).get_partial_message(self.message_id)
        try:
            await message.edit(view=None)
        except discord.HTTPException as exc:  # deleted meanwhile (e.g. /prune): nothing left to retire
            log.info("could not retire leaderboard message %s: %s", self.message_id, exc)


def _emoji(text: str) -> discord.PartialEmoji | None:
    """A select option's emoji from an emote string (custom ``<:n:id>`` or Unicode)."""
    return discord.PartialEmoji.from_str(text) if text else None


class StaleBoard(
    discord.ui.DynamicItem[discord.ui.Item[Any]],
    template=r"evo:lb:(?P<action>[a-z0-9]+):(?P<owner>\d+):(?P<session>[0-9a-f]+)",
):
    """Answers a press on a leaderboard that is no longer live; silent while the view is live."""

    def __init__(self, item: discord.ui.Item[Any], owner: int, session: str) -> None:
        super().__init__(item)
        self.owner = owner
        self.session = session

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StaleBoard:
        return cls(item, int(match["owner"]), match["session"])

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return not live_boards(bot_of(interaction)).is_live(self.owner, self.session)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        tx: Texts | None = None
        try:
            _, tx = await identify(interaction)
            text = tx("leaderboard.expired", command=tx.command("leaderboard"))
            await interaction.response.edit_message(content=text, view=None)
        except Exception as exc:
            await handle_error(interaction, exc, tx or texts_for(bot_of(interaction).catalogs, interaction, None))


LEADERBOARD_ITEMS = (StaleBoard,)
