"""The live /leaderboard: filters and pages held in memory, one live board per user.

Why not persistent: the filters (up to 50 countries) do not fit a 100-character custom_id, and a
leaderboard is a read that is cheap to open again. So each user's board state lives in memory
(``LiveBoards``: a small ``Board`` record, not a ``discord.ui.View``) with an idle timeout; when it
times out, or the user opens a newer one, its message loses its components.

Every control is a ``BoardControl``, a registered ``DynamicItem`` matching every leaderboard
custom_id, so discord.py keeps nothing per message: a sent view made only of dynamic items is not
stored in its ``ViewStore``. (A ``View`` per live board, with its ~60 select options, buttons and
bound callbacks, made 500 live boards ~70,000 long-lived objects that every full garbage collection
walked: 20-50 ms pauses under load.) A press on a live board acts on its state; a press on a board
that is no longer live (a retired or timed-out one, or any press after a restart) says "use
/leaderboard again" and removes the message's components, so no press fails silently.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from dataclasses import dataclass, field, replace
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


@dataclass(slots=True, eq=False)
class Board:
    """One user's live leaderboard: its session (in every custom_id), what it shows, and where."""

    owner: int
    session: str = field(default_factory=lambda: secrets.token_hex(4))
    state: BoardState = field(default_factory=BoardState)
    channel_id: int | None = None
    message_id: int | None = None
    timer: asyncio.TimerHandle | None = None


class LiveBoards:
    """Each user's one live board (owned by the cog), with its idle timer."""

    def __init__(self, bot: EvoBot) -> None:
        self.bot = bot
        self.boards: dict[int, Board] = {}
        self._retiring: set[asyncio.Task[None]] = set()

    def get(self, owner: int, session: str) -> Board | None:
        board = self.boards.get(owner)
        return board if board is not None and board.session == session else None

    def is_live(self, owner: int, session: str) -> bool:
        return self.get(owner, session) is not None

    async def replace(self, board: Board) -> None:
        """Make ``board`` the owner's live one and retire the previous one (its message loses its components)."""
        old = self.boards.get(board.owner)
        self.boards[board.owner] = board
        self.touch(board)
        if old is not None and old is not board:
            self._cancel(old)
            await self.remove_components(old)

    def touch(self, board: Board) -> None:
        """(Re)start the board's idle timer: each press keeps it live for another ``TIMEOUT_S``."""
        self._cancel(board)
        board.timer = asyncio.get_running_loop().call_later(TIMEOUT_S, self._expire, board)

    def _expire(self, board: Board) -> None:
        board.timer = None
        if self.boards.get(board.owner) is not board:
            return
        del self.boards[board.owner]
        task = asyncio.get_running_loop().create_task(self.remove_components(board), name="leaderboard-timeout")
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    @staticmethod
    def _cancel(board: Board) -> None:
        if board.timer is not None:
            board.timer.cancel()
            board.timer = None

    def close(self) -> None:
        """Forget every board (the cog unloads): their timers stop; a later press says "no longer live"."""
        for board in self.boards.values():
            self._cancel(board)
        self.boards.clear()

    async def remove_components(self, board: Board) -> None:
        """Edit the board's message (a DM message the bot owns) to carry no components."""
        if board.channel_id is None or board.message_id is None:
            return
        message = self.bot.get_partial_messageable(board.channel_id).get_partial_message(board.message_id)
        try:
            await message.edit(view=None)
        except discord.HTTPException as exc:  # deleted meanwhile (e.g. /prune): nothing left to retire
            log.info("could not retire leaderboard message %s: %s", board.message_id, exc)


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


def render(bot: EvoBot, tx: Texts, board: Board, notice: str = "") -> tuple[discord.Embed, discord.ui.View]:
    """Query the page for the board's state (clamping the page); return the embed and its controls."""
    state = board.state
    page = bot.ladder.leaderboard.page(
        races=sorted(state.races),
        countries=country_values(bot, state.countries),
        letters=[state.letter] if state.letter else [],
        best_race_only=state.best_race,
        page=state.page,
    )
    if page.page > page.total_pages:  # the board shrank under us: show its last page
        board.state = replace(state, page=page.total_pages)
        return render(bot, tx, board, notice)
    races = bot.ladder.pack.races
    embed = present.board_embed(tx, page, board.state, races, bot.emotes, notice=notice)
    return embed, controls(bot, tx, board, page.page, page.total_pages)


