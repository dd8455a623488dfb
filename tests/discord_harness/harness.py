"""``BotHarness``: the real bot on a real ladder, with Discord's servers replaced by ``FakeDiscord``."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import replace as dc_replace
from typing import Any

import discord
import discord.http
import discord.webhook.async_ as webhook_async

from discord_harness.fake import FakeDiscord, FakeMessage, FakeUser, InteractionRecord, body_of
from evoladder.app import Ladder, build
from evoladder.clock import Clock
from evoladder.config import Settings
from evoladder.datapack import DataPack
from evoladder.discord_bot import EvoBot, create_bot

SETTLE_TIMEOUT_S = 10.0
_IGNORED_TASKS = ("timeout_task_impl",)  # views' idle timers: they sleep for minutes by design


def _patch(fake: FakeDiscord) -> Callable[[], None]:
    """Route discord.py's REST layer to ``fake``; returns the undo."""
    http_cls = discord.http.HTTPClient
    adapter_cls = webhook_async.AsyncWebhookAdapter
    originals = (http_cls.request, http_cls.get_from_cdn, adapter_cls.request)

    async def request(self: Any, route: discord.http.Route, *, files: Any = None, form: Any = None, **kw: Any) -> Any:
        return await fake.http(route, body_of(kw.get("json"), form), kw.get("params"))

    async def get_from_cdn(self: Any, url: str) -> bytes:
        if url not in fake.cdn:
            raise discord.NotFound(type("R", (), {"status": 404, "reason": "Not Found"})(), "no such file")  # type: ignore[arg-type]
        return fake.cdn[url]

    async def adapter_request(
        self: Any, route: discord.http.Route, session: Any, *, payload: Any = None, multipart: Any = None, **kw: Any
    ) -> Any:
        return await fake.webhook(route, body_of(payload, None, multipart))

    http_cls.request = request  # type: ignore[method-assign]
    http_cls.get_from_cdn = get_from_cdn  # type: ignore[method-assign]
    adapter_cls.request = adapter_request  # type: ignore[method-assign]

    def undo() -> None:
        http_cls.request, http_cls.get_from_cdn, adapter_cls.request = originals  # type: ignore[method-assign]

    return undo


