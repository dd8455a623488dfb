"""Admin confirmations: a pending operation stored under a token, and its persistent Confirm / Cancel buttons.

Every mutating admin command first stores what it will do (``AdminOp``: action, invoking admin,
arguments) as front-end state under a random token, and shows a preview with Confirm / Cancel whose
``custom_id`` carries the admin and the token (``evo:adm:<ok|ok2|no>:<admin>:<token>``). Only that admin
may press (others are refused, only they see it). Confirm applies the operation with
``request_id = "discord:<token>"``: the service's audit key makes a second application impossible, however
often (or however concurrently) it is clicked, and the stored state answers a late click with
"already applied". The operation is stored, so a Confirm pressed after a restart still works.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import discord

from evoladder.discord_bot.errors import Refused, handle_error
from evoladder.discord_bot.gates import bot_of
from evoladder.discord_bot.texts import Texts, texts_for
from evoladder.discord_bot.views.persistent import Persistent, custom_id
from evoladder.domain.errors import Forbidden
from evoladder.domain.ids import PlayerId

if TYPE_CHECKING:
    from evoladder.discord_bot.bot import EvoBot

OP_KEY = "admin.op."
PENDING, CANCELLED, DONE = "pending", "cancelled", "done"


@dataclass
class AdminOp:
    """A mutating admin command waiting for (or past) its confirmation."""

    action: str
    admin: int
    args: dict[str, Any] = field(default_factory=dict)
    state: str = PENDING
    result: str | None = None
    """The outcome text shown when it was applied (answers a late click)."""

    def request_id(self, token: str) -> str:
        return f"discord:{token}"


def new_token() -> str:
    return secrets.token_hex(8)


async def save_op(bot: EvoBot, token: str, op: AdminOp) -> None:
    await bot.state_store.put(OP_KEY + token, json.dumps(asdict(op), ensure_ascii=False))


async def load_op(bot: EvoBot, token: str) -> AdminOp | None:
    raw = await bot.state_store.get(OP_KEY + token)
    return AdminOp(**json.loads(raw)) if raw else None


def admin_texts(interaction: discord.Interaction) -> Texts:
    """The admin's language without creating a player record for them (staff need not be players)."""
    bot = bot_of(interaction)
    return texts_for(bot.catalogs, interaction, bot.ladder.ctx.cache.player(PlayerId(interaction.user.id)))


def confirm_view(tx: Texts, owner: int, token: str, *, second: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    action, label = ("ok2", tx("admin.confirm_again")) if second else ("ok", tx("admin.confirm"))
    view.add_item(AdminButton(action, owner, token, label))
    view.add_item(AdminButton("no", owner, token, tx("admin.cancel")))
    return view


class AdminButton(
    Persistent,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"evo:adm:(?P<action>ok|ok2|no):(?P<owner>\d+):(?P<token>[0-9a-f]{16})",
):
    """Confirm (``ok``; ``ok2`` is the second confirmation of an emergency) or Cancel a stored admin operation."""

    def __init__(self, action: str, owner: int, token: str, label: str = "") -> None:
        style = discord.ButtonStyle.secondary if action == "no" else discord.ButtonStyle.danger
        super().__init__(
            discord.ui.Button(label=label or action, style=style, custom_id=custom_id("adm", action, owner, token))
        )
        self.action = action
        self.owner = owner
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AdminButton:
        return cls(match["action"], int(match["owner"]), match["token"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Staff need no player record or Terms: check they are still staff, then hand over to the cog."""
        from evoladder.discord_bot.cogs.admin import admin_cog

        tx = admin_texts(interaction)
        try:
            bot = bot_of(interaction)
            if not bot.ladder.ctx.is_admin(interaction.user.id):
                raise Refused(Forbidden("Only ladder admins can do this.", reason="not_admin"))
            await admin_cog(bot).pressed(interaction, tx, self.token, self.action)
        except Exception as exc:  # the one boundary: localized answer, logged
            await handle_error(interaction, exc, tx)


ADMIN_ITEMS = (AdminButton,)
