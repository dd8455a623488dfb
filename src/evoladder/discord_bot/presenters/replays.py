"""Replay report, manual-report and /prune screens (pure: data + Texts in, text and embeds out).

The replay report is built from the stored record only (``ReplayRecord.summary`` and ``.verdict``),
so the same screen shows a fresh upload and a duplicate. Each check's text comes from the catalog by
its stable ``message_code`` (``replay.check.<code>``), filled from the check's ``details``; a code the
catalog does not know yet falls back to the check's English message, so a new check never breaks
the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from evoladder.discord_bot.texts import Texts
from evoladder.domain.rating import Outcome
from evoladder.domain.replay_intake import ReplayRecord

COLOR_OK = discord.Colour.green()
COLOR_DOUBT = discord.Colour.gold()
COLOR_BAD = discord.Colour.red()
VERDICT_ICON: Mapping[str, str] = {"pass": "✅", "warn": "⚠️", "needs_admin": "🛡️", "fail": "❌"}
SETTING_KEYS = ("speed", "duration", "locked_alliances", "privacy")


@dataclass(frozen=True, slots=True)
class MatchSide:
    """What the report shows of one match player: the name players know them by."""

    name: str


def length(seconds: float | int | None) -> str:
    """Game length as ``m:ss`` (or ``h:mm:ss``), language-neutral."""
    if seconds is None:
        return "?"
    total = round(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def timestamp(iso: str | None) -> str:
    """A Discord timestamp tag: every client shows it in its own language and time zone."""
    if not iso:
        return "?"
    try:
        return f"<t:{int(datetime.fromisoformat(iso).timestamp())}:f>"
    except ValueError:
        return iso


def outcome_label(tx: Texts, outcome: Outcome | int, sides: tuple[MatchSide, MatchSide]) -> str:
    """``OneScotch won`` / ``Draw`` for an absolute match outcome."""
    result = Outcome(int(outcome))
    if result is Outcome.DRAW:
        return tx("report.option.draw")
    return tx("report.option.won", name=sides[0 if result is Outcome.PLAYER1_WON else 1].name)


def _humans(summary: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in summary.get("players", []) if p.get("is_human", True)]


def matchup(summary: Mapping[str, Any]) -> str:
    players = _humans(summary)
    if not players:
        return "?"
    return " vs ".join(f"{p.get('name', '?')} ({p.get('race', '?')})" for p in players)


def winner(
    tx: Texts, summary: Mapping[str, Any], verdict: Mapping[str, Any], sides: tuple[MatchSide, MatchSide]
) -> str:
    """The winner as the checks linked them to the match's players, else as the replay names them."""
    linked = verdict.get("winner")
    if linked in ("player_1", "player_2"):
        return tx("replay.winner.name", name=sides[0 if linked == "player_1" else 1].name)
    players = _humans(summary)
    results = [str(p.get("result", "")).casefold() for p in players]
    if linked == "draw" or (players and all(r == "tie" for r in results)):
        return tx("report.option.draw")
    won = [p for p, r in zip(players, results, strict=True) if r == "win"]
    if len(won) == 1:
        return tx("replay.winner.name", name=won[0].get("name", "?"))
    return tx("replay.winner.unknown")


def check_text(tx: Texts, check: Mapping[str, Any], sides: tuple[MatchSide, MatchSide]) -> str:
    """One check's sentence in the user's language, from its ``message_code`` and ``details``."""
    code = str(check.get("message_code", ""))
    details: Mapping[str, Any] = check.get("details") or {}
    key = f"replay.check.{code}"
    if not code or not tx.has(key):
        return str(check.get("message", ""))
    values: dict[str, object] = {}
    if code.startswith("map."):
        values = {"map": details.get("expected", "?"), "played": details.get("replay_map", "?")}
    elif code == "players.ok":
        links = list(details.get("links") or [])
        names = [str(link.get("replay_name", "?")) for link in links] + ["?", "?"]
        values = {"first": names[0], "second": names[1], "p1": sides[0].name, "p2": sides[1].name}
    elif code in ("result.player_1", "result.player_2"):
        values = {"name": sides[0 if code.endswith("1") else 1].name}
    elif code in ("settings.wrong", "settings.privacy"):
        wrong = [
            tx(
                "replay.setting.wrong",
                setting=tx(f"replay.setting.{k}"),
                actual=(details.get(k) or {}).get("actual") or "-",
                expected=(details.get(k) or {}).get("expected") or "-",
            )
            for k in SETTING_KEYS
            if not (details.get(k) or {}).get("ok", True)
        ]
        values = {"settings": "; ".join(wrong)}
    return tx(key, **values)


