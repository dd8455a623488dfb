"""The /profile screen (pure): identity, per-race standing and recent form, account status.

Privacy: another player's profile never shows their BattleTag, their account status or a ban
reason (``own=False``). A ban reason is never shown here at all: a banned player is refused by the
command's gate, and others only see that the entries are unranked because of a ban.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from evoladder.datapack.schema import Country, Race, ResidentialRegion
from evoladder.discord_bot.emotes import Emotes
from evoladder.discord_bot.presenters.leaderboard import race_label
from evoladder.discord_bot.presenters.onboarding import country_label, region_label
from evoladder.discord_bot.texts import Texts
from evoladder.domain.leaderboard import RankStatus
from evoladder.i18n import format_number, format_percent
from evoladder.services.profiles import PlayerProfile, RaceProfile, WindowStats

COLOR = discord.Colour.blurple()
FIELD_LIMIT = 1024


def web_url(base: str | None, public_id: str) -> str | None:
    """The player's web page, when the deployment has a web base URL (under the public id: Discord ids
    stay private)."""
    return f"{base.rstrip('/')}/players/{public_id}" if base else None


def signed(value: int) -> str:
    return f"+{value}" if value > 0 else ("±0" if value == 0 else f"{value}")


def when(moment: object) -> str:
    """A Discord timestamp the reader's client shows in their own time zone, relative ("3 days ago")."""
    return discord.utils.format_dt(moment, "R")  # type: ignore[arg-type]


def day(moment: object) -> str:
    return discord.utils.format_dt(moment, "D")  # type: ignore[arg-type]


def identity_lines(
    tx: Texts,
    prof: PlayerProfile,
    *,
    own: bool,
    country: Country | None,
    region: ResidentialRegion | None,
    emotes: Emotes,
) -> list[str]:
    p = prof.player
    lines = [tx("profile.identity.in_game_name", name=discord.utils.escape_markdown(p.in_game_name or "-"))]
    if p.alt_names:
        lines.append(tx("profile.identity.alt_names", names=discord.utils.escape_markdown(", ".join(p.alt_names))))
    if own and p.battletag:
        lines.append(tx("profile.identity.battletag", battletag=discord.utils.escape_markdown(p.battletag)))
    if p.discord_username:
        lines.append(tx("profile.identity.discord", name=discord.utils.escape_markdown(p.discord_username)))
    where = f"{emotes.flag(country.code)} {country_label(tx, country)}" if country else tx("profile.not_set")
    lines.append(tx("profile.identity.country", country=where))
    lines.append(tx("profile.identity.region", region=region_label(tx, region) if region else tx("profile.not_set")))
    return lines


def race_title(tx: Texts, rp: RaceProfile, race: Race | None, emotes: Emotes) -> str:
    label = race_label(tx, race) if race else str(rp.race)
    letter = rp.standing.letter
    if rp.standing.status is RankStatus.RANKED:
        return f"{emotes.race(rp.race)} {label} · {emotes.rank(letter)}"
    return f"{emotes.race(rp.race)} {label}"


def _reason(tx: Texts, rp: RaceProfile) -> str:
    status = rp.standing.status
    last = rp.standing.entry.last_played
    if status is RankStatus.BANNED:
        return tx("profile.reason.banned")
    if status is RankStatus.INACTIVE and last is not None:
        return tx("profile.reason.inactive", since=day(last))
    return tx("profile.reason.no_games")


def _window(tx: Texts, w: WindowStats) -> str:
    if not w.played:
        return tx("profile.window.none", days=w.days)
    return tx(
        "profile.window",
        days=w.days,
        games=w.played,
        won=w.won,
        lost=w.lost,
        drawn=w.drawn,
        change=signed(w.mmr_change),
    )


def race_value(tx: Texts, rp: RaceProfile) -> str:
    """MMR and standing, W-L-D and win rate, last played, and the 14 / 30 / 90-day windows."""
    s, e = rp.standing, rp.standing.entry
    mmr = format_number(e.mmr, tx.locale)
    if s.status is RankStatus.RANKED and s.position is not None:
        top = format_percent((s.top_percent or 0) / 100, tx.locale, digits=1)
        lines = [tx("profile.race.ranked", mmr=mmr, position=s.position, total=s.ranked_count, top=top)]
    else:
        lines = [tx("profile.race.unranked", mmr=mmr, reason=_reason(tx, rp))]
    if e.games_played:
        rate = format_percent(e.win_rate or 0.0, tx.locale)
        lines.append(tx("profile.race.record", won=e.games_won, lost=e.games_lost, drawn=e.games_drawn, rate=rate))
    else:
        lines.append(tx("profile.race.record_none"))
    if e.last_played is not None:
        lines.append(tx("profile.race.last_played", when=when(e.last_played)))
    if s.status is RankStatus.RANKED and s.ranked_until is not None:
        lines.append(tx("profile.race.ranked_until", when=when(s.ranked_until)))
    lines += [_window(tx, w) for w in rp.windows]
    return "\n".join(lines)[:FIELD_LIMIT]


def account_value(tx: Texts, prof: PlayerProfile) -> str:
    p = prof.player
    return "\n".join(
        (
            tx("profile.account.tos_yes")
            if p.tos_accepted
            else tx("profile.account.tos_no", command=tx.command("termsofservice")),
            tx("profile.account.setup_yes")
            if p.setup_completed
            else tx("profile.account.setup_no", command=tx.command("setup")),
            tx("profile.account.aborts", left=prof.aborts_left, allowed=prof.aborts_allowed),
        )
    )


def profile_embed(
    tx: Texts,
    prof: PlayerProfile,
    *,
    own: bool,
    races: Sequence[Race],
    country: Country | None,
    region: ResidentialRegion | None,
    emotes: Emotes,
    url: str | None,
) -> discord.Embed:
    """The whole profile; ``own`` adds the private parts (BattleTag, account status)."""
    p = prof.player
    title = f"{emotes.flag(p.country)} {p.display_name}"
    lines = identity_lines(tx, prof, own=own, country=country, region=region, emotes=emotes)
    embed = discord.Embed(title=title[:256], description="\n".join(lines), colour=COLOR, url=url)
    by_code = {str(r.code): r for r in races}
    for rp in prof.races:
        embed.add_field(name=race_title(tx, rp, by_code.get(rp.race), emotes), value=race_value(tx, rp), inline=False)
    if not prof.races:
        embed.add_field(name=tx("profile.races"), value=tx("profile.no_races", command=tx.command("queue")))
    if own:
        embed.add_field(name=tx("profile.account"), value=account_value(tx, prof), inline=False)
    return embed
