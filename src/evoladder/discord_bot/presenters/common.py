"""Screens shared by every feature."""

from __future__ import annotations

import discord

from evoladder.discord_bot.texts import Texts


def dm_only_view(tx: Texts, dm_url: str) -> discord.ui.View:
    """A single link button that opens the user's DM with the bot."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label=tx("dm_only.button"), url=dm_url, style=discord.ButtonStyle.link))
    return view
