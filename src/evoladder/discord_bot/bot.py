"""The Discord client: extensions, persistent items, command sync by hash, and a graceful stop."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from evoladder.app import Ladder
from evoladder.config import Settings
from evoladder.discord_bot.emotes import Emotes
from evoladder.discord_bot.errors import handle_error
from evoladder.discord_bot.flows import FlowStore
from evoladder.discord_bot.texts import CatalogTranslator, texts_for
from evoladder.i18n import Catalogs, warm
from evoladder.services.frontend import FrontendStateService

log = logging.getLogger(__name__)

EXTENSIONS = (
    "evoladder.discord_bot.cogs.onboarding",
    "evoladder.discord_bot.cogs.help",
    "evoladder.discord_bot.cogs.profile",
    "evoladder.discord_bot.cogs.leaderboard",
    "evoladder.discord_bot.cogs.queue",
    "evoladder.discord_bot.cogs.match",
    "evoladder.discord_bot.cogs.replays",
    "evoladder.discord_bot.cogs.prune",
    "evoladder.discord_bot.cogs.admin",
)
"""Loaded in this order by ``setup_hook``; a new feature adds its cog module here."""

SYNC_STATE_KEY = "discord.commands"
DRAIN_TIMEOUT_S = 10.0


class EvoTree(app_commands.CommandTree["EvoBot"]):
    """Routes every slash-command failure to ``errors.handle_error``."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        player = interaction.extras.get("player")
        tx = interaction.extras.get("texts") or texts_for(self.client.catalogs, interaction, player)
        await handle_error(interaction, error, tx)


def intents() -> discord.Intents:
    """Guilds (the admin channel, the DM-only refusal) and DM messages (replay uploads as attachments).

    No privileged intent: a message in a DM with the bot carries its content and attachments without
    the Message Content intent.
    """
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.dm_messages = True
    return chosen


class EvoBot(commands.Bot):
    """One bot over one ladder. Build it with ``create_bot``; ``start(token)`` runs it."""

    def __init__(self, ladder: Ladder, *, catalogs: Catalogs | None = None, **options: Any) -> None:
        # No message cache: every component interaction carries its message, and the bot reads
        # nothing else back; discord.py's default 1,000 cached messages (with parsed components)
        # were most of what full garbage collections walked under load (20-60 ms pauses).
        options.setdefault("max_messages", None)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            tree_cls=EvoTree,
            allowed_mentions=discord.AllowedMentions(everyone=False, users=True, roles=True),
            **options,
        )
        self.ladder = ladder
        self.settings: Settings = ladder.settings
        self.catalogs = catalogs or Catalogs.load()
        self.emotes = Emotes(dict(self.settings.discord_emotes))
        self.flows = FlowStore(ladder.ctx.clock)
        self.state_store = FrontendStateService(ladder.ctx)
        self.synced: bool | None = None
        """Whether the last ``setup_hook`` pushed commands to Discord (``False``: hash unchanged)."""
        self._inflight: set[asyncio.Task[Any]] = set()
        self._closing = False

    async def setup_hook(self) -> None:
        """Runs once per login, never on a gateway reconnect: nothing here is repeated by a resume."""
        from evoladder.discord_bot.views import PERSISTENT_ITEMS

        await self.tree.set_translator(CatalogTranslator(self.catalogs))
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(*PERSISTENT_ITEMS)
        self.synced = await self.sync_commands()
        warm()  # Babel's locale data, loaded lazily otherwise: 4-13 ms inside the first request per language
        # As ``Ladder.start`` does: the cogs, command tree, translations and locale data live as long as
        # the process; frozen, later full collections do not walk them again.
        gc.freeze()

    # ------------------------------------------------------------------ command sync
    async def command_payload(self) -> list[dict[str, Any]]:
        """Exactly what ``tree.sync`` would send, translations included."""
        translator = self.tree.translator
        assert translator is not None
        return [await c.get_translated_payload(self.tree, translator) for c in self.tree.get_commands()]

    async def sync_commands(self) -> bool:
        """Push the slash commands only when their definition (hash) differs from the last push.

        The stored value names the application and target (global or the dev guild), so a new token
        or a new dev guild syncs again. Returns whether a sync happened.
        """
        payload = await self.command_payload()
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        guild_id = self.settings.discord_dev_guild_id
        stamp = f"{self.application_id}:{guild_id or 'global'}:{digest}"
        if await self.state_store.get(SYNC_STATE_KEY) == stamp:
            log.info("slash commands unchanged (%s); not syncing", digest[:12])
            return False
        if guild_id:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()
        await self.state_store.put(SYNC_STATE_KEY, stamp)
        log.info("slash commands synced (%d, %s)", len(payload), digest[:12])
        return True

    async def send_dm(
        self, user_id: int, *, purpose: str, match_id: int | None = None, **message: Any
    ) -> discord.Message | None:
        """DM a user; an undeliverable DM is recorded (see ``dm.send_dm``) and ``None`` is returned."""
        from evoladder.discord_bot.dm import send_dm

        return await send_dm(self, user_id, purpose=purpose, match_id=match_id, **message)

    # ------------------------------------------------------------------ lifecycle
    def track_current_task(self) -> None:
        """Count the running handler as in flight, so ``close`` lets it finish its transaction."""
        task = asyncio.current_task()
        if task is not None and task not in self._inflight:
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def close(self) -> None:
        """Stop receiving events, let in-flight handlers finish (bounded), then disconnect."""
        if self._closing:
            return
        self._closing = True
        pending = [t for t in self._inflight if t is not asyncio.current_task() and not t.done()]
        if pending:
            log.info("waiting for %d in-flight interactions", len(pending))
            _, late = await asyncio.wait(pending, timeout=DRAIN_TIMEOUT_S)
            if late:
                log.warning("%d interactions still running after %.0f s; closing anyway", len(late), DRAIN_TIMEOUT_S)
        await super().close()


def create_bot(ladder: Ladder, *, catalogs: Catalogs | None = None) -> EvoBot:
    """The bot for ``ladder`` (started or not); call ``await bot.start(token)`` to run it."""
    return EvoBot(ladder, catalogs=catalogs)
