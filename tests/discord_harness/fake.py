"""An in-memory stand-in for Discord's REST API, returning payloads shaped like the real ones."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord
from discord.http import Route

EPHEMERAL = 64
LOADING = 128
DISCORD_EPOCH_MS = 1420070400000


class _Response:
    """What ``discord.HTTPException`` reads from an aiohttp response."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason


def error(status: int, code: int, message: str) -> discord.HTTPException:
    cls = {403: discord.Forbidden, 404: discord.NotFound}.get(status, discord.HTTPException)
    return cls(
        _Response(status, {403: "Forbidden", 404: "Not Found"}.get(status, "Bad Request")),
        {"code": code, "message": message},
    )  # type: ignore[arg-type]


@dataclass
class FakeUser:
    id: int
    username: str
    locale: str = "en-US"
    dm_open: bool = True
    dm_channel_id: int | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.username.title(),
            "avatar": None,
            "public_flags": 0,
        }


@dataclass
class FakeMessage:
    """A message as Discord stores it; ``payload`` is what the API returns for it."""

    payload: dict[str, Any]
    edits: int = 0
    deleted: bool = False
    visible_to: int | None = None  # an ephemeral message in a guild channel: only this user sees it

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.payload.get("flags") or 0) & EPHEMERAL)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.payload.get("embeds") or [])

    @property
    def text(self) -> str:
        """Content plus every embed's title, description and fields: what a reader sees."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            for f in embed.get("fields", []):
                parts += [f.get("name", ""), f.get("value", "")]
        return "\n".join(p for p in parts if p)

    def components(self) -> list[dict[str, Any]]:
        """Every interactive component (buttons, selects), flattened out of action rows."""
        out: list[dict[str, Any]] = []

        def walk(items: list[dict[str, Any]]) -> None:
            for c in items:
                if c.get("type") == 1:
                    walk(c.get("components", []))
                else:
                    out.append(c)

        walk(self.payload.get("components") or [])
        return out

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.components() if "custom_id" in c]

    def component(self, match: str) -> dict[str, Any]:
        """The component whose label equals ``match`` or whose custom_id starts with it."""
        for c in self.components():
            if c.get("label") == match or str(c.get("custom_id", "")).startswith(match):
                return c
        raise AssertionError(f"no component {match!r} on message: {[c.get('label') for c in self.components()]}")

    def __repr__(self) -> str:
        return f"<FakeMessage {self.id} {self.text[:60]!r} components={self.custom_ids}>"


@dataclass
class InteractionRecord:
    """One interaction the harness sent and everything the bot answered to it."""

    id: int
    token: str
    user: FakeUser
    channel_id: int
    type: int
    created: float = field(default_factory=time.perf_counter)
    acks: list[int] = field(default_factory=list)
    ack_latency: float | None = None
    original: FakeMessage | None = None
    followups: list[FakeMessage] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    source_message: FakeMessage | None = None

    @property
    def message(self) -> FakeMessage | None:
        """The message this interaction's response created or updated."""
        return self.original

    @property
    def messages(self) -> list[FakeMessage]:
        return ([self.original] if self.original else []) + self.followups

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.messages)


