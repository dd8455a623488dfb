"""/queue screens (pure): the setup (races, vetoes, quick-start guide) and the searching message."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import discord

from evoladder.datapack.schema import GameMap, Race
from evoladder.discord_bot.emotes import Emotes
from evoladder.discord_bot.texts import Texts

COLOR = discord.Colour.green()


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    """What every searching message shows, computed once per refresh for all of them."""

    next_wave_at: datetime
    bw_only: int
    sc2_only: int
    both: int
    ongoing: int


def snapshot(next_wave_at: datetime, tickets: Iterable[tuple[str | None, str | None]], ongoing: int) -> QueueSnapshot:
    """Count waiting players by what they queued with: ``tickets`` are (BW race, SC2 race) pairs."""
    bw = sc2 = both = 0
    for bw_race, sc2_race in tickets:
        if bw_race and sc2_race:
            both += 1
        elif bw_race:
            bw += 1
        elif sc2_race:
            sc2 += 1
    return QueueSnapshot(next_wave_at, bw, sc2, both, ongoing)


def timestamp(when: datetime, style: str = "R") -> str:
    """A Discord timestamp, shown in each reader's own time zone and language (``R``: "in 30 s")."""
    return f"<t:{int(when.timestamp())}:{style}>"


def race_label(race: Race, emotes: Emotes) -> str:
    return f"{emotes.race(race.code)} {race.name}"


def setup_embed(
    tx: Texts,
    bw: Race | None,
    sc2: Race | None,
    vetoes: Sequence[str],
    emotes: Emotes,
    *,
    needs_guide: bool,
) -> discord.Embed:
    """The queue setup: current picks, and the quick-start guide until the player acknowledged it."""
    embed = discord.Embed(title=tx("queue.setup.title"), description=tx("queue.setup.hint"), colour=COLOR)
    none = tx("label.none")
    embed.add_field(name=tx("queue.field.bw"), value=race_label(bw, emotes) if bw else none, inline=True)
    embed.add_field(name=tx("queue.field.sc2"), value=race_label(sc2, emotes) if sc2 else none, inline=True)
    embed.add_field(name=tx("queue.field.vetoes", count=len(vetoes)), value="\n".join(vetoes) or none, inline=False)
    if needs_guide:
        embed.add_field(name=tx("queue.guide.title"), value=tx("queue.guide.body"), inline=False)
    return embed


def race_options(races: Sequence[Race], chosen: Race | None) -> list[discord.SelectOption]:
    return [
        discord.SelectOption(label=r.name, value=r.code, default=chosen is not None and r.code == chosen.code)
        for r in races
    ]


def map_options(pool: Sequence[GameMap], chosen: Sequence[str]) -> list[discord.SelectOption]:
    return [
        discord.SelectOption(
            label=m.name[:100], value=m.name[:100], description=m.game.value.upper(), default=m.name in chosen
        )
        for m in pool[:25]
    ]


def searching_embed(
    tx: Texts,
    snap: QueueSnapshot,
    bw: Race | None,
    sc2: Race | None,
    vetoes: Sequence[str],
    emotes: Emotes,
) -> discord.Embed:
    """The message a queued player watches; refreshed only when one of these values changes."""
    races = " + ".join(race_label(r, emotes) for r in (bw, sc2) if r)
    embed = discord.Embed(
        title=tx("queue.searching.title"),
        description=tx("queue.searching.body", races=races, when=timestamp(snap.next_wave_at)),
        colour=COLOR,
    )
    embed.add_field(
        name=tx("queue.searching.waiting"),
        value=tx("queue.searching.counts", bw=snap.bw_only, sc2=snap.sc2_only, both=snap.both),
        inline=True,
    )
    embed.add_field(name=tx("queue.searching.ongoing"), value=str(snap.ongoing), inline=True)
    embed.add_field(
        name=tx("queue.field.vetoes", count=len(vetoes)), value=", ".join(vetoes) or tx("label.none"), inline=False
    )
    return embed
