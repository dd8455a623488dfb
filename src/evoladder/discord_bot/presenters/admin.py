"""Pure renderings for the admin commands: previews, outcomes, notices, snapshot, dossiers, audit rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import discord

from evoladder.discord_bot.emotes import Emotes
from evoladder.discord_bot.presenters.queue import timestamp
from evoladder.discord_bot.presenters.replays import names, replay_embed
from evoladder.discord_bot.texts import Texts
from evoladder.domain.match import Match
from evoladder.domain.player import Player
from evoladder.domain.rating import Outcome
from evoladder.services.admin_reads import MatchDossier, PlayerDossier, Snapshot

COLOUR = discord.Colour.dark_gold()
ROWS_MAX = 15
"""Rows per list in an embed field (the rest is counted)."""


def who(player: Player) -> str:
    """How staff see a player: display name, mention and id."""
    return f"{player.display_name} (<@{player.id}>, {player.id})"


def state_label(tx: Texts, state: str) -> str:
    return tx(f"admin.state.{state}")


def result_label(
    tx: Texts, result: Outcome | int | None, match: Match | None = None, *, names_: Sequence[str] = ()
) -> str:
    """``None`` -> no result; 0 draw; 1/2 the winner (with the name when known)."""
    if result is None:
        return tx("admin.result.none")
    value = int(result)
    if value == 0:
        return tx("admin.result.draw")
    name = names_[value - 1] if len(names_) == 2 else "?"
    return tx(f"admin.result.player_{value}", name=name)


def target_result(tx: Texts, winner: str, names_: Sequence[str]) -> str:
    """The result an admin picked: ``1``, ``2``, ``draw`` or ``invalidate``."""
    if winner == "invalidate":
        return tx("admin.result.invalidated")
    return result_label(tx, 0 if winner == "draw" else int(winner), names_=names_)


def role_label(tx: Texts, role: str | None) -> str:
    return tx(f"admin.role.{role or 'none'}")


def yes_no(tx: Texts, value: bool) -> str:
    return tx("admin.yes") if value else tx("admin.no")


def duration(seconds: float) -> str:
    s = max(0, int(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{sec:02d}s"


def preview(tx: Texts, line: str, reason: str | None, extra: Iterable[str] = ()) -> str:
    parts = [tx("admin.preview.intro"), line, *extra]
    if reason:
        parts.append(tx("admin.preview.reason", reason=reason))
    return "\n".join(parts)


def listing(tx: Texts, rows: list[str]) -> str:
    if not rows:
        return tx("admin.none")
    shown = rows[:ROWS_MAX]
    if len(rows) > ROWS_MAX:
        shown.append(tx("admin.more", count=len(rows) - ROWS_MAX))
    return "\n".join(shown)[:1024]


# ---------------------------------------------------------------------- snapshot
def snapshot_embed(tx: Texts, snap: Snapshot, emotes: Emotes, race_name: Any) -> discord.Embed:
    embed = discord.Embed(title=tx("admin.snapshot.title"), colour=COLOUR, timestamp=snap.at)
    db = tx("admin.snapshot.db_ok") if snap.db_ok else tx("admin.snapshot.db_down")
    stats = ", ".join(f"{k}={v}" for k, v in sorted(snap.replay_stats.items())) or tx("admin.none")
    embed.description = "\n".join(
        [
            tx("admin.snapshot.health", memory=f"{snap.memory_mb:.0f}", db=db, pool=snap.db_pool),
            tx("admin.snapshot.workers", stats=stats),
            tx(
                "admin.snapshot.queue",
                count=len(snap.waiting),
                races=_counts(snap.queue_by_race, race_name),
                regions=_counts(snap.queue_by_region, str),
            ),
        ]
    )
    waiting = []
    for w in snap.waiting:
        races = " ".join(
            f"{emotes.race(r)}{race_name(r)} {emotes.rank(w.letters.get(r, '?'))}"
            for r in (w.ticket.bw_race, w.ticket.sc2_race)
            if r
        )
        waiting.append(
            tx(
                "admin.snapshot.waiting_row",
                flag=emotes.flag(w.player.country),
                name=w.player.display_name,
                id=w.player.id,
                races=races,
                wait=duration(w.waited_s),
            )
        )
    embed.add_field(name=tx("admin.snapshot.waiting", count=len(waiting)), value=listing(tx, waiting), inline=False)
    active = [
        tx(
            "admin.snapshot.active_row",
            id=a.match.id,
            p1=a.player1.display_name,
            p2=a.player2.display_name,
            state=state_label(tx, a.match.state.value),
            elapsed=duration(a.elapsed_s),
        )
        for a in snap.active
    ]
    embed.add_field(name=tx("admin.snapshot.active", count=len(active)), value=listing(tx, active), inline=False)
    return embed


def _counts(values: Mapping[str, int], label: Any) -> str:
    return ", ".join(f"{label(k)} {v}" for k, v in sorted(values.items())) or "0"


# ---------------------------------------------------------------------- player
def player_embed(tx: Texts, d: PlayerDossier, emotes: Emotes, race_name: Any) -> discord.Embed:
    p = d.profile.player
    embed = discord.Embed(title=tx("admin.player.title", name=p.display_name, id=p.id), colour=COLOUR)
    none = tx("admin.none")
    embed.description = "\n".join(
        [
            tx(
                "admin.player.identity",
                discord=p.discord_username or none,
                ign=p.in_game_name or none,
                tag=p.battletag or none,
                alts=", ".join(p.alt_names) or none,
            ),
            tx(
                "admin.player.location",
                flag=emotes.flag(p.country),
                country=p.country or none,
                region=p.region or none,
                language=p.language or none,
            ),
            tx(
                "admin.player.status",
                tos=yes_no(tx, p.tos_accepted),
                setup=yes_no(tx, p.setup_completed),
                banned=yes_no(tx, p.is_banned) + (f" ({p.ban_reason})" if p.is_banned and p.ban_reason else ""),
                aborts=d.profile.aborts_left,
                role=role_label(tx, d.staff_role),
            ),
        ]
    )
    races = [
        tx(
            "admin.player.race_row",
            race=f"{emotes.race(str(r.race))}{race_name(str(r.race))}",
            mmr=r.standing.entry.mmr,
            letter=emotes.rank(str(r.standing.letter)),
            won=r.standing.entry.games_won,
            lost=r.standing.entry.games_lost,
            drawn=r.standing.entry.games_drawn,
        )
        for r in d.profile.races
    ]
    embed.add_field(name=tx("admin.player.ratings"), value=listing(tx, races), inline=False)
    state: list[str] = []
    if d.ticket is not None:
        t = d.ticket
        state.append(
            tx(
                "admin.player.queued",
                since=timestamp(t.joined_at),
                races=", ".join(race_name(r) for r in (t.bw_race, t.sc2_race) if r),
                vetoes=", ".join(sorted(t.vetoes)) or none,
            )
        )
    else:
        state.append(tx("admin.player.not_queued"))
    if d.stuck_match is not None:
        state.append(tx("admin.player.stuck", id=d.stuck_match))
    elif p.active_match_id is not None:
        state.append(tx("admin.player.busy", id=p.active_match_id))
    embed.add_field(name=tx("admin.player.state"), value="\n".join(state), inline=False)
    recent = [match_row(tx, m, d.names) for m in d.recent]
    embed.add_field(name=tx("admin.player.recent"), value=listing(tx, recent), inline=False)
    return embed


def report_label(tx: Texts, report: Outcome | None, names_: Sequence[str]) -> str:
    return tx("admin.report.none") if report is None else result_label(tx, report, names_=names_)


def match_row(tx: Texts, m: Match, known: Mapping[int, str]) -> str:
    n = (known.get(int(m.player1), str(m.player1)), known.get(int(m.player2), str(m.player2)))
    return tx(
        "admin.player.recent_row",
        id=m.id,
        p1=n[0],
        p2=n[1],
        state=state_label(tx, m.state.value),
        r1=report_label(tx, m.report1, n),
        r2=report_label(tx, m.report2, n),
        result=result_label(tx, m.result, names_=n),
    )


# ---------------------------------------------------------------------- match
def match_embeds(tx: Texts, d: MatchDossier, race_name: Any) -> list[discord.Embed]:
    """The match's full state, then each stored replay's report (Discord allows 10 embeds)."""
    m = d.match
    n = (d.player1.display_name, d.player2.display_name)
    none = tx("admin.none")
    embed = discord.Embed(title=tx("admin.match.title", id=m.id), colour=COLOUR)
    lines = [
        tx(
            "admin.match.players",
            p1=who(d.player1),
            race1=race_name(m.race1),
            mmr1=m.mmr1,
            p2=who(d.player2),
            race2=race_name(m.race2),
            mmr2=m.mmr2,
        ),
        tx("admin.match.where", map=m.map_name, server=m.server, state=state_label(tx, m.state.value)),
        tx(
            "admin.match.reports",
            r1=report_label(tx, m.report1, n),
            r2=report_label(tx, m.report2, n),
            result=result_label(tx, m.result, names_=n),
            source=m.result_source or none,
        ),
        tx(
            "admin.match.mmr",
            d1=_signed(m.delta1),
            d2=_signed(m.delta2),
            a1=m.mmr_after1 if m.mmr_after1 is not None else none,
            a2=m.mmr_after2 if m.mmr_after2 is not None else none,
        ),
    ]
    if m.resolved_by is not None:
        lines.append(
            tx(
                "admin.match.resolution",
                admin=f"<@{m.resolved_by}>",
                when=_when(m.resolved_at, none),
                reason=m.resolution_reason or none,
            )
        )
    if m.abort_reason is not None:
        lines.append(
            tx("admin.match.aborted", reason=m.abort_reason.value, by=f"<@{m.aborted_by}>" if m.aborted_by else none)
        )
    lines.append(
        tx(
            "admin.match.times",
            created=_when(m.created_at, none),
            confirmed=_when(m.confirmed_at, none),
            completed=_when(m.completed_at, none),
        )
    )
    lines.append(tx("admin.match.replays", count=len(d.replays)))
    embed.description = "\n".join(lines)
    sides = names(n)
    return [embed, *(replay_embed(tx, r, int(m.id), sides) for r in d.replays[:9])]


def _signed(value: int | None) -> str:
    return "—" if value is None else f"{value:+d}"


def _when(at: datetime | None, none: str) -> str:
    return timestamp(at, "f") if at is not None else none


# ---------------------------------------------------------------------- audit
def audit_text(tx: Texts, entries: Sequence[Mapping[str, Any]]) -> str:
    if not entries:
        return tx("admin.audit.empty")
    rows = [tx("admin.audit.title", count=len(entries))]
    for e in entries:
        target = " ".join(
            part
            for part in (
                f"<@{e['target_player_id']}>" if e.get("target_player_id") else "",
                f"#{e['target_match_id']}" if e.get("target_match_id") else "",
            )
            if part
        )
        rows.append(
            tx(
                "admin.audit.row",
                when=_when(e.get("at"), "?"),
                admin=f"<@{e['admin_id']}>" if e.get("admin_id") else tx("admin.console"),
                action=e.get("action"),
                target=target or "—",
                old=_compact(e.get("old_value")),
                new=_compact(e.get("new_value")),
                reason=e.get("reason") or "—",
            )
        )
    return "\n".join(rows)[:2000]


def _compact(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "—"
    return "—" if value is None else str(value)


def candidates_text(tx: Texts, text: str, players: Sequence[Player]) -> str:
    rows = [f"• {who(p)}" for p in players[:ROWS_MAX]]
    return tx("admin.ambiguous", text=text[:50], list="\n".join(rows))
