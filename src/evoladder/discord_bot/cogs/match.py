"""Match notifications: listens to the services' committed ``MatchChanged`` events and tells both players.

- created: each player's searching message is closed and they get the match card (Confirm / Abort),
  plus, when BW Protoss plays, the one-time Shield Battery notice until they acknowledge it;
- a confirmation: the card is updated and the opponent is told; both: the card becomes the details;
- aborted: who aborted, or who did not confirm in time;
- completed: "Result finalized" with MMR old -> new, to both players and the admin match log;
- conflict: to both players and to the admin match log, mentioning the staff role.

A reminder goes to a player who has not confirmed ``REMINDER_S`` seconds before the deadline (once per
match and player, stored, so a restart does not repeat it). The reminder loop runs while connected
(``on_ready``); tests call ``tick()`` with a manual clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import timedelta

from discord.ext import commands

from evoladder.discord_bot import match_messages as mm
from evoladder.discord_bot.bot import EvoBot
from evoladder.discord_bot.presenters import match as present
from evoladder.discord_bot.presenters.queue import timestamp
from evoladder.discord_bot.views.match import shield_view
from evoladder.domain.match import Match, MatchState
from evoladder.services.events import Event, MatchChanged
from evoladder.services.tasks import Periodic

log = logging.getLogger(__name__)

REMINDER_S = 30.0
"""Remind a player who has not confirmed when this many seconds are left."""
TICK_S = 5.0
SHIELD_RACE = "bw_protoss"
REMINDER = "reminder"


class MatchNotifier(commands.Cog, name="Match"):
    def __init__(self, bot: EvoBot) -> None:
        self.bot = bot
        self.locales: dict[int, str] = {}
        """Client language last seen per user (this process), for DMs they did not ask for."""
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._ticker = Periodic(TICK_S, self.tick, what="match reminders")
        self._listening = True

    async def cog_load(self) -> None:
        from evoladder.discord_bot.views.prune import protect_messages

        self.bot.ladder.ctx.bus.subscribe_async(self.on_event)
        protect_messages(mm.protected_messages)

    async def cog_unload(self) -> None:
        self._listening = False
        await self._ticker.stop()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self._ticker.start()

    # ------------------------------------------------------------------ events
    async def on_event(self, event: Event) -> None:
        """One committed match change; changes of one match are handled in order."""
        if not isinstance(event, MatchChanged) or not self._listening or self.bot.is_closed():
            return
        async with self._locks[int(event.match.id)]:
            await self.handle(event.match, event.previous)

    async def handle(self, match: Match, previous: Match | None) -> None:
        bot = self.bot
        if previous is None:
            await self.found(match)
            return
        await mm.refresh(bot, match.id)
        both = (int(match.player1), int(match.player2))
        if match.state is MatchState.ABORTED and previous.state is not MatchState.ABORTED:
            sides = await mm.sides(bot, match)
            for pid in both:
                await mm.notify(
                    bot, pid, match.id, "match_aborted", present.cancel_reason(mm.texts_for_id(bot, pid), match, sides)
                )
            await mm.store(bot).forget(REMINDER, [int(match.id)])
            return
        for slot in (1, 2):
            if match.confirmed(slot) and not previous.confirmed(slot):
                other = both[1] if slot == 1 else both[0]
                tx = mm.texts_for_id(bot, other)
                await mm.notify(
                    bot, other, match.id, "opponent_confirmed", tx("match.notice.opponent_confirmed", id=match.id)
                )
        if match.state is MatchState.COMPLETED and (
            previous.state is not MatchState.COMPLETED or previous.result != match.result
        ):
            await self.finalized(match)
        elif match.state is MatchState.CONFLICT and previous.state is not MatchState.CONFLICT:
            await self.conflict(match)

    async def found(self, match: Match) -> None:
        from evoladder.discord_bot.cogs.queue import queue_cog

        bot = self.bot
        shield = SHIELD_RACE in (match.race1, match.race2)
        for pid in (int(match.player1), int(match.player2)):
            tx = mm.texts_for_id(bot, pid)
            await queue_cog(bot).forget(pid, note=tx("queue.matched", id=match.id))
            await mm.send_card(bot, match, pid)
            player = await bot.ladder.players.get(match.player1 if pid == int(match.player1) else match.player2)
            if shield and player.shield_battery_ack_at is None:
                await bot.send_dm(
                    pid,
                    purpose="shield_battery",
                    match_id=int(match.id),
                    content=tx("match.shield.body"),
                    view=shield_view(tx, pid),
                )

    async def finalized(self, match: Match) -> None:
        bot = self.bot
        sides = await mm.sides(bot, match)
        for side in sides:
            await mm.notify(
                bot,
                side.player_id,
                match.id,
                "result",
                present.result_notice(mm.texts_for_id(bot, side.player_id), match, sides),
            )
        await mm.post_admin(bot, present.result_notice(mm.admin_texts(bot), match, sides))

    async def conflict(self, match: Match) -> None:
        bot = self.bot
        sides = await mm.sides(bot, match)
        for side in sides:
            await mm.notify(
                bot,
                side.player_id,
                match.id,
                "conflict",
                present.conflict_notice(mm.texts_for_id(bot, side.player_id), match),
            )
        tx = mm.admin_texts(bot)
        reports = ", ".join(
            f"{side.name}: {present.report_label(tx, match.report_of(slot), sides)}"
            for slot, side in zip((1, 2), sides, strict=True)
        )
        await mm.post_admin(bot, tx("match.admin.conflict", id=match.id, reports=reports), mention_staff=True)

    # ------------------------------------------------------------------ reminders
    async def tick(self) -> int:
        """Send due reminders; returns how many were sent."""
        bot = self.bot
        now = bot.ladder.ctx.clock.now()
        sent = 0
        for match in bot.ladder.matches.active_matches():
            if match.state is not MatchState.CREATED:
                continue
            left = match.confirm_deadline - now
            if not timedelta(0) < left <= timedelta(seconds=REMINDER_S):
                continue
            for slot, pid in ((1, int(match.player1)), (2, int(match.player2))):
                if match.confirmed(slot) or not await mm.store(bot).claim(pid, REMINDER, int(match.id)):
                    continue
                tx = mm.texts_for_id(bot, pid)
                text = tx("match.notice.reminder", id=match.id, when=timestamp(match.confirm_deadline))
                await mm.notify(bot, pid, match.id, "reminder", text)
                sent += 1
        return sent


async def setup(bot: EvoBot) -> None:
    await bot.add_cog(MatchNotifier(bot))
