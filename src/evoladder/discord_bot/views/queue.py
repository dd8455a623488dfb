"""/queue components: race and veto selects, Join / Clear / Cancel, the quick-start acknowledgement, Leave.

Every choice is saved at once as the player's queue preferences (``QueueService.save_preferences``),
so the setup lives in the database, not in memory: after a restart every select and button still
acts on what the player chose. The searching message's Cancel (``leave``) is persistent too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from evoladder.discord_bot.gates import bot_of
from evoladder.discord_bot.presenters import queue as present
from evoladder.discord_bot.respond import replace
from evoladder.discord_bot.texts import Texts
from evoladder.discord_bot.views.persistent import Persistent, custom_id
from evoladder.domain.errors import PlayerBusy
from evoladder.domain.games import Game
from evoladder.domain.matchmaking.model import MAX_VETOES
from evoladder.domain.player import Player
from evoladder.services.queue import QueuePreferences, QueueRequest

if TYPE_CHECKING:
    from evoladder.discord_bot.bot import EvoBot

FEATURE = "queue"


def _race(bot: EvoBot, code: str | None) -> Any:
    return bot.ladder.pack.race(code) if code else None  # type: ignore[arg-type]


def setup_screen(
    bot: EvoBot, tx: Texts, player: Player, prefs: QueuePreferences
) -> tuple[discord.Embed, discord.ui.View]:
    """The setup message: picks pre-filled from ``prefs``; Join stays disabled until a race is picked and
    the quick-start guide was acknowledged."""
    pack = bot.ladder.pack
    bw, sc2 = _race(bot, prefs.bw_race), _race(bot, prefs.sc2_race)
    needs_guide = player.quick_start_read_at is None
    embed = present.setup_embed(tx, bw, sc2, prefs.vetoes, bot.emotes, needs_guide=needs_guide)
    owner = int(player.id)
    view = discord.ui.View(timeout=None)
    view.add_item(
        QueueSelect("bw", owner, tx("queue.select.bw"), present.race_options(pack.races_of_game(Game.BW), bw))
    )
    view.add_item(
        QueueSelect("sc2", owner, tx("queue.select.sc2"), present.race_options(pack.races_of_game(Game.SC2), sc2))
    )
    view.add_item(
        QueueSelect("veto", owner, tx("queue.select.vetoes"), present.map_options(pack.map_pool(), prefs.vetoes))
    )
    if needs_guide:
        view.add_item(QueueButton("guide", owner, tx("queue.button.guide"), discord.ButtonStyle.primary))
    join = QueueButton("join", owner, tx("queue.button.join"), discord.ButtonStyle.success)
    join.item.disabled = needs_guide or (bw is None and sc2 is None)
    view.add_item(join)
    view.add_item(QueueButton("clear", owner, tx("queue.button.clear"), discord.ButtonStyle.secondary))
    view.add_item(QueueButton("cancel", owner, tx("button.cancel"), discord.ButtonStyle.secondary))
    return embed, view


def searching_view(tx: Texts, owner: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(QueueButton("leave", owner, tx("button.cancel"), discord.ButtonStyle.danger))
    return view


def searching_screen(bot: EvoBot, tx: Texts, owner: int, snap: present.QueueSnapshot) -> discord.Embed | None:
    """The searching embed for a queued player, or ``None`` when they are no longer queued."""
    ticket = next((t for t in bot.ladder.queue.tickets() if int(t.player_id) == owner), None)
    if ticket is None:
        return None
    return present.searching_embed(
        tx, snap, _race(bot, ticket.bw_race), _race(bot, ticket.sc2_race), sorted(ticket.vetoes), bot.emotes
    )


def current_snapshot(bot: EvoBot) -> present.QueueSnapshot:
    queue = bot.ladder.queue
    return present.snapshot(
        queue.status().next_wave_at,
        ((t.bw_race, t.sc2_race) for t in queue.tickets()),
        len(bot.ladder.matches.active_matches()),
    )


class QueueSelect(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"evo:queue:(?P<action>bw|sc2|veto):(?P<owner>\d+)",
):
    """A race (0 or 1) or the vetoes (0 to 4); the choice is saved and the setup re-rendered."""

    needs_setup = True

    def __init__(
        self, action: str, owner: int, placeholder: str = "", options: list[discord.SelectOption] | None = None
    ) -> None:
        most = MAX_VETOES if action == "veto" else 1
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=custom_id(FEATURE, action, owner),
            placeholder=placeholder or None,
            min_values=0,
            max_values=min(most, max(1, len(options or ()))) if options else most,
            options=options or [],
        )
        super().__init__(select)
        self.action = action
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QueueSelect:
        return cls(match["action"], int(match["owner"]))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        bot = bot_of(interaction)
        await interaction.response.defer()
        values = list(self.item.values)
        prefs = await bot.ladder.queue.preferences(player.id)
        bw, sc2, vetoes = prefs.bw_race, prefs.sc2_race, list(prefs.vetoes)
        if self.action == "bw":
            bw = values[0] if values else None  # type: ignore[assignment]
        elif self.action == "sc2":
            sc2 = values[0] if values else None  # type: ignore[assignment]
        else:
            vetoes = values  # type: ignore[assignment]
        saved = await bot.ladder.queue.save_preferences(QueueRequest(player.id, bw, sc2, tuple(vetoes)))
        embed, view = setup_screen(bot, tx, player, saved)
        await replace(interaction, None, embed=embed, view=view)


class QueueButton(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"evo:queue:(?P<action>join|clear|cancel|guide|leave):(?P<owner>\d+)",
):
    needs_setup = True

    def __init__(self, action: str, owner: int, label: str = "", style: discord.ButtonStyle | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=style or discord.ButtonStyle.secondary,
                custom_id=custom_id(FEATURE, action, owner),
            )
        )
        self.action = action
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QueueButton:
        return cls(match["action"], int(match["owner"]))

    async def act(self, interaction: discord.Interaction, player: Player, tx: Texts) -> None:
        bot = bot_of(interaction)
        queue = bot.ladder.queue
        remember_locale(bot, interaction)
        if self.action == "cancel":
            await replace(interaction, tx("queue.setup.closed"))
            return
        await interaction.response.defer()
        if self.action == "leave":
            left = await queue.leave(player.id)
            await forget_search(bot, int(player.id))
            await replace(interaction, tx("queue.left") if left else tx("queue.not_queued"))
            return
        if self.action == "guide":
            player = await bot.ladder.players.acknowledge(player.id, "quick_start")
            embed, view = setup_screen(bot, tx, player, await queue.preferences(player.id))
            await replace(interaction, tx("queue.guide.thanks"), embed=embed, view=view)
            return
        if self.action == "clear":
            saved = await queue.save_preferences(QueueRequest(player.id))
            embed, view = setup_screen(bot, tx, player, saved)
            await replace(interaction, None, embed=embed, view=view)
            return
        await self.join(interaction, bot, player, tx)

    async def join(self, interaction: discord.Interaction, bot: EvoBot, player: Player, tx: Texts) -> None:
        queue = bot.ladder.queue
        prefs = await queue.preferences(player.id)
        if player.quick_start_read_at is None:  # the button is disabled; an old message may still show it
            embed, view = setup_screen(bot, tx, player, prefs)
            await replace(interaction, tx("queue.guide.required"), embed=embed, view=view)
            return
        try:
            await queue.join(QueueRequest(player.id, prefs.bw_race, prefs.sc2_race, prefs.vetoes))
        except PlayerBusy as exc:
            key = "queue.already_queued" if exc.params.get("reason") == "already_queued" else "queue.in_match"
            await interaction.followup.send(tx(key), ephemeral=True)
            return
        searching = searching_screen(bot, tx, int(player.id), current_snapshot(bot))
        await replace(interaction, None, embed=searching, view=searching_view(tx, int(player.id)))
        message = await interaction.original_response()
        await track_search(bot, int(player.id), message.channel.id, message.id, searching)


def remember_locale(bot: EvoBot, interaction: discord.Interaction) -> None:
    from evoladder.discord_bot import match_messages

    match_messages.remember_locale(bot, interaction)


async def track_search(bot: EvoBot, owner: int, channel_id: int, message_id: int, embed: discord.Embed | None) -> None:
    from evoladder.discord_bot.cogs.queue import queue_cog

    await queue_cog(bot).track(owner, channel_id, message_id, embed)


async def forget_search(bot: EvoBot, owner: int) -> None:
    from evoladder.discord_bot.cogs.queue import queue_cog

    await queue_cog(bot).forget(owner)


QUEUE_ITEMS = (QueueSelect, QueueButton)
