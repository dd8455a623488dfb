"""Terms, setup, country and help screens (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from evoladder.datapack.schema import Country, ResidentialRegion
from evoladder.discord_bot.emotes import Emotes
from evoladder.discord_bot.texts import Texts
from evoladder.domain.errors import InvalidInput
from evoladder.i18n import country_name

COLOR = discord.Colour.blurple()
SETUP_FIELDS = ("in_game_name", "battletag", "alt_name_1", "alt_name_2")


@dataclass(frozen=True, slots=True)
class SetupDraft:
    """What the setup flow collected so far for one user (kept in memory between steps)."""

    in_game_name: str = ""
    battletag: str = ""
    alt_name_1: str = ""
    alt_name_2: str = ""
    country: str | None = None
    region: str | None = None

    @property
    def alt_names(self) -> tuple[str, ...]:
        return tuple(a for a in (self.alt_name_1, self.alt_name_2) if a.strip())


def tos_embed(tx: Texts, url: str, accepted: bool) -> discord.Embed:
    status = tx("tos.status.accepted") if accepted else tx("tos.status.not_accepted")
    return discord.Embed(title=tx("tos.title"), description=f"{tx('tos.body', url=url)}\n\n{status}", colour=COLOR)


def tos_answer(tx: Texts, accepted: bool) -> str:
    if accepted:
        return tx("tos.accepted", command=tx.command("setup"))
    return tx("tos.declined", command=tx.command("termsofservice"))


def country_label(tx: Texts, country: Country) -> str:
    """The country's name in the user's language (CLDR), XX and ZZ from the catalog."""
    if country.special:
        return tx(f"country.{country.code}")
    return country_name(country.code, tx.locale, country.name)


def region_label(tx: Texts, region: ResidentialRegion) -> str:
    key = f"region.{region.code}"
    return tx(key) if tx.has(key) else region.name


def invalid_field(tx: Texts, problem: InvalidInput) -> str:
    """One invalid setup field, in the user's language, naming the field and what was typed."""
    field = problem.field if problem.field in SETUP_FIELDS else "alt_name_1"
    reason = str(problem.params.get("reason", "other"))
    key = f"setup.invalid.{reason}"
    if not tx.has(key):
        key = "setup.invalid.other"
    label = tx(f"setup.field.{field}.short") if field.startswith("alt_name") else tx(f"setup.field.{field}")
    return tx(key, field=f"**{label}**", value=str(problem.params.get("value", "")))


def country_pages(tx: Texts, common: Sequence[Country], other: Country, size: int = 25) -> list[list[tuple[str, str]]]:
    """(label, code) options for the country selects: the common countries by name, "Other" last."""
    entries: list[tuple[str, str]] = sorted(
        ((country_label(tx, c), str(c.code)) for c in common), key=lambda e: e[0].casefold()
    )
    entries.append((country_label(tx, other), str(other.code)))
    return [entries[i : i + size] for i in range(0, len(entries), size)]


def setup_preview(
    tx: Texts, draft: SetupDraft, country: Country, region: ResidentialRegion, emotes: Emotes
) -> discord.Embed:
    embed = discord.Embed(title=tx("setup.preview.title"), description=tx("setup.preview.hint"), colour=COLOR)
    embed.add_field(name=tx("setup.field.in_game_name"), value=draft.in_game_name, inline=True)
    embed.add_field(name=tx("setup.field.battletag"), value=draft.battletag, inline=True)
    embed.add_field(
        name=tx("setup.field.alt_names"), value=", ".join(draft.alt_names) or tx("label.none"), inline=False
    )
    embed.add_field(
        name=tx("setup.field.country"), value=f"{emotes.flag(country.code)} {country_label(tx, country)}", inline=True
    )
    embed.add_field(name=tx("setup.field.region"), value=region_label(tx, region), inline=True)
    return embed


def help_embed(tx: Texts, commands: Sequence[tuple[str, str]]) -> discord.Embed:
    """``commands`` are (command name, localized description) of every registered command."""
    steps = tx("help.steps", tos=tx.command("termsofservice"), setup=tx.command("setup"), queue=tx.command("queue"))
    embed = discord.Embed(title=tx("help.title"), description=steps, colour=COLOR)
    lines = [f"**{tx.command(name)}**: {description}" for name, description in commands]
    embed.add_field(name=tx("help.commands"), value="\n".join(lines)[:1024], inline=False)
    return embed
