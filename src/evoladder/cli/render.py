"""Plain-text presenters for the CLI: pure functions from service results to lines."""

from __future__ import annotations

from evoladder.domain.leaderboard import Page
from evoladder.domain.match import Match, MatchState
from evoladder.domain.player import Player, Rating
from evoladder.domain.rating import Outcome
from evoladder.services.players import Profile
from evoladder.services.profiles import PlayerProfile, RaceProfile

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


SPARK = " ▁▂▃▄▅▆▇█"


def sparkline(values: list[int], width: int = 32) -> str:
    """The MMR history as one line of block characters (the last ``width`` points)."""
    values = values[-width:]
    if not values:
        return ""
    lo, hi = min(values), max(values)
    span = hi - lo or 1
    return "".join(SPARK[1 + round((v - lo) * (len(SPARK) - 2) / span)] for v in values)


def race_profile_lines(race: RaceProfile) -> list[str]:
    v, e = race.standing, race.standing.entry
    wr = f"{e.win_rate * 100:.0f}%" if e.win_rate is not None else "-"
    if v.position is None:
        standing = f"U  unranked ({v.status.value})"
    else:
        standing = f"{v.letter.value}  #{v.position} of {v.ranked_count}  (top {v.top_percent:.1f}%)"
    lines = [
        f"  {e.race:<12} MMR {e.mmr:>5}  {standing}",
        f"  {'':<12} W-L-D {e.games_won}-{e.games_lost}-{e.games_drawn}  win rate {wr}"
        f"  last played {_ts(e.last_played)}",
    ]
    form = "  ".join(f"{w.days}d: {w.won}-{w.lost}-{w.drawn} ({w.mmr_change:+d})" for w in race.windows)
    lines.append(f"  {'':<12} {form}")
    if race.history:
        points = [race.history[0].mmr - race.history[0].delta, *(p.mmr for p in race.history)]
        lines.append(f"  {'':<12} history {sparkline(points)}  {min(points)}..{max(points)}")
    return lines


def player_profile_lines(profile: PlayerProfile) -> list[str]:
    """The full profile: identity, aborts, each race's standing and form, recent matches."""
    lines = player_lines(profile.player)
    lines.append(f"  Aborts left  : {profile.aborts_left} of {profile.aborts_allowed} this month")
    if profile.races:
        lines.append("  Races:")
        for race in profile.races:
            lines.extend(race_profile_lines(race))
    else:
        lines.append("  Races: none yet")
    if profile.recent:
        lines.append("  Recent matches:")
        for m in profile.recent:
            change = f"{m.mmr_change:+d}" if m.mmr_change is not None else ""
            lines.append(
                f"  #{m.match_id:<6} {_ts(m.at)}  {m.race} vs {m.opponent_name} ({m.opponent_race}) on {m.map_name}"
                f"  {m.outcome or m.state}  {change}"
            )
    return lines