def controls(bot: EvoBot, tx: Texts, board: Board, page: int, total: int) -> discord.ui.View:
    """The board's components, each wrapped in ``BoardControl``: discord.py stores nothing for this view."""
    state, pack = board.state, bot.ladder.pack

    def cid(action: str) -> str:
        return custom_id(FEATURE, action, board.owner, board.session)

    races = [
        discord.SelectOption(
            label=present.race_label(tx, r),
            value=str(r.code),
            emoji=_emoji(bot.emotes.race(r.code)),
            default=str(r.code) in state.races,
        )
        for r in pack.races
    ]
    items: list[discord.ui.Item[Any]] = [
        discord.ui.Select(
            custom_id=cid("races"),
            placeholder=tx("leaderboard.placeholder.races"),
            min_values=0,
            max_values=len(races),
            options=races,
            row=0,
        )
    ]
    pages = country_pages(tx, pack.common_countries, pack.country(OTHER))  # type: ignore[arg-type]
    for number, options in enumerate(pages[:MAX_COUNTRY_SELECTS]):
        items.append(
            discord.ui.Select(
                custom_id=cid(f"country{number}"),
                placeholder=tx("leaderboard.placeholder.countries", first=options[0][0], last=options[-1][0])[:150],
                min_values=0,
                max_values=len(options),
                options=[
                    discord.SelectOption(label=label[:100], value=code, default=code in state.countries)
                    for label, code in options
                ],
                row=1 + number,
            )
        )
    items.append(
        discord.ui.Select(
            custom_id=cid("page"),
            placeholder=tx("leaderboard.placeholder.page"),
            options=[
                discord.SelectOption(label=tx("leaderboard.page_option", page=n), value=str(n), default=n == page)
                for n in present.page_window(page, total)
            ],
            disabled=total <= 1,
            row=3,
        )
    )
    plain, primary = discord.ButtonStyle.secondary, discord.ButtonStyle.primary
    buttons = (
        ("prev", tx("leaderboard.button.previous"), plain, page <= 1),
        ("next", tx("leaderboard.button.next"), plain, page >= total),
        ("rank", present.rank_label(tx, state.letter), primary if state.letter else plain, False),
        ("best", present.best_label(tx, state.best_race), primary if state.best_race else plain, False),
        ("clear", tx("leaderboard.button.clear"), discord.ButtonStyle.danger, not state.filtered),
    )
    for action, label, style, disabled in buttons:
        items.append(discord.ui.Button(custom_id=cid(action), label=label, style=style, disabled=disabled, row=4))
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(BoardControl(item, board.owner, board.session))
    return view


def _emoji(text: str) -> discord.PartialEmoji | None:
    """A select option's emoji from an emote string (custom ``<:n:id>`` or Unicode)."""
    return discord.PartialEmoji.from_str(text) if text else None


class BoardControl(
    discord.ui.DynamicItem[discord.ui.Item[Any]],
    template=r"evo:lb:(?P<action>[a-z0-9]+):(?P<owner>\d+):(?P<session>[0-9a-f]+)",
):
    """Every leaderboard control: acts on the live board, or says the board is no longer live."""

    def __init__(self, item: discord.ui.Item[Any], owner: int, session: str, action: str = "") -> None:
        super().__init__(item)
        self.owner = owner
        self.session = session
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoardControl:
        return cls(item, int(match["owner"]), match["session"], match["action"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = bot_of(interaction)
        tx: Texts | None = None
        try:
            player, tx = await identify(interaction)
            live = live_boards(bot)
            board = live.get(self.owner, self.session)
            if board is None:
                text = tx("leaderboard.expired", command=tx.command("leaderboard"))
                await interaction.response.edit_message(content=text, view=None)
                return
            if interaction.user.id != self.owner:
                raise NotOwner()
            bot.ladder.players.require_access(player, tos=True)  # a ban or a declined Terms ends browsing
            live.touch(board)
            board.state = self.next_state(board.state)
            embed, view = render(bot, tx, board)
            await interaction.response.edit_message(embed=embed, view=view)  # a memory read: no defer
        except Exception as exc:
            await handle_error(interaction, exc, tx or texts_for(bot.catalogs, interaction, None))

    def next_state(self, s: BoardState) -> BoardState:
        """The state after this press; any filter change goes back to page 1."""
        values = list(getattr(self.item, "values", ()))
        action = self.action
        if action == "races":
            return replace(s, races=frozenset(values), page=1)
        if action.startswith("country"):
            mine = {o.value for o in getattr(self.item, "options", ())}  # the options this select showed
            return replace(s, countries=(s.countries - mine) | frozenset(values), page=1)
        if action == "page":
            return replace(s, page=int(values[0])) if values else s
        return {
            "prev": lambda: replace(s, page=max(1, s.page - 1)),
            "next": lambda: replace(s, page=s.page + 1),
            "rank": lambda: replace(s, letter=present.next_letter(s.letter), page=1),
            "best": lambda: replace(s, best_race=not s.best_race, page=1),
            "clear": lambda: BoardState(),
        }.get(action, lambda: s)()


LEADERBOARD_ITEMS = (BoardControl,)