class BotHarness:
    """Build with ``await BotHarness.start(settings, clock)``; ``await h.close()`` at the end.

    Every ``slash``/``click``/``select``/``submit_modal``/``autocomplete`` feeds one gateway
    ``INTERACTION_CREATE`` and returns when the bot has finished handling it, with the
    ``InteractionRecord`` of what it answered. ``strict`` (default) fails the test if the bot left an
    interaction unacknowledged.
    """

    def __init__(
        self, settings: Settings, clock: Clock, pack: DataPack | None = None, *, run_replays: bool = False
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.pack = pack
        self.run_replays = run_replays
        """Start the replay parser workers with the ladder (uploads are then parsed and verified)."""
        self.fake = FakeDiscord(clock.now)
        self.ladder: Ladder
        self.bot: EvoBot
        self._undo: Callable[[], None] | None = None
        self.guild_id = self.fake.snowflake()
        self.strict = True
        self.concurrent = False
        """Many users at once (the benchmark): each call waits for the handlers its own event started,
        not for every task in the loop (which, under steady load, is never idle)."""

    @classmethod
    async def start(
        cls, settings: Settings, clock: Clock, pack: DataPack | None = None, *, run_replays: bool = False
    ) -> BotHarness:
        harness = cls(settings, clock, pack, run_replays=run_replays)
        harness._undo = _patch(harness.fake)
        try:
            await harness._boot()
        except BaseException:
            harness._undo()
            raise
        return harness

    async def _boot(self) -> None:
        self.ladder = build(self.settings, clock=self.clock, pack=self.pack)
        if self.run_replays:  # no background resume pass: a test's uploads are judged by the upload itself
            self.ladder.replays.policy = dc_replace(self.ladder.replays.policy, resume_interval_s=3600)
        await self.ladder.start(expiry_interval_s=3600, run_waves=False, run_replays=self.run_replays)
        self.bot = create_bot(self.ladder)
        before = asyncio.all_tasks()  # the ladder's own timers run for its whole life
        await self.bot.login("fake-token")  # GET /users/@me, GET application, then setup_hook
        await self.settle(before)

    async def restart(self) -> None:
        """Stop the bot and the ladder, then start both again on the same database (and the same fake)."""
        await self._shutdown()
        await self._boot()

    async def _shutdown(self) -> None:
        await self.bot.close()
        await self.ladder.stop()

    async def close(self) -> None:
        try:
            await self._shutdown()
        finally:
            if self._undo:
                self._undo()
        assert not self.fake.unhandled, f"the bot called routes the fake lacks: {self.fake.unhandled}"

    # ------------------------------------------------------------------ users and reads
    def user(self, username: str = "player", *, locale: str = "en-US", dm_open: bool = True) -> FakeUser:
        return self.fake.add_user(username, locale=locale, dm_open=dm_open)

    def dm_messages(self, user: FakeUser) -> list[FakeMessage]:
        """Everything the bot shows in the user's DM, oldest first (deleted messages and the user's own excluded)."""
        if user.dm_channel_id is None:
            return []
        bot_id = str(self.fake.application_id)
        return [m for m in self.fake.channel_messages(user.dm_channel_id) if m.payload["author"]["id"] == bot_id]

    # ------------------------------------------------------------------ feeding events
    async def settle(self, before: set[asyncio.Task[Any]] | None = None) -> None:
        """Wait until every task started since ``before`` (the bot's handlers) is done."""
        before = before if before is not None else set()
        me = asyncio.current_task()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_TIMEOUT_S
        idle_rounds = 0
        while idle_rounds < 3:
            pending = [
                t
                for t in asyncio.all_tasks() - before
                if t is not me and not t.done() and not any(n in repr(t.get_coro()) for n in _IGNORED_TASKS)
            ]
            if not pending:
                idle_rounds += 1
                await asyncio.sleep(0)
                continue
            idle_rounds = 0
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"the bot is still busy after {SETTLE_TIMEOUT_S} s: {pending}")
            await asyncio.wait(pending, timeout=remaining)

    async def _interact(self, user: FakeUser, kind: int, data: dict[str, Any], **extra: Any) -> InteractionRecord:
        channel_id: int | None = extra.pop("channel", None)
        guild = extra.pop("guild", False) or channel_id is not None
        locale = extra.pop("locale", None) or user.locale
        source: FakeMessage | None = extra.pop("message", None)
        record = InteractionRecord(self.fake.snowflake(), secrets.token_urlsafe(24), user, 0, kind)
        payload: dict[str, Any] = {
            "id": str(record.id),
            "application_id": str(self.fake.application_id),
            "type": kind,
            "token": record.token,
            "version": 1,
            "locale": locale,
            "app_permissions": "2248473465835073",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": {"0": str(self.guild_id)} if guild else {"1": str(user.id)},
            "data": data,
        }
        if guild:
            channel = self.fake.channels[channel_id] if channel_id else self.fake.guild_channel(self.guild_id)
            payload |= {
                "guild_id": str(self.guild_id),
                "guild": {"id": str(self.guild_id), "locale": "en-US", "features": []},
                "guild_locale": "en-US",
                "channel": channel,
                "channel_id": channel["id"],
                "context": 0,
                "member": {
                    "user": user.payload(),
                    "roles": [],
                    "joined_at": "2026-01-01T00:00:00+00:00",
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                    "permissions": "2248473465835073",
                },
            }
        else:
            channel = self.fake.dm_channel(user)
            payload |= {"channel": channel, "channel_id": channel["id"], "context": 1, "user": user.payload()}
        record.channel_id = int(channel["id"])
        if source is not None:
            payload["message"] = source.payload
            record.source_message = source
        self.fake.interactions[record.token] = record
        before = asyncio.all_tasks()
        self.bot._connection.parsers["INTERACTION_CREATE"](payload)
        if self.concurrent:  # wait for this interaction's own handlers only (others run alongside)
            own = [t for t in asyncio.all_tasks() - before if not t.done()]
            if own:
                await asyncio.wait(own, timeout=SETTLE_TIMEOUT_S)
        else:
            await self.settle(before)
        if self.strict and not record.acks:
            raise AssertionError(f"the bot never acknowledged interaction {data}")
        return record

    async def dm_upload(
        self, user: FakeUser, filename: str, data: bytes, *, content: str = "", size: int | None = None
    ) -> list[FakeMessage]:
        """``user`` drops a file in their DM with the bot (a gateway ``MESSAGE_CREATE`` with one attachment).

        Returns what the bot sent in that DM while handling it. ``size`` overrides the size Discord
        announces (the bytes served stay ``data``).
        """
        attachment = self.fake.attachment(filename, data, size=size)
        return await self.dm_message(user, content, [attachment])

    async def dm_message(
        self, user: FakeUser, content: str = "", attachments: list[dict[str, Any]] | None = None
    ) -> list[FakeMessage]:
        """Feed a ``MESSAGE_CREATE`` from ``user`` in their DM; returns the bot's messages sent meanwhile."""
        payload = self.fake.user_message(user, content, attachments)
        sent_before = {m.id for m in self.dm_messages(user)}
        before = asyncio.all_tasks()
        self.bot._connection.parsers["MESSAGE_CREATE"](payload)
        await self.settle(before)
        return [m for m in self.dm_messages(user) if m.id not in sent_before]

    async def slash(
        self,
        user: FakeUser,
        command: str,
        *,
        guild: bool = False,
        channel: int | None = None,
        locale: str | None = None,
        **options: Any,
    ) -> InteractionRecord:
        """Run ``/command option=value...`` as ``user`` in their DM (or in a server channel with ``guild``, or in
        the fake guild channel ``channel``). ``command`` may name a subcommand: ``"admin season start"``.
        Options given as ``None`` are left out (as Discord does for an optional option not filled in)."""
        given = {k: v for k, v in options.items() if v is not None}
        name, opts = _nest(command, _options(given))
        data: dict[str, Any] = {"id": str(self.fake.snowflake()), "name": name, "type": 1, "options": opts}
        users = {str(v.id): v.payload() for v in given.values() if isinstance(v, FakeUser)}
        if users:  # a user option: Discord sends the id and the user in ``resolved``
            data["resolved"] = {"users": users}
        return await self._interact(user, 2, data, guild=guild, channel=channel, locale=locale)

    async def autocomplete(
        self, user: FakeUser, command: str, focused: str, text: str, *, locale: str | None = None, **options: Any
    ) -> list[dict[str, Any]]:
        """Type ``text`` into option ``focused``; returns the choices the bot offered (``command`` as in ``slash``)."""
        name, opts = _nest(command, [*_options(options), {"name": focused, "type": 3, "value": text, "focused": True}])
        data = {"id": str(self.fake.snowflake()), "name": name, "type": 1, "options": opts}
        record = await self._interact(user, 4, data, locale=locale)
        return record.choices or []

    async def click(
        self, user: FakeUser, message: FakeMessage, button: str, *, locale: str | None = None
    ) -> InteractionRecord:
        """Press the button whose label is ``button`` (or whose custom_id starts with it)."""
        component = message.component(button)
        assert component.get("type") == 2 and "custom_id" in component, f"not a clickable button: {component}"
        assert not component.get("disabled"), f"button is disabled: {component}"
        data = {"custom_id": component["custom_id"], "component_type": 2}
        return await self._interact(user, 3, data, message=message, locale=locale)

    async def select(
        self, user: FakeUser, message: FakeMessage, select: str, values: list[str], *, locale: str | None = None
    ) -> InteractionRecord:
        """Choose ``values`` in the select whose custom_id starts with ``select``; values must be options."""
        component = message.component(select)
        allowed = {o["value"] for o in component.get("options", [])}
        assert component.get("type") == 3, f"not a string select: {component}"
        assert set(values) <= allowed, f"{values} not among the options {sorted(allowed)}"
        data = {"custom_id": component["custom_id"], "component_type": 3, "values": values}
        return await self._interact(user, 3, data, message=message, locale=locale)

    async def submit_modal(
        self, user: FakeUser, modal: dict[str, Any], values: dict[str, str], *, locale: str | None = None
    ) -> InteractionRecord:
        """Submit ``modal`` (a record's ``.modal``): fields in ``values`` are typed, the rest keep their prefill."""
        unknown = set(values) - set(modal_fields(modal))
        assert not unknown, f"modal has no fields {unknown}"
        rows = []
        for component in modal["components"]:
            if component["type"] == 1:
                rows.append({"type": 1, "components": [_submitted(c, values) for c in component["components"]]})
            elif component["type"] == 18:
                rows.append({"type": 18, "component": _submitted(component["component"], values)})
        data = {"custom_id": modal["custom_id"], "components": rows}
        return await self._interact(user, 5, data, locale=locale)


def modal_fields(modal: dict[str, Any]) -> dict[str, str]:
    """A modal's text inputs as ``custom_id -> prefilled value``."""
    fields: dict[str, str] = {}
    for component in modal["components"]:
        children = component.get("components") or [component.get("component", {})]
        for c in children:
            if c.get("type") == 4:
                fields[c["custom_id"]] = c.get("value") or ""
    return fields


def _submitted(component: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    cid = component["custom_id"]
    return {"type": component["type"], "custom_id": cid, "value": values.get(cid, component.get("value") or "")}


def _nest(command: str, options: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """``"admin season start"`` -> ``admin`` with a subcommand group (type 2) holding a subcommand (type 1)."""
    root, *path = command.split()
    for depth, part in enumerate(reversed(path)):
        options = [{"name": part, "type": 1 if depth == 0 else 2, "options": options}]
    return root, options


def _options(options: dict[str, Any]) -> list[dict[str, Any]]:
    kinds = {bool: 5, int: 4, float: 10, str: 3}
    return [
        {"name": k, "type": 6, "value": str(v.id)}
        if isinstance(v, FakeUser)
        else {"name": k, "type": kinds[type(v)], "value": v}
        for k, v in options.items()
    ]
