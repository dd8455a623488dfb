"""Catalog access bound to one user's language, and the translator for command names and descriptions."""

from __future__ import annotations

from dataclasses import dataclass

import discord
from discord import app_commands

from evoladder.domain.player import Player
from evoladder.i18n import Catalogs, Locale, resolve_locale
from evoladder.i18n.locales import shipped


@dataclass(frozen=True, slots=True)
class Texts:
    """``tx("tos.accepted", command=tx.command("setup"))``: messages in one language."""

    catalogs: Catalogs
    locale: Locale

    def __call__(self, key: str, **values: object) -> str:
        return self.catalogs.t(self.locale, key, **values)

    def command(self, name: str) -> str:
        """How the user types command ``name`` in their language: ``/setup``, ``/설정``."""
        return "/" + (self.catalogs.get(self.locale, f"cmd.{name}.name") or name)

    def has(self, key: str) -> bool:
        return self.catalogs.has(key)


def texts_for(catalogs: Catalogs, interaction: discord.Interaction, player: Player | None) -> Texts:
    """The user's language: stored preference if we ship it, else the client locale, else English."""
    return Texts(catalogs, resolve_locale(interaction.locale.value, player.language if player else None))


def cmd_str(name: str) -> app_commands.locale_str:
    """A command name that the translator localizes (catalog key ``cmd.<name>.name``)."""
    return app_commands.locale_str(name, key=f"cmd.{name}.name")


def desc_str(name: str, english: str) -> app_commands.locale_str:
    """A command description (catalog key ``cmd.<name>.description``); ``english`` is Discord's default."""
    return app_commands.locale_str(english, key=f"cmd.{name}.description")


def param_str(command: str, param: str, what: str, english: str) -> app_commands.locale_str:
    """A parameter's ``name`` or ``description`` (catalog key ``cmd.<command>.<param>.<what>``)."""
    return app_commands.locale_str(english, key=f"cmd.{command}.{param}.{what}")


class CatalogTranslator(app_commands.Translator):
    """Gives Discord every shipped language's command names/descriptions from the ``commands`` catalog.

    English is the commands' default text, so it is not returned as a translation; a locale we do not
    ship gets ``None`` (Discord then shows the default).
    """

    def __init__(self, catalogs: Catalogs) -> None:
        self.catalogs = catalogs

    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        key = string.extras.get("key")
        lang = shipped(locale.value)
        if not key or lang is None or lang is Locale.EN:
            return None
        return self.catalogs.get(lang, key)
