"""Plain-text presenters for the CLI: pure functions from service results to lines."""

from __future__ import annotations

from evoladder.domain.leaderboard import EntryView, Page
from evoladder.domain.match import Match, MatchState
from evoladder.domain.player import Player, Rating
from evoladder.domain.rating import Outcome
from evoladder.services.players import Profile

RESULT_TEXT = {Outcome.DRAW: "draw", Outcome.PLAYER1_WON: "player 1 won", Outcome.PLAYER2_WON: "player 2 won"}


def _ts(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value is not None else "-"  # type: ignore[attr-defined]


def player_lines(player: Player) -> list[str]:
    return [
        f"Player {player.id}  {player.display_name}",
        f"  Discord name : {player.discord_username or '-'}",
        f"  In-game name : {player.in_game_name or '-'}   BattleTag: {player.battletag or '-'}",
        f"  Alt names    : {', '.join(player.alt_names) or '-'}",
        f"  Country      : {player.country or '-'}   Region: {player.region or '-'}"
        f"   Language: {player.language or '-'}",
        f"  Terms        : {'accepted' if player.tos_accepted else 'not accepted'}"
        f"   Setup: {'done ' + _ts(player.setup_completed_at) if player.setup_completed else 'not done'}",
        f"  Status       : {'BANNED (' + (player.ban_reason or '') + ')' if player.is_banned else 'ok'}"
        f"   In match: {('#' + str(player.active_match_id)) if player.active_match_id else 'no'}",
    ]


def rating_line(r: Rating) -> str:
    wr = f"{r.win_rate * 100:.0f}%" if r.win_rate is not None else "-"
    return (
        f"  {r.race:<12} MMR {r.mmr:>5}   W-L-D {r.games_won}-{r.games_lost}-{r.games_drawn}"
        f"   win rate {wr:>4}   last played {_ts(r.last_played)}"
    )


def profile_lines(profile: Profile) -> list[str]:
    lines = player_lines(profile.player)
    lines.append(f"  Aborts left  : {profile.aborts_left} of {profile.aborts_allowed} this month")
    if profile.ratings:
        lines.append("  Ratings:")
        lines.extend(rating_line(r) for r in sorted(profile.ratings.values(), key=lambda r: r.race))
    else:
        lines.append("  Ratings: none yet")
    return lines


def match_lines(m: Match) -> list[str]:
    def report(value: Outcome | None) -> str:
        return RESULT_TEXT[value] if value is not None else "-"

    lines = [
        f"Match #{m.id}  [{m.state.value}]  {m.map_name} on {m.server}  channel {m.channel or f'scevo{m.id}'}",
        f"  Player 1: {m.player1} ({m.race1}, MMR {m.mmr1})"
        f"  confirmed {_ts(m.confirmed1_at)}  report {report(m.report1)}",
        f"  Player 2: {m.player2} ({m.race2}, MMR {m.mmr2})"
        f"  confirmed {_ts(m.confirmed2_at)}  report {report(m.report2)}",
        f"  Created {_ts(m.created_at)}  confirm by {_ts(m.confirm_deadline)}  completed {_ts(m.completed_at)}",
    ]
    if m.result is not None:
        lines.append(
            f"  Result: {RESULT_TEXT[m.result]}   MMR {m.mmr1} -> {m.mmr_after1} ({m.delta1:+d}),"
            f" {m.mmr2} -> {m.mmr_after2} ({m.delta2:+d})"
        )
    if m.state is MatchState.ABORTED:
        who = f"by player {m.aborted_by}" if m.aborted_by else f"timeout; not confirmed: {list(m.unconfirmed)}"
        lines.append(f"  Aborted: {who}")
    if m.resolved_by is not None:
        lines.append(f"  Resolved by admin {m.resolved_by} at {_ts(m.resolved_at)}: {m.resolution_reason}")
    return lines


def leaderboard_lines(page: Page) -> list[str]:
    lines = [f"{'#':>5} {'rank':<4} {'player':<14} {'cc':<3} {'race':<12} {'MMR':>5} {'W-L-D':>10} {'win%':>5}"]
    for r in page.rows:
        wld = f"{r.games_won}-{r.games_lost}-{r.games_drawn}"
        wr = f"{100 * r.games_won / r.games_played:.0f}" if r.games_played else "-"
        lines.append(
            f"{r.position:>5} {r.letter.value:<4} {r.name[:14]:<14} {r.country or '--':<3} {r.race:<12}"
            f" {r.mmr:>5} {wld:>10} {wr:>5}"
        )
    lines.append(
        f"page {page.page}/{page.total_pages}, {page.total_entries} entries ({page.ranked_count} ranked in all)"
    )
    return lines


def standing_lines(views: tuple[EntryView, ...]) -> list[str]:
    if not views:
        return []
    lines = ["  Standing:"]
    for v in views:
        if v.position is None:
            lines.append(f"  {v.entry.race:<12} unranked ({v.status.value})")
        else:
            lines.append(
                f"  {v.entry.race:<12} {v.letter.value}  #{v.position} of {v.ranked_count}  (top {v.top_percent:.1f}%)"
            )
    return lines


def recent_lines(matches: list[Match], player_id: int) -> list[str]:
    if not matches:
        return []
    lines = ["  Recent matches:"]
    for m in matches:
        me1 = m.player1 == player_id
        opp = m.player2 if me1 else m.player1
        delta = m.delta1 if me1 else m.delta2
        change = f"{delta:+d}" if delta is not None else ""
        lines.append(f"  #{m.id:<6} vs {opp} on {m.map_name} [{m.state.value}] {change}")
    return lines
