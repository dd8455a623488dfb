"""Replay uploads: a player drops a ``.SC2Replay`` in the DM with the bot and gets a replay report.

The path of one DM with an attachment (``on_message``), each refusal answered in the player's
language, never silently dropped:

1. the player is identified (created on first contact) and must pass the ban / Terms gates;
2. a file announced larger than the limit is refused before it is downloaded;
3. the match comes from ``ReplayService.match_for_upload`` (no match -> a clear answer);
4. a per-user cooldown (discord.py's ``CooldownMapping`` on the ladder clock) -> "try again in N s";
5. while the file is downloaded and parsed (about 10 ms, up to the parse timeout) the DM shows
   "typing"; ``ReplayService.upload`` stores, parses (worker processes) and verifies it;
6. the answer is the replay report; when the player's replay is verified and the match still takes
   reports, the persistent result select (``views.report``) comes with it.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from evoladder.discord_bot import match_messages
from evoladder.discord_bot.bot import EvoBot
from evoladder.discord_bot.errors import message_for
from evoladder.discord_bot.presenters import replays as present
from evoladder.discord_bot.texts import Texts
from evoladder.discord_bot.views.report import report_view, sides_of, texts_for_player
from evoladder.domain.errors import InvalidInput, LadderError, NotAParticipant, NotFound
from evoladder.domain.ids import PlayerId
from evoladder.domain.replay_intake import ReplayBusy
from evoladder.i18n import DEFAULT_LOCALE

log = logging.getLogger(__name__)


class Replays(commands.Cog):
    def __init__(self, bot: EvoBot) -> None:
        self.bot = bot
        seconds = bot.settings.discord_upload_cooldown_s
        self.cooldown: commands.CooldownMapping[discord.Message] | None = (
            commands.CooldownMapping.from_cooldown(1, seconds, commands.BucketType.user) if seconds > 0 else None
        )

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Remember every interaction's client language for DMs that carry none (uploads, notices)."""
        match_messages.remember_locale(self.bot, interaction)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is not None or not message.attachments:
            return
        self.bot.track_current_task()
        tx: Texts | None = None
        try:
            player = await self.bot.ladder.players.ensure(message.author.id, message.author.name)
            tx = texts_for_player(self.bot, player)
            await self.upload(message, player.id, tx)
        except Exception as exc:  # the boundary for uploads: a localized answer, logged
            await self.refuse(message, tx, exc)

    async def upload(self, message: discord.Message, player_id: PlayerId, tx: Texts) -> None:
        ladder = self.bot.ladder
        attachment = message.attachments[0]
        name = attachment.filename
        ladder.players.require_access(await ladder.players.get(player_id), tos=True)
        ladder.replays.check_size(attachment.size)
        match = await ladder.replays.match_for_upload(player_id)
        if match is None:
            await self.answer(message, present.refusal(tx, "no_match", name))
            return
        if self.cooldown is not None:
            retry = self.cooldown.update_rate_limit(message, current=ladder.ctx.clock.now().timestamp())
            if retry:
                await self.answer(message, tx("replay.refused.cooldown", seconds=max(1, round(retry + 0.49))))
                return
        async with message.channel.typing():
            try:
                data = await attachment.read()
            except discord.HTTPException:
                log.warning("could not download attachment %s of user %s", attachment.id, player_id)
                await self.answer(message, present.refusal(tx, "download", name))
                return
            outcome = await ladder.replays.upload(match.id, player_id, data)
            sides = await sides_of(self.bot, match)
            embed = present.replay_embed(tx, outcome.replay, match.id, sides, duplicate=outcome.duplicate)
            view = None
            if await ladder.replays.manual_report_open(match.id, player_id):
                view = report_view(tx, int(player_id), match.id, sides)
        extra = tx("replay.only_first", file=name) if len(message.attachments) > 1 else None
        if view is not None:
            extra = "\n".join(p for p in (extra, present.report_prompt(tx, match.id)) if p)
        if view is None:
            await message.channel.send(content=extra, embed=embed)
        else:
            await message.channel.send(content=extra, embed=embed, view=view)
        await match_messages.refresh(self.bot, match.id)  # the match card shows each player's replay status

    async def refuse(self, message: discord.Message, tx: Texts | None, exc: BaseException) -> None:
        tx = tx or Texts(self.bot.catalogs, DEFAULT_LOCALE)
        name = message.attachments[0].filename
        if isinstance(exc, InvalidInput) and exc.field == "replay":
            reason = str(exc.params.get("reason", "not_a_replay"))
            values: dict[str, object] = {}
            if reason == "too_large":
                size, limit = int(exc.params["size"]), int(exc.params["limit"])
                values = {"size": present.megabytes(size), "limit": present.megabytes(limit)}
            text = present.refusal(tx, reason, name, **values)
        elif isinstance(exc, ReplayBusy):
            text = tx("replay.busy")
        elif isinstance(exc, NotFound | NotAParticipant):
            text = present.refusal(tx, "no_match", name)
        elif isinstance(exc, LadderError):
            text = message_for(exc, tx)
        else:
            log.error("replay upload by %s failed", message.author.id, exc_info=exc)
            text = tx("error.unexpected")
        try:
            await self.answer(message, text)
        except discord.HTTPException:
            log.exception("could not tell user %s about a refused upload", message.author.id)

    async def answer(self, message: discord.Message, text: str) -> None:
        await message.channel.send(text)


async def setup(bot: EvoBot) -> None:
    await bot.add_cog(Replays(bot))
