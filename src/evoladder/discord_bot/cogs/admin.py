"""Staff tools: ``/admin ...`` (admins and owners) and ``/owner admin`` (owners).

Access: the caller must be staff (``ctx.is_admin`` / ``ctx.is_owner``, loaded from the ``staff`` table),
and the command must come from a DM or the configured staff channel; any other caller or place gets a
refusal only they see. Reads answer at once. Every mutating command stores its operation and shows a
preview (who, what, old -> new) with Confirm / Cancel (``views.admin``); Confirm applies it once through
the admin services, which write the audit entry in the same transaction as the effect. Each affected
player is then told by DM in their language; a DM that cannot be delivered is noted in the staff channel.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import AsyncIterator
from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from evoladder.discord_bot.bot import EvoBot
from evoladder.discord_bot.errors import Refused
from evoladder.discord_bot.presenters import admin as present
from evoladder.discord_bot.respond import replace, reply
from evoladder.discord_bot.texts import Texts
from evoladder.discord_bot.views.admin import (
    CANCELLED,
    DONE,
    AdminOp,
    admin_texts,
    confirm_view,
    load_op,
    new_token,
    save_op,
)
from evoladder.domain.errors import Forbidden, InvalidInput, LadderError, NotFound
from evoladder.domain.ids import PlayerId, RaceCode
from evoladder.domain.player import Player
from evoladder.i18n import Locale
from evoladder.services.admin import DuplicateRequest
from evoladder.services.admin_reads import AmbiguousPlayer
from evoladder.services.events import Event, SeasonChanged
from evoladder.services.seasons import DuplicateSeasonRequest

log = logging.getLogger(__name__)
AUTOCOMPLETE_LIMIT = 25


def s(key: str, english: str) -> app_commands.locale_str:
    """A description or choice name translated from the ``commands`` catalog (``key`` under ``cmd.admin.``)."""
    return app_commands.locale_str(english, key=f"cmd.admin.{key}")


WINNERS = [
    app_commands.Choice(name=s("c.player_1", "Player 1 wins"), value="1"),
    app_commands.Choice(name=s("c.player_2", "Player 2 wins"), value="2"),
    app_commands.Choice(name=s("c.draw", "Draw"), value="draw"),
    app_commands.Choice(name=s("c.invalidate", "Invalidate"), value="invalidate"),
]
MODES = [
    app_commands.Choice(name=s("c.set", "Set to"), value="set"),
    app_commands.Choice(name=s("c.add", "Add"), value="add"),
    app_commands.Choice(name=s("c.subtract", "Subtract"), value="subtract"),
]
STAFF_ACTIONS = [
    app_commands.Choice(name=s("c.staff_add", "Make admin"), value="add"),
    app_commands.Choice(name=s("c.staff_remove", "Remove admin"), value="remove"),
]
P_PLAYER = s("p.player", "Mention, Discord id, or a name (Discord, in-game or alternative)")
P_REASON = s("p.reason", "Why (kept in the audit log)")


class Answer(Exception):
    """A localized answer that ends a command early (unknown player, nothing to change...)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class Admin(commands.Cog):
    admin = app_commands.Group(name="admin", description=s("description", "Ladder staff tools"))
    season = app_commands.Group(name="season", description=s("season.description", "Seasons"), parent=admin)
    owner = app_commands.Group(name="owner", description=s("owner.description", "Ladder owner tools"))

    def __init__(self, bot: EvoBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.ladder.ctx.bus.subscribe_async(self.on_event)

    # ------------------------------------------------------------------ access
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Staff only (owners for /owner), and only in a DM or the staff channel."""
        ctx = self.bot.ladder.ctx
        uid = interaction.user.id
        root = getattr(interaction.command, "root_parent", None)
        owner_only = (root.name if root else getattr(interaction.command, "name", "")) == "owner"
        if owner_only and not ctx.is_owner(uid):
            raise Refused(Forbidden("Only ladder owners can do this.", reason="not_owner"))
        if not ctx.is_admin(uid):
            raise Refused(Forbidden("Only ladder admins can do this.", reason="not_admin"))
        staff_channel = self.bot.settings.discord_admin_channel_id
        if interaction.guild_id is not None and interaction.channel_id != staff_channel:
            raise Refused(Forbidden("Use admin commands in the staff channel or in DMs.", reason="admin_channel"))
        self.bot.track_current_task()
        return True

    @contextlib.asynccontextmanager
    async def answering(self, interaction: discord.Interaction, tx: Texts) -> AsyncIterator[None]:
        """Turn an early ``Answer`` or a refused input into a message only the admin sees."""
        try:
            yield
        except Answer as done:
            await reply(interaction, done.text, ephemeral=True)
        except InvalidInput as exc:
            await reply(interaction, tx("admin.invalid", detail=exc.message), ephemeral=True)
        except NotFound as exc:
            await reply(interaction, tx("admin.not_found", detail=exc.message), ephemeral=True)

    async def pick(self, tx: Texts, text: str) -> Player:
        """A mention, an id or a name -> the player; unknown or ambiguous names answer with what was found."""
        try:
            return await self.bot.ladder.admin.find_player(text)
        except AmbiguousPlayer as many:
            raise Answer(present.candidates_text(tx, text, many.candidates)) from None
        except NotFound:
            raise Answer(tx("admin.no_player", text=text[:50])) from None

    def race_name(self, code: str) -> str:
        try:
            return self.bot.ladder.pack.race(RaceCode(code)).name
        except KeyError:
            return code

    async def player_autocomplete(self, interaction: discord.Interaction, text: str) -> list[app_commands.Choice[str]]:
        if not self.bot.ladder.ctx.is_admin(interaction.user.id):
            return []
        found = await self.bot.ladder.admin.player_candidates(text, AUTOCOMPLETE_LIMIT)
        return [
            app_commands.Choice(name=f"{p.display_name} · @{p.discord_username or '?'} · {p.id}"[:100], value=str(p.id))
            for p in found
        ]

    # ------------------------------------------------------------------ reads
    @admin.command(name="snapshot", description=s("snapshot.description", "Health, queue and active matches"))
    async def snapshot(self, interaction: discord.Interaction) -> None:
        tx = admin_texts(interaction)
        snap = await self.bot.ladder.admin.snapshot(interaction.user.id)
        await interaction.response.send_message(embed=present.snapshot_embed(tx, snap, self.bot.emotes, self.race_name))

    @admin.command(name="player", description=s("player.description", "A player's full profile and state"))
    @app_commands.describe(player=P_PLAYER)
    async def player(self, interaction: discord.Interaction, player: str) -> None:
        tx = admin_texts(interaction)
        async with self.answering(interaction, tx):
            target = await self.pick(tx, player)
            dossier = await self.bot.ladder.admin.player_dossier(interaction.user.id, target.id)
            await interaction.response.send_message(
                embed=present.player_embed(tx, dossier, self.bot.emotes, self.race_name)
            )

    @admin.command(name="match", description=s("match.description", "A match's full state, replays and a JSON dump"))
    @app_commands.describe(match_id=s("p.match", "Match number"))
    async def match(self, interaction: discord.Interaction, match_id: int) -> None:
        tx = admin_texts(interaction)
        async with self.answering(interaction, tx):
            ladder = self.bot.ladder
            try:
                dossier = await ladder.admin.match_dossier(interaction.user.id, match_id)
            except NotFound:
                raise Answer(tx("admin.no_match", id=match_id)) from None
            await interaction.response.defer()  # reading replay files may take a moment
            files = await ladder.admin.match_files(interaction.user.id, dossier)
            await interaction.edit_original_response(
                content=tx("admin.match.files", count=len(files) - 1),
                embeds=present.match_embeds(tx, dossier, self.race_name),
                attachments=[discord.File(io.BytesIO(data), filename=name) for name, data in files],
            )

    @admin.command(name="audit", description=s("audit.description", "The latest audit log entries"))
    @app_commands.describe(player=P_PLAYER, match_id=s("p.match", "Match number"))
    async def audit(
        self, interaction: discord.Interaction, player: str | None = None, match_id: int | None = None
    ) -> None:
        tx = admin_texts(interaction)
        async with self.answering(interaction, tx):
            target = await self.pick(tx, player) if player else None
            entries = await self.bot.ladder.admin.audit_log(
                interaction.user.id, player_id=int(target.id) if target else None, match_id=match_id
            )
            await interaction.response.send_message(
                present.audit_text(tx, entries), allowed_mentions=discord.AllowedMentions.none()
            )

    # ------------------------------------------------------------------ mutations (preview first)
    async def ask(self, interaction: discord.Interaction, tx: Texts, op: AdminOp, text: str) -> None:
        """Store ``op`` and show its preview with Confirm / Cancel (only the invoking admin may press)."""
        await interaction.response.defer()
        token = new_token()
        await save_op(self.bot, token, op)
        await replace(interaction, text, view=confirm_view(tx, interaction.user.id, token))

    @admin.command(name="resolve", description=s("resolve.description", "Settle a match: winner, draw or invalidate"))
    @app_commands.describe(match_id=s("p.match", "Match number"), winner=s("p.winner", "The result"), reason=P_REASON)
    @app_commands.choices(winner=WINNERS)
    async def resolve(self, interaction: discord.Interaction, match_id: int, winner: str, reason: str) -> None:
        tx = admin_texts(interaction)
        async with self.answering(interaction, tx):
            try:
                dossier = await self.bot.ladder.admin.match_dossier(interaction.user.id, match_id)
            except NotFound:
                raise Answer(tx("admin.no_match", id=match_id)) from None
            m = dossier.match
            n = (dossier.player1.display_name, dossier.player2.display_name)
            line = tx(
                "admin.preview.resolve",
                id=m.id,
                p1=n[0],
                p2=n[1],
                state=present.state_label(tx, m.state.value),
                old=present.result_label(tx, m.result, names_=n),
                new=present.target_result(tx, winner, n),
            )
            op = AdminOp("resolve", interaction.user.id, {"match": m.id, "winner": winner, "reason": reason})
            await self.ask(interaction, tx, op, present.preview(tx, line, reason))

    @admin.command(name="adjust_mmr", description=s("adjust_mmr.description", "Set, add to or subtract from an MMR"))
    @app_commands.describe(
        player=P_PLAYER,
        race=s("p.race", "Race"),
        mode=s("p.mode", "Set, add or subtract"),
        value=s("p.value", "MMR value (0 to 10000)"),
        reason=P_REASON,
    )
    @app_commands.choices(mode=MODES)
    async def adjust_mmr(
        self,
        interaction: discord.Interaction,
        player: str,
        race: str,
        mode: str,
        value: app_commands.Range[int, 0, 10_000],
        reason: str,
    ) -> None:
        tx = admin_texts(interaction)
        async with self.answering(interaction, tx):
            target = await self.pick(tx, player)
            plan = await self.bot.ladder.admin.preview_adjust(interaction.user.id, target.id, race, mode, value)
            line = tx(
                "admin.preview.adjust",
                player=present.who(target),
                race=self.race_name(plan.race),
                old=plan.old,
                new=plan.new,
            )
            args = {"player": int(target.id), "race": str(plan.race), "mode": mode, "value": value, "reason": reason}
            await self.ask(
                interaction, tx, AdminOp("adjust", interaction.user.id, args), present.preview(tx, line, reason)
            )

    @adjust_mmr.autocomplete("race")
    async def race_autocomplete(self, interaction: discord.Interaction, text: str) -> list[app_commands.Choice[str]]:
        needle = text.strip().lower()
        return [
            app_commands.Choice(name=r.name, value=r.code)
            for r in self.bot.ladder.pack.races
            if needle in r.code.lower() or needle in r.name.lower()
        ][:AUTOCOMPLETE_LIMIT]

    async def _player_op(
        self, interaction: discord.Interaction, action: str, player: str, reason: str, **extra: Any
    ) -> None:
        tx = admin_texts(interaction)
        async with self.answering(interaction, tx):
            ladder = self.bot.ladder
            target = await self.pick(tx, player)
            name = present.who(target)
            more: list[str] = []
            if action == "ban":
                if target.is_banned:
                    raise Answer(tx("admin.same.ban", player=name))
                line = tx("admin.preview.ban", player=name)
                if ladder.queue.is_queued(target.id):
                    more.append(tx("admin.preview.ban_queued", player=name))
            elif action == "unban":
                if not target.is_banned:
                    raise Answer(tx("admin.same.unban", player=name))
                line = tx("admin.preview.unban", player=name)
            elif action == "remove_queue":
                if not ladder.queue.is_queued(target.id):
                    raise Answer(tx("admin.same.remove_queue", player=name))
                line = tx("admin.preview.remove_queue", player=name)
            elif action == "unblock":
                stuck = await ladder.admin.stuck(target.id)
                if stuck is None:
                    raise Answer(tx("admin.same.unblock", player=name))
                state = present.state_label(tx, stuck.match_state) if stuck.match_state else tx("admin.gone")
                line = tx("admin.preview.unblock", player=name, id=stuck.match_id, state=state)
            else:  # reset_aborts
                old = (await ladder.players.profile(target.id)).aborts_left
                line = tx("admin.preview.reset_aborts", player=name, old=old, new=extra["count"])
            op = AdminOp(action, interaction.user.id, {"player": int(target.id), "reason": reason, **extra})
            await self.ask(interaction, tx, op, present.preview(tx, line, reason, more))

    @admin.command(name="ban", description=s("ban.description", "Ban a player (also takes them out of the queue)"))
    @app_commands.describe(player=P_PLAYER, reason=P_REASON)
    async def ban(self, interaction: discord.Interaction, player: str, reason: str) -> None:
        await self._player_op(interaction, "ban", player, reason)

    @admin.command(name="unban", description=s("unban.description", "Lift a player's ban"))
    @app_commands.describe(player=P_PLAYER, reason=P_REASON)
    async def unban(self, interaction: discord.Interaction, player: str, reason: str) -> None:
        await self._player_op(interaction, "unban", player, reason)

    @admin.command(name="remove_queue", description=s("remove_queue.description", "Take a player out of the queue"))
    @app_commands.describe(player=P_PLAYER, reason=P_REASON)
    async def remove_queue(self, interaction: discord.Interaction, player: str, reason: str) -> None:
        await self._player_op(interaction, "remove_queue", player, reason)

    @admin.command(name="unblock", description=s("unblock.description", "Free a player stuck on a finished match"))
    @app_commands.describe(player=P_PLAYER, reason=P_REASON)
    async def unblock(self, interaction: discord.Interaction, player: str, reason: str) -> None:
        await self._player_op(interaction, "unblock", player, reason)

    @admin.command(
        name="reset_aborts", description=s("reset_aborts.description", "Set a player's aborts left this month")
    )
    @app_commands.describe(player=P_PLAYER, count=s("p.count", "Aborts left (0 to 10)"), reason=P_REASON)
    async def reset_aborts(
        self, interaction: discord.Interaction, player: str, count: app_commands.Range[int, 0, 10], reason: str
    ) -> None:
        await self._player_op(interaction, "reset_aborts", player, reason, count=count)

    for _command in (player, ban, unban, remove_queue, unblock, reset_aborts, adjust_mmr, audit):
        _command.autocomplete("player")(player_autocomplete)
    del _command

    @admin.command(name="clear_queue", description=s("clear_queue.description", "Emergency: empty the whole queue"))
    @app_commands.describe(reason=P_REASON)
    async def clear_queue(self, interaction: discord.Interaction, reason: str) -> None:
        tx = admin_texts(interaction)
        async with self.answering(interaction, tx):
            count = len(self.bot.ladder.queue.tickets())
            if count == 0:
                raise Answer(tx("admin.same.clear_queue"))
            line = tx("admin.preview.clear_queue", count=count)
            op = AdminOp("clear_queue", interaction.user.id, {"reason": reason, "count": count})
            await self.ask(interaction, tx, op, present.preview(tx, line, reason))

    @season.command(name="start", description=s("season_start.description", "Close the current season, open another"))
    @app_commands.describe(name=s("p.season", "The season to start"), reason=P_REASON)
    async def season_start(self, interaction: discord.Interaction, name: str, reason: str) -> None:
        tx = admin_texts(interaction)
        async with self.answering(interaction, tx):
            ladder = self.bot.ladder
            pack = ladder.pack
            found = next((x for x in pack.seasons if name.strip().lower() in (x.code.lower(), x.name.lower())), None)
            if found is None:
                raise Answer(tx("admin.no_season", name=name[:50]))
            current = pack.current_season
            line = tx(
                "admin.preview.season",
                old=current.name,
                new=found.name,
                maps=", ".join(m.name for m in found.maps) or tx("admin.none"),
                count=len(ladder.queue.tickets()),
            )
            op = AdminOp("season", interaction.user.id, {"season": found.code, "reason": reason})
            await self.ask(interaction, tx, op, present.preview(tx, line, reason))

    @season_start.autocomplete("name")
    async def season_autocomplete(self, interaction: discord.Interaction, text: str) -> list[app_commands.Choice[str]]:
        needle = text.strip().lower()
        return [
            app_commands.Choice(name=x.name[:100], value=x.code)
            for x in self.bot.ladder.pack.seasons
            if needle in x.code.lower() or needle in x.name.lower()
        ][:AUTOCOMPLETE_LIMIT]

    @owner.command(name="admin", description=s("owner_admin.description", "Make someone a ladder admin, or remove it"))
    @app_commands.describe(member=s("p.user", "The Discord user"), action=s("p.action", "Add or remove"))
    @app_commands.choices(action=STAFF_ACTIONS)
    async def owner_admin(self, interaction: discord.Interaction, member: discord.User, action: str) -> None:
        tx = admin_texts(interaction)
        async with self.answering(interaction, tx):
            role = self.bot.ladder.staff.role_of(member.id)
            name = f"{member.name} (<@{member.id}>, {member.id})"
            if action == "add" and role is not None:
                raise Answer(tx("admin.same.staff_add", user=name, role=present.role_label(tx, role)))
            if action == "remove" and role != "admin":
                key = "admin.same.staff_owner" if role == "owner" else "admin.same.staff_remove"
                raise Answer(tx(key, user=name))
            line = tx(f"admin.preview.staff_{action}", user=name)
            args = {"user": member.id, "name": member.name, "add": action == "add"}
            await self.ask(
                interaction, tx, AdminOp("staff", interaction.user.id, args), present.preview(tx, line, None)
            )

    # ------------------------------------------------------------------ confirmation
    async def pressed(self, interaction: discord.Interaction, tx: Texts, token: str, button: str) -> None:
        """Confirm / Cancel of a stored operation (``views.admin.AdminButton``). Applied at most once."""
        op = await load_op(self.bot, token)
        if op is None:
            await replace(interaction, tx("admin.expired"))
            return
        if op.state == DONE:
            await reply(interaction, tx("admin.already") + "\n" + (op.result or ""), ephemeral=True)
            return
        if op.state == CANCELLED:
            await replace(interaction, tx("admin.cancelled"))
            return
        if button == "no":
            op.state = CANCELLED
            await interaction.response.defer()
            await save_op(self.bot, token, op)
            await replace(interaction, tx("admin.cancelled"))
            return
        if op.action == "clear_queue" and button == "ok":
            text = tx("admin.preview.clear_again", count=op.args["count"])
            await replace(interaction, text, view=confirm_view(tx, op.admin, token, second=True))
            return
        await interaction.response.defer()
        try:
            text, notices = await self.apply(op, token, tx)
        except (DuplicateRequest, DuplicateSeasonRequest):
            await reply(interaction, tx("admin.already"), ephemeral=True)
            return
        except LadderError as exc:
            await replace(interaction, tx("admin.failed", detail=exc.message))
            return
        op.state, op.result = DONE, text
        await save_op(self.bot, token, op)
        undelivered = await self.send_notices(notices)
        if notices:
            text += "\n" + tx("admin.notified", count=len(notices) - len(undelivered))
        if undelivered:
            text += "\n" + tx("admin.undelivered_list", users=", ".join(f"<@{u}>" for u in undelivered))
        await replace(interaction, text)

    async def apply(self, op: AdminOp, token: str, tx: Texts) -> tuple[str, list[tuple[int, str, str, dict[str, Any]]]]:
        """Run ``op`` through the services. Returns the outcome text and the notices: (player, purpose, key, values)."""
        ladder = self.bot.ladder
        a, rid, admin = op.args, op.request_id(token), op.admin
        if op.action == "resolve":
            winner = a["winner"]
            outcome = None if winner == "invalidate" else 0 if winner == "draw" else int(winner)
            match = await ladder.admin.resolve(admin, a["match"], outcome, a["reason"], request_id=rid)
            p1, p2 = await ladder.players.get(match.player1), await ladder.players.get(match.player2)
            n = (p1.display_name, p2.display_name)
            text = tx("admin.done.resolve", id=match.id, result=present.target_result(tx, winner, n))
            values = {"id": match.id, "winner": winner, "names": n, "reason": a["reason"]}
            return text, [(int(pid), "admin_resolve", "admin.notice.resolved", values) for pid in (p1.id, p2.id)]
        if op.action == "adjust":
            pid = PlayerId(a["player"])
            before = await ladder.admin.preview_adjust(admin, pid, a["race"], a["mode"], a["value"])
            rating = await ladder.admin.adjust_mmr(
                admin, pid, a["race"], a["mode"], a["value"], a["reason"], request_id=rid
            )
            player = await ladder.players.get(pid)
            race = self.race_name(a["race"])
            text = tx("admin.done.adjust", player=present.who(player), race=race, old=before.old, new=rating.mmr)
            values = {"race": a["race"], "old": before.old, "new": rating.mmr, "reason": a["reason"]}
            return text, [(int(pid), "admin_mmr", "admin.notice.mmr", values)]
        if op.action in ("ban", "unban"):
            pid = PlayerId(a["player"])
            result = await ladder.admin.ban(admin, pid, op.action == "ban", a["reason"], request_id=rid)
            name = present.who(result.player)
            if not result.changed:
                return tx(f"admin.same.{op.action}", player=name), []
            text = tx(f"admin.done.{op.action}", player=name)
            if result.left_queue:
                text += "\n" + tx("admin.done.ban_queued", player=name)
                await self.close_search(int(pid))
            values = {"reason": a["reason"], "left_queue": result.left_queue}
            return text, [(int(pid), f"admin_{op.action}", f"admin.notice.{op.action}", values)]
        if op.action == "remove_queue":
            pid = PlayerId(a["player"])
            name = present.who(await ladder.players.get(pid))
            if not await ladder.admin.remove_from_queue(admin, pid, a["reason"], request_id=rid):
                return tx("admin.same.remove_queue", player=name), []
            await self.close_search(int(pid))
            return tx("admin.done.remove_queue", player=name), [
                (int(pid), "admin_queue", "admin.notice.removed_queue", {"reason": a["reason"]})
            ]
        if op.action == "unblock":
            pid = PlayerId(a["player"])
            name = present.who(await ladder.players.get(pid))
            stuck = await ladder.admin.unblock(admin, pid, a["reason"], request_id=rid)
            if stuck is None:
                return tx("admin.same.unblock", player=name), []
            return tx("admin.done.unblock", player=name, id=stuck.match_id), [
                (int(pid), "admin_unblock", "admin.notice.unblocked", {"id": int(stuck.match_id)})
            ]
        if op.action == "reset_aborts":
            pid = PlayerId(a["player"])
            change = await ladder.admin.set_aborts_left(admin, pid, a["count"], a["reason"], request_id=rid)
            name = present.who(await ladder.players.get(pid))
            return tx("admin.done.reset_aborts", player=name, old=change.old_left, new=change.new_left), [
                (int(pid), "admin_aborts", "admin.notice.aborts", {"count": change.new_left})
            ]
        if op.action == "clear_queue":
            removed = await ladder.admin.clear_queue(admin, a["reason"], request_id=rid)
            for pid in removed:
                await self.close_search(int(pid))
            return tx("admin.done.clear_queue", count=len(removed)), [
                (int(p), "admin_queue", "admin.notice.queue_cleared", {"reason": a["reason"]}) for p in removed
            ]
        if op.action == "season":
            rollover = await ladder.seasons.start_season(admin, a["season"], a["reason"], request_id=rid)
            text = tx(
                "admin.done.season",
                old=ladder.pack.season(rollover.old).name,  # type: ignore[arg-type]
                new=ladder.pack.season(rollover.new).name,  # type: ignore[arg-type]
                frozen=rollover.frozen_entries,
                queued=len(rollover.queued),
            )
            return text, []  # queued players are told by the SeasonChanged listener
        if op.action == "staff":
            staff_change = await ladder.staff.set_admin(admin, a["user"], a["add"], name=a["name"], request_id=rid)
            user = f"{a['name']} (<@{a['user']}>, {a['user']})"
            if not staff_change.changed:
                return tx("admin.same.staff_add" if a["add"] else "admin.same.staff_remove", user=user, role=""), []
            key = "add" if a["add"] else "remove"
            return tx(f"admin.done.staff_{key}", user=user), [
                (a["user"], "admin_staff", f"admin.notice.staff_{key}", {})
            ]
        raise InvalidInput(f"Unknown admin operation {op.action!r}.", field="action")

    # ------------------------------------------------------------------ notices
    def notice_text(self, tx: Texts, key: str, values: dict[str, Any]) -> str:
        """A player's notice in their language (values as stored; labels localized here)."""
        if key == "admin.notice.resolved":
            result = present.target_result(tx, values["winner"], values["names"])
            return tx(key, id=values["id"], result=result, reason=values["reason"])
        if key == "admin.notice.mmr":
            race = self.race_name(values["race"])
            return tx(key, race=race, old=values["old"], new=values["new"], reason=values["reason"])
        if key == "admin.notice.ban" and values.get("left_queue"):
            return tx(key, reason=values["reason"]) + "\n" + tx("admin.notice.ban_queued")
        return tx(key, **{k: v for k, v in values.items() if k != "left_queue"})

    async def send_notices(self, notices: list[tuple[int, str, str, dict[str, Any]]]) -> list[int]:
        """DM each affected player in their language; returns who could not be reached (noted in the staff channel)."""
        from evoladder.discord_bot.match_messages import texts_for_id

        undelivered = []
        for pid, purpose, key, values in notices:
            text = self.notice_text(texts_for_id(self.bot, pid), key, values)
            try:
                sent = await self.bot.send_dm(pid, purpose=purpose, content=text)
            except discord.HTTPException:
                log.exception("admin notice to %s failed", pid)
                sent = None
            if sent is None:
                undelivered.append(pid)
                await self.note_staff(self.bot.catalogs, pid, purpose)
        return undelivered

    async def note_staff(self, catalogs: Any, pid: int, purpose: str) -> None:
        from evoladder.discord_bot.dm import report_to_admins

        tx = Texts(catalogs, Locale.EN)
        await report_to_admins(self.bot, tx("admin.undelivered", user=f"<@{pid}>", purpose=purpose))

    async def close_search(self, pid: int) -> None:
        """The player's searching message stops refreshing (they are no longer queued)."""
        from evoladder.discord_bot.match_messages import texts_for_id

        cog = self.bot.get_cog("Queue")
        if cog is not None:
            with contextlib.suppress(Exception):
                await cog.forget(pid, note=texts_for_id(self.bot, pid)("admin.search_closed"))  # type: ignore[attr-defined]

    async def on_event(self, event: Event) -> None:
        """A new season: each queued player is told, with the vetoes that were dropped."""
        if not isinstance(event, SeasonChanged) or self.bot.is_closed():
            return
        from evoladder.discord_bot.match_messages import texts_for_id

        try:
            name = self.bot.ladder.pack.season(event.new).name  # type: ignore[arg-type]
        except Exception:
            name = event.new
        for pid in event.queued:
            tx = texts_for_id(self.bot, int(pid))
            text = tx("admin.notice.season", name=name)
            dropped = event.dropped_vetoes.get(pid)
            if dropped:
                text += "\n" + tx("admin.notice.season_vetoes", maps=", ".join(sorted(dropped)))
            sent = await self.bot.send_dm(int(pid), purpose="season_changed", content=text)
            if sent is None:
                await self.note_staff(self.bot.catalogs, int(pid), "season_changed")


def admin_cog(bot: EvoBot) -> Admin:
    """The loaded admin cog, by name (a reloaded extension is a new module with a new class)."""
    cog = bot.get_cog("Admin")
    if cog is None:
        raise RuntimeError("the admin cog is not loaded")
    return cast(Admin, cog)


async def setup(bot: EvoBot) -> None:
    await bot.add_cog(Admin(bot))
