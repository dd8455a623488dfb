"""Answering an interaction the same way whether or not it was already acknowledged."""

from __future__ import annotations

from typing import Any

import discord


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> None:
    """Send a message: the interaction's response if it has none yet, else a follow-up."""
    kwargs: dict[str, Any] = {"content": content, "ephemeral": ephemeral}
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def replace(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Replace the message a component sits on (or the command's response): text, embed and components.

    Passing no ``view`` removes the components, so a finished step cannot be pressed again.
    """
    embeds = [embed] if embed is not None else []
    if interaction.response.is_done():
        await interaction.edit_original_response(content=content, embeds=embeds, view=view)
    else:
        await interaction.response.edit_message(content=content, embeds=embeds, view=view)