class FakeDiscord:
    """Discord's REST API in memory. Every request not handled here is recorded in ``unhandled``."""

    ack_deadline_s = 3.0

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._seq = 0
        self._clock = clock
        """When set (the harness passes the ladder's clock), snowflakes carry its time, so a message's
        ``created_at`` follows the test's clock (``/prune`` deletes by age)."""
        self._last_ms = 0
        self.application_id = self.snowflake()
        self.bot_user = FakeUser(self.application_id, "evoladder")
        self.users: dict[int, FakeUser] = {}
        self.channels: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, FakeMessage] = {}
        self.interactions: dict[str, InteractionRecord] = {}
        self.command_syncs: list[tuple[str, list[dict[str, Any]]]] = []
        self.requests: list[str] = []
        self.unhandled: list[str] = []
        self.cdn: dict[str, bytes] = {}
        self.files: dict[tuple[int, str], bytes] = {}
        """Files the bot attached to its messages: (message id, filename) -> bytes."""
        self.undelivered: list[tuple[int, dict[str, Any]]] = []
        self.typing: list[int] = []

    # ------------------------------------------------------------------ ids and objects
    def snowflake(self) -> int:
        self._seq += 1
        when = self._clock() if self._clock is not None else datetime(2026, 3, 1, tzinfo=UTC)
        ms = max(int(when.timestamp() * 1000) - DISCORD_EPOCH_MS, self._last_ms)  # ids never go backwards
        self._last_ms = ms
        return (ms << 22) + (self._seq & 0x3FFFFF)

    def add_user(self, username: str, *, locale: str = "en-US", dm_open: bool = True) -> FakeUser:
        user = FakeUser(self.snowflake(), username, locale, dm_open)
        self.users[user.id] = user
        return user

    def dm_channel(self, user: FakeUser) -> dict[str, Any]:
        if user.dm_channel_id is None:
            cid = self.snowflake()
            user.dm_channel_id = cid
            self.channels[cid] = {
                "id": str(cid),
                "type": 1,
                "recipients": [user.payload()],
                "last_message_id": None,
                "flags": 0,
            }
        return self.channels[user.dm_channel_id]

    def guild_channel(self, guild_id: int, name: str = "general") -> dict[str, Any]:
        for ch in self.channels.values():
            if ch.get("guild_id") == str(guild_id) and ch["name"] == name:
                return ch
        cid = self.snowflake()
        self.channels[cid] = {
            "id": str(cid),
            "type": 0,
            "guild_id": str(guild_id),
            "name": name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "rate_limit_per_user": 0,
            "flags": 0,
            "last_message_id": None,
        }
        return self.channels[cid]

    def channel_messages(self, channel_id: int) -> list[FakeMessage]:
        return [m for m in self.messages.values() if m.channel_id == channel_id and not m.deleted]

    def _timestamp(self) -> str:
        return datetime.now(UTC).isoformat()

    def _create_message(
        self, channel_id: int, body: dict[str, Any], *, msg_type: int = 0, interaction: InteractionRecord | None = None
    ) -> FakeMessage:
        flags = int(body.get("flags") or 0)
        payload: dict[str, Any] = {
            "id": str(self.snowflake()),
            "channel_id": str(channel_id),
            "author": self.bot_user.payload() | {"bot": True},
            "content": body.get("content") or "",
            "timestamp": self._timestamp(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [dict(e, type="rich") for e in body.get("embeds") or []],
            "components": body.get("components") or [],
            "pinned": False,
            "type": msg_type,
            "flags": flags,
        }
        channel = self.channels.get(channel_id, {})
        if "guild_id" in channel:
            payload["guild_id"] = channel["guild_id"]
        if interaction is not None:
            payload["webhook_id"] = str(self.application_id)
            payload["application_id"] = str(self.application_id)
            payload["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": {},
            }
        message = FakeMessage(payload, visible_to=interaction.user.id if interaction and flags & EPHEMERAL else None)
        if body.get("attachments"):
            payload["attachments"] = self._attachments(message.id, body)
        self.messages[message.id] = message
        if channel:
            channel["last_message_id"] = payload["id"]
        return message

    def _edit_message(self, message: FakeMessage, body: dict[str, Any]) -> FakeMessage:
        if message.deleted:
            raise error(404, 10008, "Unknown Message")
        for key in ("content", "components", "flags"):
            if key in body:
                message.payload[key] = body[key] if body[key] is not None else ("" if key == "content" else [])
        if "embeds" in body:
            message.payload["embeds"] = [dict(e, type="rich") for e in body["embeds"] or []]
        if "attachments" in body:
            message.payload["attachments"] = self._attachments(message.id, body)
        message.payload["edited_timestamp"] = self._timestamp()
        message.edits += 1
        return message

    def _attachments(self, message_id: int, body: dict[str, Any]) -> list[dict[str, Any]]:
        """A message's attachments as Discord returns them; new files' bytes go to ``files[(message, name)]``."""
        uploaded: dict[str, bytes] = body.get("_files") or {}
        out = []
        for a in body.get("attachments") or []:
            name = str(a.get("filename"))
            data = uploaded.get(name, b"")
            self.files[(message_id, name)] = data
            url = f"https://cdn.discordapp.com/attachments/{message_id}/{name}"
            self.cdn[url] = data
            out.append({"id": str(self.snowflake()), "filename": name, "size": len(data), "url": url, "proxy_url": url})
        return out

    def message(self, message_id: int) -> FakeMessage:
        found = self.messages.get(message_id)
        if found is None or found.deleted:
            raise error(404, 10008, "Unknown Message")
        return found

    # ------------------------------------------------------------------ bot REST (HTTPClient.request)
    async def http(self, route: Route, body: dict[str, Any] | None, params: dict[str, Any] | None = None) -> Any:
        key = f"{route.method} {route.path}"
        self.requests.append(key)
        parts = route.url.removeprefix(Route.BASE).split("?")[0].split("/")
        if key == "GET /users/@me":
            return self.bot_user.payload() | {"bot": True, "verified": True, "mfa_enabled": False, "flags": 0}
        if key == "GET /oauth2/applications/@me":
            return {
                "id": str(self.application_id),
                "name": "evoladder",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.add_user("owner").payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "interactions_endpoint_url": None,
            }
        if route.method == "PUT" and route.path.startswith("/applications/") and route.path.endswith("/commands"):
            commands = list(body or [])  # type: ignore[arg-type]
            self.command_syncs.append((route.path, commands))
            return [
                dict(
                    c, id=str(self.snowflake()), application_id=str(self.application_id), version=str(self.snowflake())
                )
                for c in commands
            ]
        if key == "GET /users/{user_id}":
            return self.users[int(parts[2])].payload()
        if key == "POST /users/@me/channels":
            return self.dm_channel(self.users[int((body or {})["recipient_id"])])
        if key == "GET /channels/{channel_id}":
            return self.channels[int(parts[2])]
        if key == "POST /channels/{channel_id}/messages":
            channel_id = int(parts[2])
            channel = self.channels[channel_id]
            if channel["type"] == 1:
                recipient = self.users[int(channel["recipients"][0]["id"])]
                if not recipient.dm_open:
                    self.undelivered.append((recipient.id, dict(body or {})))
                    raise error(403, 50007, "Cannot send messages to this user")
            return self._create_message(channel_id, body or {}).payload
        if key == "PATCH /channels/{channel_id}/messages/{message_id}":
            return self._edit_message(self.message(int(parts[4])), body or {}).payload
        if key == "GET /channels/{channel_id}/messages/{message_id}":
            return self.message(int(parts[4])).payload
        if key == "DELETE /channels/{channel_id}/messages/{message_id}":
            self.message(int(parts[4])).deleted = True
            return None
        if key == "GET /channels/{channel_id}/messages":
            return self._history(int(parts[2]), params or {})
        if key == "POST /channels/{channel_id}/typing":
            self.typing.append(int(parts[2]))
            return None
        self.unhandled.append(key)
        raise error(404, 0, f"fake Discord does not implement {key}")

    def _history(self, channel_id: int, params: dict[str, Any]) -> list[dict[str, Any]]:
        """``GET /channels/{id}/messages``: newest first (oldest first with ``after``), up to ``limit``."""
        found = sorted(self.channel_messages(channel_id), key=lambda m: m.id)
        if "before" in params:
            found = [m for m in found if m.id < int(params["before"])]
        if "after" in params:
            found = [m for m in found if m.id > int(params["after"])]
            return [m.payload for m in found[: int(params.get("limit", 50))]]
        return [m.payload for m in reversed(found[-int(params.get("limit", 50)) :])]

    def user_message(
        self, user: FakeUser, content: str = "", attachments: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """A ``MESSAGE_CREATE`` payload: ``user`` writes in their DM with the bot (stored like any message)."""
        channel = self.dm_channel(user)
        payload: dict[str, Any] = {
            "id": str(self.snowflake()),
            "channel_id": channel["id"],
            "author": user.payload(),
            "content": content,
            "timestamp": self._timestamp(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments or [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
        }
        self.messages[int(payload["id"])] = FakeMessage(payload)
        channel["last_message_id"] = payload["id"]
        return payload

    def attachment(self, filename: str, data: bytes, *, size: int | None = None) -> dict[str, Any]:
        """An attachment payload whose bytes the fake CDN serves (``size`` may lie, as a client could not)."""
        aid = self.snowflake()
        url = f"https://cdn.discordapp.com/attachments/{aid}/{filename}"
        self.cdn[url] = data
        return {
            "id": str(aid),
            "filename": filename,
            "size": len(data) if size is None else size,
            "url": url,
            "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
            "content_type": "application/octet-stream",
        }

    # ------------------------------------------------------------------ interactions (webhook adapter)
    async def webhook(self, route: Route, body: dict[str, Any] | None) -> Any:
        key = f"{route.method} {route.path}"
        self.requests.append(key)
        record = self.interactions.get(str(route.webhook_token))
        if record is None:
            raise error(404, 10015, "Unknown Webhook")
        if key == "POST /interactions/{webhook_id}/{webhook_token}/callback":
            return self._callback(record, body or {})
        parts = route.url.removeprefix(Route.BASE).split("?")[0].split("/")
        if key == "POST /webhooks/{webhook_id}/{webhook_token}":
            if not record.acks:
                raise error(404, 10015, "Unknown Webhook")
            msg = self._create_message(record.channel_id, body or {}, interaction=record)
            record.followups.append(msg)
            return msg.payload
        if key.startswith(("GET", "PATCH", "DELETE")) and "/messages/" in route.path:
            target = self._target(record, parts[-1])
            if route.method == "GET":
                return target.payload
            if route.method == "DELETE":
                target.deleted = True
                return None
            if int(target.payload.get("flags") or 0) & LOADING:
                target.payload["flags"] = int(target.payload["flags"]) & ~LOADING
            return self._edit_message(target, body or {}).payload
        self.unhandled.append(key)
        raise error(404, 0, f"fake Discord does not implement {key}")

    def _target(self, record: InteractionRecord, which: str) -> FakeMessage:
        if which == "@original":
            if record.original is None:
                raise error(404, 10008, "Unknown Message")
            return record.original
        return self.message(int(which))

    def _callback(self, record: InteractionRecord, body: dict[str, Any]) -> dict[str, Any]:
        if record.acks:
            raise error(400, 40060, "Interaction has already been acknowledged.")
        latency = time.perf_counter() - record.created
        if latency > self.ack_deadline_s:
            raise error(404, 10062, "Unknown interaction")
        kind = int(body["type"])
        data = body.get("data") or {}
        record.acks.append(kind)
        record.ack_latency = latency
        message: FakeMessage | None = None
        if kind == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
            message = self._create_message(
                record.channel_id, data, msg_type=20 if record.type == 2 else 0, interaction=record
            )
            record.original = message
        elif kind == 5:  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE ("thinking")
            flags = int(data.get("flags") or 0) | LOADING
            message = self._create_message(record.channel_id, {"flags": flags}, msg_type=20, interaction=record)
            record.original = message
        elif kind == 6:  # DEFERRED_UPDATE_MESSAGE: @original is the component's message
            record.original = record.source_message
        elif kind == 7:  # UPDATE_MESSAGE
            assert record.source_message is not None, "UPDATE_MESSAGE needs a component interaction"
            message = self._edit_message(record.source_message, data)
            record.original = message
        elif kind == 8:  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
            record.choices = list(data.get("choices") or [])
        elif kind == 9:  # MODAL
            record.modal = data
        else:
            self.unhandled.append(f"callback type {kind}")
        response: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if message is not None:
            response["interaction"]["response_message_id"] = str(message.id)
            response["resource"] = {"type": kind, "message": message.payload}
        elif kind in (6, 8, 9):
            response["resource"] = {"type": kind}
        return response


def body_of(json_body: Any = None, form: Any = None, multipart: Any = None) -> Any:
    """The JSON a request carried, whether sent as JSON or as multipart's ``payload_json``."""
    if json_body is not None:
        return json_body
    body: Any = None
    files: dict[str, bytes] = {}
    for part in form or multipart or []:
        if part.get("name") == "payload_json":
            body = json.loads(part["value"])
        elif str(part.get("name", "")).startswith("files[") and "filename" in part:
            value = part["value"]
            files[str(part["filename"])] = value if isinstance(value, bytes) else value.read()
    if files and isinstance(body, dict):
        body["_files"] = files  # the uploaded bytes, kept by the message (``FakeDiscord.files``)
    return body
