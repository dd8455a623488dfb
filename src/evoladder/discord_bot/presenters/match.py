"""Match screens (pure): match found, match details, cancelled, and the short notices around them.

Input is the stored ``Match`` plus what the screens show about each side (``Side``) and the lobby
(``Lobby``), both assembled from services and the data pack by ``match_messages``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from evoladder.discord_bot.emotes import Emotes
from evoladder.discord_bot.presenters.queue import timestamp
from evoladder.discord_bot.texts import Texts
from evoladder.domain.match import AbortReason, Match, MatchState
from evoladder.domain.rating import Outcome

FOUND = discord.Colour.gold()
ON = discord.Colour.blue()
DONE = discord.Colour.green()
BAD = discord.Colour.red()
GREY = discord.Colour.light_grey()


@dataclass(frozen=True, slots=True)
class Side:
    """One player as a match screen shows them."""

    player_id: int
    name: str
    discord_name: str
    battletag: str
    alt_names: tuple[str, ...]
    country: str | None
    race_code: str
    race_name: str
    mmr: int
    mmr_after: int | None
    letter: str


@dataclass(frozen=True, slots=True)
class Lobby:
    """Where and how to play: from the data pack (links for the server's game region)."""

    map_name: str
    map_link: str | None
    mod_link: str | None
    server: str
    channel: str


def side_line(tx: Texts, side: Side, emotes: Emotes) -> str:
    """``🇦 🇩🇪 💠 **Name** (BW Protoss) · 1500 MMR``."""
    return tx(
        "match.side",
        rank=emotes.rank(side.letter),
        flag=emotes.flag(side.country),
        race=emotes.race(side.race_code),
        name=side.name,
        race_name=side.race_name,
        mmr=side.mmr,
    )


def side_details(tx: Texts, side: Side, emotes: Emotes) -> str:
    alts = ", ".join(side.alt_names) or tx("label.none")
    return "\n".join(
        [
            side_line(tx, side, emotes),
            tx("match.details.discord", name=side.discord_name),
            tx("match.details.battletag", battletag=side.battletag),
            tx("match.details.alts", names=alts),
        ]
    )


def found_embed(tx: Texts, match: Match, me: Side, them: Side, lobby: Lobby, emotes: Emotes) -> discord.Embed:
    """Match found: who against whom, where, and the confirmation deadline with both sides' status."""
    embed = discord.Embed(
        title=tx("match.found.title", id=match.id),
        description=tx(
            "match.found.body", when=timestamp(match.confirm_deadline), time=timestamp(match.confirm_deadline, "T")
        ),
        colour=FOUND,
    )
    embed.add_field(name=tx("match.you"), value=side_line(tx, me, emotes), inline=False)
    embed.add_field(name=tx("match.opponent"), value=side_line(tx, them, emotes), inline=False)
    embed.add_field(name=tx("match.map"), value=lobby.map_name, inline=True)
    embed.add_field(name=tx("match.server"), value=lobby.server, inline=True)
    status = [
        f"{tx('match.you')}: {_confirm_state(tx, match, me.player_id)}",
        f"{tx('match.opponent')}: {_confirm_state(tx, match, them.player_id)}",
    ]
    embed.add_field(name=tx("match.found.confirmations"), value="\n".join(status), inline=False)
    return embed


def _confirm_state(tx: Texts, match: Match, player_id: int) -> str:
    slot = 1 if player_id == match.player1 else 2
    return tx("match.state.confirmed") if match.confirmed(slot) else tx("match.state.waiting")


def details_embed(
    tx: Texts, match: Match, sides: tuple[Side, Side], lobby: Lobby, emotes: Emotes, replay: str
) -> discord.Embed:
    """Both players in full, the lobby to create, and the result, MMR change and replay status."""
    colour = {MatchState.COMPLETED: DONE, MatchState.CONFLICT: BAD, MatchState.INVALIDATED: GREY}.get(match.state, ON)
    embed = discord.Embed(title=tx("match.details.title", id=match.id), colour=colour)
    for side in sides:
        embed.add_field(name=side.name, value=side_details(tx, side, emotes), inline=False)
    map_value = f"[{lobby.map_name}]({lobby.map_link})" if lobby.map_link else lobby.map_name
    embed.add_field(name=tx("match.map"), value=map_value, inline=False)
    embed.add_field(name=tx("match.details.mod"), value=lobby.mod_link or tx("match.details.mod_unknown"), inline=False)
    embed.add_field(name=tx("match.server"), value=lobby.server, inline=True)
    embed.add_field(name=tx("match.details.channel"), value=lobby.channel, inline=True)
    embed.add_field(name=tx("match.details.lobby"), value=tx("match.details.lobby_settings"), inline=False)
    embed.add_field(name=tx("match.details.result"), value=result_text(tx, match, sides), inline=False)
    embed.add_field(name=tx("match.details.mmr"), value=mmr_text(tx, match, sides), inline=False)
    embed.add_field(name=tx("match.details.replay"), value=replay, inline=False)
    return embed


def result_text(tx: Texts, match: Match, sides: tuple[Side, Side]) -> str:
    if match.state is MatchState.CONFLICT:
        return tx("match.result.conflict")
    if match.state is MatchState.INVALIDATED:
        return tx("match.result.invalidated")
    if match.result is None:
        reported = [side.name for slot, side in zip((1, 2), sides, strict=True) if match.report_of(slot) is not None]
        if reported:
            return tx("match.result.waiting_reported", names=", ".join(reported))
        return tx("match.result.pending")
    if match.result is Outcome.DRAW:
        return tx("match.result.draw")
    winner = sides[0] if match.result is Outcome.PLAYER1_WON else sides[1]
    return tx("match.result.won", name=winner.name)


def mmr_text(tx: Texts, match: Match, sides: tuple[Side, Side]) -> str:
    if match.mmr_after1 is None or match.mmr_after2 is None:
        return tx("match.mmr.pending")
    return "\n".join(mmr_line(tx, side) for side in sides)


def mmr_line(tx: Texts, side: Side) -> str:
    after = side.mmr_after if side.mmr_after is not None else side.mmr
    return f"{side.name}: {side.mmr} → {after} ({after - side.mmr:+d})"


def cancelled_embed(tx: Texts, match: Match, sides: tuple[Side, Side]) -> discord.Embed:
    return discord.Embed(
        title=tx("match.cancelled.title", id=match.id), description=cancel_reason(tx, match, sides), colour=GREY
    )


def cancel_reason(tx: Texts, match: Match, sides: tuple[Side, Side]) -> str:
    """Who aborted, or who did not confirm in time."""
    by_id = {s.player_id: s.name for s in sides}
    if match.abort_reason is AbortReason.PLAYER and match.aborted_by is not None:
        return tx("match.aborted.by", id=match.id, name=by_id.get(int(match.aborted_by), "?"))
    missing = [by_id.get(int(p), "?") for p in match.unconfirmed]
    return tx("match.aborted.timeout", id=match.id, names=", ".join(missing) or "?")


def result_notice(tx: Texts, match: Match, sides: tuple[Side, Side]) -> str:
    lines = [tx("match.notice.finalized", id=match.id), result_text(tx, match, sides)]
    lines += [mmr_line(tx, s) for s in sides]
    return "\n".join(lines)


def conflict_notice(tx: Texts, match: Match) -> str:
    return tx("match.notice.conflict", id=match.id)


def report_label(tx: Texts, report: Outcome | None, sides: Sequence[Side]) -> str:
    if report is None:
        return tx("match.report.none")
    if report is Outcome.DRAW:
        return tx("match.result.draw")
    return tx("match.result.won", name=(sides[0] if report is Outcome.PLAYER1_WON else sides[1]).name)