def replay_embed(
    tx: Texts,
    record: ReplayRecord,
    match_id: int,
    sides: tuple[MatchSide, MatchSide],
    *,
    duplicate: bool = False,
) -> discord.Embed:
    """The replay report: matchup, winner, map, time, length, every check with its verdict, and what
    the replay did to the match."""
    verdict: Mapping[str, Any] = record.verdict or {}
    overall = str(verdict.get("overall") or "")
    colour = COLOR_OK if overall == "pass" else COLOR_BAD if overall == "fail" else COLOR_DOUBT
    embed = discord.Embed(title=tx("replay.title", match=match_id), colour=colour)
    lines = [effect_text(tx, record, sides)]
    if duplicate:
        lines.insert(0, tx("replay.duplicate"))
    embed.description = "\n".join(lines)
    summary = record.summary
    if summary:
        embed.add_field(name=tx("replay.field.matchup"), value=matchup(summary)[:1024], inline=False)
        embed.add_field(name=tx("replay.field.winner"), value=winner(tx, summary, verdict, sides), inline=True)
        embed.add_field(name=tx("replay.field.map"), value=str(summary.get("map_name") or "?"), inline=True)
        embed.add_field(name=tx("replay.field.time"), value=timestamp(summary.get("date")), inline=True)
        embed.add_field(
            name=tx("replay.field.length"), value=length(summary.get("real_length_s") or summary.get("game_length_s"))
        )
    checks = list(verdict.get("checks") or [])
    if checks:
        rows = [
            f"{VERDICT_ICON.get(str(c.get('verdict')), '•')} **{check_label(tx, str(c.get('check')))}** "
            f"({tx('replay.verdict.' + str(c.get('verdict')))}): {check_text(tx, c, sides)}"
            for c in checks
        ]
        embed.add_field(name=tx("replay.field.checks"), value="\n".join(rows)[:1024], inline=False)
    return embed


def check_label(tx: Texts, check: str) -> str:
    key = f"replay.check_name.{check}"
    return tx(key) if tx.has(key) else check


def effect_text(tx: Texts, record: ReplayRecord, sides: tuple[MatchSide, MatchSide]) -> str:
    """What the replay did: recorded the result for both players, went to an admin, or nothing."""
    status = str(record.status)
    if status == "pending":
        return tx("replay.effect.pending")
    if status in ("unreadable", "failed"):
        return tx("replay.effect.unread")
    effect = str(record.effect or "not_applied")
    if effect == "completed":
        reported = record.reported_result
        outcome = {"player_1": Outcome.PLAYER1_WON, "player_2": Outcome.PLAYER2_WON}.get(reported or "", Outcome.DRAW)
        return tx("replay.effect.completed", result=outcome_label(tx, outcome, sides))
    key = f"replay.effect.{effect}"
    return tx(key) if tx.has(key) else tx("replay.effect.not_applied")


def refusal(tx: Texts, reason: str, filename: str, **values: object) -> str:
    """An upload refused before it was stored (no match, not a replay, too large...)."""
    return tx(f"replay.refused.{reason}", file=filename, **values)


def megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f}"


# ---------------------------------------------------------------- manual reporting
def report_prompt(tx: Texts, match_id: int) -> str:
    return tx("report.prompt", match=match_id)


def report_options(tx: Texts, sides: tuple[MatchSide, MatchSide]) -> list[tuple[str, str]]:
    """(label, value) of the result select; the value is the absolute outcome code the service takes."""
    return [
        (outcome_label(tx, Outcome.PLAYER1_WON, sides), str(int(Outcome.PLAYER1_WON))),
        (outcome_label(tx, Outcome.PLAYER2_WON, sides), str(int(Outcome.PLAYER2_WON))),
        (outcome_label(tx, Outcome.DRAW, sides), str(int(Outcome.DRAW))),
    ]


def report_confirm(tx: Texts, match_id: int, result: str) -> str:
    return tx("report.confirm", match=match_id, result=result)


def report_done(tx: Texts, match_id: int, result: str) -> str:
    return tx("report.done", match=match_id, result=result)


def opponent_notice(tx: Texts, match_id: int, reporter: str, result: str) -> str:
    return tx("report.opponent_notice", match=match_id, name=reporter, result=result)


# ---------------------------------------------------------------- /prune
def prune_preview(tx: Texts, count: int, kept: int, hours: int) -> str:
    text = tx("prune.preview", count=count, hours=hours)
    if kept:
        text += "\n" + tx("prune.kept", kept=kept)
    return text


def prune_nothing(tx: Texts, kept: int, hours: int) -> str:
    text = tx("prune.nothing", hours=hours)
    if kept:
        text += "\n" + tx("prune.kept", kept=kept)
    return text


def names(values: Sequence[str]) -> tuple[MatchSide, MatchSide]:
    return MatchSide(values[0]), MatchSide(values[1])
