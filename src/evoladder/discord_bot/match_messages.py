"""The match card each player gets by DM, kept up to date in place, and the notices around it.

One card per player and match: it shows "match found" (Confirm / Abort) while the match waits for
confirmations, then the match details (players, map and mod links, server, channel, lobby settings,
result, MMR change, replay status), or why the match was cancelled. Its message id is stored
(``FrontendMessageService``, purpose ``match``), so after a restart the card is still edited in place
and its buttons (persistent ``DynamicItem``s) act on the stored match.

Public API for other features (e.g. replay upload and manual reporting):

- ``await refresh(bot, match_id)``: re-render both players' cards from the stored match. Call it after
  anything that changes what the card shows and that does not come as a ``MatchChanged`` event
  (a replay upload that is still being checked, say). Match transitions refresh on their own.
- ``register_controls(builder)``: ``builder(bot, match, player_id, tx) -> list[discord.ui.Item]`` adds
  components (e.g. a "Report result" button) under the details card; called on every render.
- ``texts_for_id(bot, player_id)``: the player's language for an unsolicited DM.
- ``post_admin(bot, content, mention_staff=...)``: the admin match-log channel.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord

from evoladder.datapack.errors import NoModRelease
from evoladder.discord_bot.presenters import match as present
from evoladder.discord_bot.texts import Texts
from evoladder.domain.errors import NotFound
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import Match, MatchState
from evoladder.domain.replay_intake import ReplayStatus
from evoladder.i18n import Locale, resolve_locale
from evoladder.services.frontend_messages import FrontendMessageService

if TYPE_CHECKING:
    from evoladder.discord_bot.bot import EvoBot

log = logging.getLogger(__name__)

CARD = "match"
"""``FrontendMessageService`` purpose of the match card (subject: the match id)."""
ControlBuilder = Callable[["EvoBot", Match, int, Texts], Sequence[discord.ui.Item[Any]]]
_controls: list[ControlBuilder] = []


def register_controls(builder: ControlBuilder) -> None:
    """Add components to the details card (in progress or later); idempotent per builder."""
    if builder not in _controls:
        _controls.append(builder)


def store(bot: EvoBot) -> FrontendMessageService:
    return FrontendMessageService(bot.ladder.ctx)


# ---------------------------------------------------------------------- languages
def _hints(bot: EvoBot) -> dict[int, str]:
    cog = bot.get_cog("Match")
    return getattr(cog, "locales", {}) if cog is not None else {}


def remember_locale(bot: EvoBot, interaction: discord.Interaction) -> None:
    """Remember the client's language, for DMs the player did not ask for (match found, results)."""
    cog = bot.get_cog("Match")
    if cog is not None:
        cog.locales[interaction.user.id] = interaction.locale.value  # type: ignore[attr-defined]


def texts_for_id(bot: EvoBot, player_id: int) -> Texts:
    """Stored preference, else the client language last seen (this process), else English."""
    player = bot.ladder.ctx.cache.player(PlayerId(player_id))
    return Texts(bot.catalogs, resolve_locale(_hints(bot).get(player_id), player.language if player else None))


def admin_texts(bot: EvoBot) -> Texts:
    return Texts(bot.catalogs, Locale.EN)


# ---------------------------------------------------------------------- what a card shows
async def sides(bot: EvoBot, match: Match) -> tuple[present.Side, present.Side]:
    ladder = bot.ladder
    out = []
    for pid, race, mmr, after in (
        (match.player1, match.race1, match.mmr1, match.mmr_after1),
        (match.player2, match.race2, match.mmr2, match.mmr_after2),
    ):
        player = await ladder.players.get(pid)
        letter = "U"
        with contextlib.suppress(Exception):  # the board may not hold a brand-new entry yet
            letter = next((v.letter.value for v in ladder.leaderboard.player_views(pid) if v.entry.race == race), "U")
        out.append(
            present.Side(
                player_id=int(pid),
                name=player.display_name,
                discord_name=player.discord_username or str(pid),
                battletag=player.battletag or "-",
                alt_names=player.alt_names,
                country=player.country,
                race_code=race,
                race_name=ladder.pack.race(race).name,
                mmr=mmr,
                mmr_after=after,
                letter=letter,
            )
        )
    return out[0], out[1]


def lobby(bot: EvoBot, match: Match) -> present.Lobby:
    """Map and mod links for the game region of the match's server, from the data pack."""
    pack = bot.ladder.pack
    server = pack.server(match.server)
    try:
        map_link = pack.find_map(match.map_name).links.get(server.game_region)
    except KeyError:
        map_link = None
    try:
        release = pack.mod_release_on(match.created_at.date())
        regional = release.regions.get(server.game_region)
        mod_link = regional.link if regional else None
    except NoModRelease:
        mod_link = None
    channel = match.channel or f"SCEvo{match.id}"
    return present.Lobby(str(match.map_name), map_link, mod_link, server.name, channel)


