"""Sending a direct message that the bot did not get an interaction for (match found, results...).

An undeliverable DM (the player closed their DMs: 403, code 50007) is never silently lost: it is
logged with structure, recorded in the player's action log through ``PlayerService``, and, when it
concerns a match, reported in the admin channel.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from evoladder.domain.errors import NotFound
from evoladder.domain.ids import PlayerId

if TYPE_CHECKING:
    from evoladder.discord_bot.bot import EvoBot

log = logging.getLogger(__name__)


async def send_dm(
    bot: EvoBot, user_id: int, *, purpose: str, match_id: int | None = None, **message: Any
) -> discord.Message | None:
    """Send ``message`` (``content=``, ``embed=``, ``view=``...) to the user's DM; ``None`` if undeliverable.

    ``purpose`` names why we wrote (``match_found``, ``result``...) for the record. Other HTTP errors
    propagate: they are not the player's choice and the caller decides whether to retry.
    """
    user = bot.get_user(user_id) or await bot.fetch_user(user_id)
    try:
        return await user.send(**message)
    except discord.Forbidden as exc:
        log.warning(
            "DM to %s undeliverable (%s, code %s)",
            user_id,
            purpose,
            exc.code,
            extra={"event": "dm_undeliverable", "user_id": user_id, "purpose": purpose, "match_id": match_id},
        )
        try:
            await bot.ladder.players.record_undeliverable_dm(PlayerId(user_id), purpose, match_id)
        except NotFound:
            log.warning("DM target %s is not a player; only logged", user_id)
        if match_id is not None:
            await report_to_admins(
                bot, f"DM to <@{user_id}> about match #{match_id} ({purpose}) could not be delivered."
            )
        return None


async def report_to_admins(bot: EvoBot, content: str) -> None:
    """Post to the admin log channel, if configured; failures there are logged, never raised."""
    channel_id = bot.settings.discord_admin_channel_id
    if channel_id is None:
        return
    try:
        channel = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
        await channel.send(content, allowed_mentions=discord.AllowedMentions.none())  # type: ignore[union-attr]
    except discord.HTTPException:
        log.exception("could not post to the admin channel %s", channel_id)
