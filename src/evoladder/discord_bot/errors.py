"""The one place where a failure becomes a localized answer.

Slash commands (the tree's ``on_error``), persistent components and modals all call ``handle_error``.
Typed ladder errors (``evoladder.domain.errors``) map to catalog messages; the refusal for a missing
Terms acceptance or setup names the command that fixes it; anything unexpected is logged with its
traceback and answered with a generic apology, never silently dropped.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from evoladder.discord_bot.presenters.common import dm_only_view
from evoladder.discord_bot.respond import reply
from evoladder.discord_bot.texts import Texts
from evoladder.domain.errors import Conflict, Forbidden, InvalidInput, LadderError, NotFound

log = logging.getLogger(__name__)


class NotInDM(app_commands.CheckFailure):
    """A player command was used in a server channel; it works in DMs only."""

    def __init__(self, command: str) -> None:
        super().__init__(f"/{command} works in DMs only")
        self.command = command


class Refused(app_commands.CheckFailure):
    """A gate (ban, Terms, setup) refused the user; carries the service's typed error."""

    def __init__(self, error: LadderError) -> None:
        super().__init__(str(error))
        self.error = error


class NotOwner(app_commands.CheckFailure):
    """Someone pressed a component that belongs to another user."""


class Expired(app_commands.AppCommandError):
    """A multi-step flow's state is gone (timed out, or the bot restarted); ``command`` starts it again."""

    def __init__(self, command: str) -> None:
        super().__init__(f"expired; restart with /{command}")
        self.command = command


def unwrap(error: BaseException) -> BaseException:
    """The error that matters: through ``CommandInvokeError`` wrappers, and a gate's typed ladder error."""
    while isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, Refused):
        return error.error
    return error


def message_for(error: BaseException, tx: Texts) -> str:
    """The localized text for ``error`` (pure; ``handle_error`` sends it)."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return tx("error.cooldown", seconds=max(1, round(error.retry_after + 0.49)))
    if isinstance(error, NotOwner):
        return tx("error.not_yours")
    if isinstance(error, Expired):
        return tx("error.expired", command=tx.command(error.command))
    if isinstance(error, Forbidden):
        reason = error.params.get("reason")
        if reason == "banned":
            detail = error.params.get("detail")
            return tx("error.banned_reason", reason=detail) if detail else tx("error.banned")
        if reason in {"tos_required", "setup_required"}:
            return tx(f"error.{reason}", command=tx.command(str(error.params.get("fix"))))
        if reason and tx.has(f"error.{reason}"):  # e.g. not_admin, not_owner, admin_channel (admin.po)
            return tx(f"error.{reason}")
        return tx("error.forbidden")
    if isinstance(error, InvalidInput):
        return tx("error.invalid", detail=error.message)
    if isinstance(error, NotFound):
        return tx("error.not_found")
    if isinstance(error, Conflict):
        return tx("error.conflict")
    if isinstance(error, LadderError):
        return error.message
    return tx("error.unexpected")


async def handle_error(interaction: discord.Interaction, error: BaseException, tx: Texts) -> None:
    """Answer ``interaction`` with the localized message for ``error`` (ephemeral); log what was not expected."""
    original = unwrap(error)
    if isinstance(original, NotInDM):
        await send_dm_only(interaction, tx, original.command)
        return
    expected = isinstance(original, LadderError | app_commands.CheckFailure | app_commands.CommandOnCooldown | Expired)
    if expected:
        log.info(
            "refused %s for user %s: %s",
            _what(interaction),
            interaction.user.id,
            original,
            extra={"event": "refused", "user_id": interaction.user.id, "error": type(original).__name__},
        )
    else:
        log.error("error in %s for user %s", _what(interaction), interaction.user.id, exc_info=original)
    if interaction.type is discord.InteractionType.autocomplete:
        return
    try:
        await reply(interaction, message_for(original, tx), ephemeral=True)
    except discord.HTTPException:
        log.exception("could not tell user %s about an error", interaction.user.id)


async def send_dm_only(interaction: discord.Interaction, tx: Texts, command: str) -> None:
    """Tell the user (only them) to use the command in our DM, with a button that opens the DM."""
    channel = interaction.user.dm_channel or await interaction.user.create_dm()
    url = f"https://discord.com/channels/@me/{channel.id}"
    await reply(
        interaction, tx("dm_only.text", command=tx.command(command)), view=dm_only_view(tx, url), ephemeral=True
    )


def _what(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: dict[str, object] = dict(interaction.data or {})
    return str(data.get("custom_id", interaction.type.name))