async def replay_status(bot: EvoBot, tx: Texts, match: Match, both: tuple[present.Side, present.Side]) -> str:
    """Per player: no upload, being checked, verified, or failed checks."""
    records = await bot.ladder.replays.for_match(match.id)
    lines = []
    for side in both:
        mine = [r for r in records if r.uploader_id is not None and int(r.uploader_id) == side.player_id]
        if not mine:
            state = tx("match.replay.none")
        else:
            latest = max(mine, key=lambda r: (r.uploaded_at, r.id))
            if latest.status is ReplayStatus.PENDING:
                state = tx("match.replay.checking")
            elif match.replay_id == latest.id or latest.overall in {"pass", "warn"}:
                state = tx("match.replay.verified")
            else:
                state = tx("match.replay.failed")
        lines.append(f"{side.name}: {state}")
    return "\n".join(lines)


async def card(bot: EvoBot, match: Match, viewer: int) -> tuple[discord.Embed, discord.ui.View | None]:
    """The card ``viewer`` sees for ``match`` in its current state, with its components."""
    from evoladder.discord_bot.views.match import found_view

    tx = texts_for_id(bot, viewer)
    both = await sides(bot, match)
    me, them = (both[0], both[1]) if viewer == int(match.player1) else (both[1], both[0])
    where = lobby(bot, match)
    if match.state is MatchState.CREATED:
        left = (await bot.ladder.players.profile(PlayerId(viewer))).aborts_left
        embed = present.found_embed(tx, match, me, them, where, bot.emotes)
        confirmed = match.confirmed(match.slot_of(PlayerId(viewer)))
        return embed, found_view(tx, viewer, int(match.id), confirmed=confirmed, aborts_left=left)
    if match.state is MatchState.ABORTED:
        return present.cancelled_embed(tx, match, both), None
    embed = present.details_embed(tx, match, both, where, bot.emotes, await replay_status(bot, tx, match, both))
    items = [item for builder in _controls for item in builder(bot, match, viewer, tx)]
    if not items:
        return embed, None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return embed, view


# ---------------------------------------------------------------------- sending and editing
async def send_card(bot: EvoBot, match: Match, player_id: int) -> None:
    """DM the card and remember where it is; an undeliverable DM is recorded and reported."""
    embed, view = await card(bot, match, player_id)
    kwargs: dict[str, Any] = {"embed": embed}
    if view is not None:
        kwargs["view"] = view
    message = await bot.send_dm(player_id, purpose="match_found", match_id=int(match.id), **kwargs)
    if message is not None:
        await store(bot).remember(player_id, CARD, int(match.id), message.channel.id, message.id)


async def refresh(bot: EvoBot, match_id: int) -> None:
    """Re-render both players' cards of ``match_id`` from the stored match, in place.

    Safe to call any time, from any feature; a card whose message is gone is forgotten.
    """
    try:
        match = await bot.ladder.matches.get(match_id)
    except NotFound:
        return
    for ref in await store(bot).for_subject(CARD, int(match_id)):
        embed, view = await card(bot, match, ref.player_id)
        message = bot.get_partial_messageable(ref.channel_id).get_partial_message(ref.message_id)
        try:
            await message.edit(content=None, embed=embed, view=view)
        except discord.NotFound:
            await store(bot).forget(CARD, [int(match_id)], ref.player_id)
        except discord.HTTPException:
            log.warning("could not refresh the card of match %s for %s", match_id, ref.player_id)


async def notify(bot: EvoBot, player_id: int, match_id: int, purpose: str, text: str) -> None:
    await bot.send_dm(player_id, purpose=purpose, match_id=match_id, content=text)


async def post_admin(bot: EvoBot, content: str, *, mention_staff: bool = False) -> None:
    """Post to the admin match-log channel (if configured), optionally mentioning the staff role."""
    channel_id = bot.settings.discord_admin_channel_id
    if channel_id is None:
        return
    role = bot.settings.discord_staff_role_id
    if mention_staff and role:
        content = f"<@&{role}> {content}"
    mentions = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(role)] if role else False)
    try:
        channel = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
        await channel.send(content, allowed_mentions=mentions)  # type: ignore[union-attr]
    except discord.HTTPException:
        log.exception("could not post to the admin channel %s", channel_id)


async def protected_messages(bot: EvoBot, player: Any) -> list[int]:
    """For /prune: the player's card of their active match and their searching message are kept."""
    active = int(player.active_match_id) if player.active_match_id is not None else None
    return [
        ref.message_id
        for ref in await store(bot).for_player(int(player.id))
        if ref.purpose == "queue" or (ref.purpose == CARD and ref.subject_id == active)
    ]
