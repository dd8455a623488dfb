"""The /leaderboard screen (pure): a page of the board, its filters and the labels of its controls.

A page of 40 rows must fit Discord's embed description (4,096 characters) whatever the names and
the configured emotes are, so rows are rendered in the richest form that fits: emotes and bold
names first, then a compact form without custom emotes, then shorter names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import discord

from evoladder.datapack.schema import Race
from evoladder.discord_bot.emotes import Emotes
from evoladder.discord_bot.texts import Texts
from evoladder.domain.leaderboard import BoardRow, Page
from evoladder.domain.ranks import RANKED_LETTERS
from evoladder.i18n import format_number, format_percent

COLOR = discord.Colour.gold()
DESCRIPTION_LIMIT = 4096
"""Discord's limit on an embed description."""
NAME_MAX = 20
"""Longest name shown in a row (a display name may be a 32-character Discord username)."""
COMPACT_NAME_MAX = 12
SUMMARY_COUNTRIES = 8
"""Selected countries named in the filter line before "+N"."""


@dataclass(frozen=True, slots=True)
class BoardState:
    """What one user's live leaderboard shows: the filters and the page.

    ``countries`` holds the selected options of the country selects; ``ZZ`` is the "Other" option.
    ``letter`` is ``None`` for every rank.
    """

    races: frozenset[str] = field(default_factory=frozenset)
    countries: frozenset[str] = field(default_factory=frozenset)
    letter: str | None = None
    best_race: bool = False
    page: int = 1

    @property
    def filtered(self) -> bool:
        return bool(self.races or self.countries or self.letter or self.best_race)


def next_letter(letter: str | None) -> str | None:
    """The rank button's cycle: all -> S -> A -> ... -> F -> all."""
    cycle: list[str | None] = [None, *(str(x) for x in RANKED_LETTERS)]
    return cycle[(cycle.index(letter) + 1) % len(cycle)] if letter in cycle else None


def race_label(tx: Texts, race: Race) -> str:
    """A race's name in the user's language (the data pack's English name when not translated)."""
    key = f"leaderboard.race.{race.code}"
    return tx(key) if tx.has(key) else race.name


def discord_len(text: str) -> int:
    """Length as Discord counts it, conservatively (UTF-16 code units: a flag counts 4)."""
    return len(text.encode("utf-16-le")) // 2


def _name(name: str, limit: int) -> str:
    cut = name if len(name) <= limit else name[: limit - 1] + "…"
    return discord.utils.escape_markdown(discord.utils.escape_mentions(cut))


def _rate(tx: Texts, row: BoardRow) -> str:
    return format_percent(row.win_rate, tx.locale) if row.win_rate is not None else "-"


def row_line(tx: Texts, row: BoardRow, short: dict[str, str], emotes: Emotes, *, compact: bool, name_max: int) -> str:
    """One row: global position, rank, flag, name, race, MMR, W-L-D and win rate."""
    race = short.get(row.race, row.race)
    record = f"{row.games_won}-{row.games_lost}-{row.games_drawn}"
    if compact:
        country = row.country or "--"
        return f"`{row.position:>5}` {row.letter} {country} {_name(row.name, name_max)} {race} {row.mmr} {record}"
    return (
        f"`#{row.position}` {emotes.rank(row.letter)} {emotes.flag(row.country)} **{_name(row.name, name_max)}** "
        f"{emotes.race(row.race)}{race} · {format_number(row.mmr, tx.locale)} · {record} · {_rate(tx, row)}"
    )


def render_rows(tx: Texts, rows: Sequence[BoardRow], short: dict[str, str], emotes: Emotes, budget: int) -> str:
    """The rows in the richest form whose total length fits ``budget``."""
    attempts = ((False, NAME_MAX), (True, NAME_MAX), (True, COMPACT_NAME_MAX), (True, 6))
    text = ""
    for compact, name_max in attempts:
        text = "\n".join(row_line(tx, r, short, emotes, compact=compact, name_max=name_max) for r in rows)
        if discord_len(text) <= budget:
            return text
    return text[:budget]


def filter_summary(tx: Texts, state: BoardState, race_names: dict[str, str]) -> str:
    """One line naming the active filters (empty when none)."""
    parts = []
    if state.races:
        parts.append(tx("leaderboard.filter.races", races=", ".join(race_names.get(r, r) for r in sorted(state.races))))
    if state.countries:
        codes = sorted(state.countries)
        named = [tx("country.ZZ") if c == "ZZ" else c for c in codes[:SUMMARY_COUNTRIES]]
        more = len(codes) - SUMMARY_COUNTRIES
        parts.append(tx("leaderboard.filter.countries", countries=", ".join(named) + (f" +{more}" if more > 0 else "")))
    if state.letter:
        parts.append(tx("leaderboard.filter.rank", letter=state.letter))
    if state.best_race:
        parts.append(tx("leaderboard.filter.best"))
    return " · ".join(parts)


def board_embed(
    tx: Texts, page: Page, state: BoardState, races: Sequence[Race], emotes: Emotes, *, notice: str = ""
) -> discord.Embed:
    """The embed of one page; its description never exceeds Discord's limit."""
    short = {str(r.code): r.short_name for r in races}
    names = {str(r.code): race_label(tx, r) for r in races}
    head = [line for line in (notice, filter_summary(tx, state, names)) if line]
    header = "\n".join(f"*{line}*" for line in head)
    if page.rows:
        budget = DESCRIPTION_LIMIT - discord_len(header) - 2
        body = render_rows(tx, page.rows, short, emotes, budget)
    else:
        body = tx("leaderboard.empty")
    description = f"{header}\n\n{body}" if header else body
    embed = discord.Embed(title=tx("leaderboard.title"), description=description, colour=COLOR)
    embed.set_footer(
        text=tx(
            "leaderboard.footer",
            page=page.page,
            pages=page.total_pages,
            total=format_number(page.total_entries, tx.locale),
            ranked=format_number(page.ranked_count, tx.locale),
        )
    )
    return embed


def page_window(page: int, total: int, size: int = 25) -> range:
    """Up to ``size`` page numbers around ``page`` for the page select."""
    start = max(1, min(page - size // 2, total - size + 1))
    return range(start, min(total, start + size - 1) + 1)


def rank_label(tx: Texts, letter: str | None) -> str:
    return tx("leaderboard.button.rank", letter=letter) if letter else tx("leaderboard.button.rank_all")


def best_label(tx: Texts, on: bool) -> str:
    return tx("leaderboard.button.best_on") if on else tx("leaderboard.button.best_off")
