"""Ladder staff: who is an admin or an owner. Stored in the database, held in memory, changed by owners.

The ``staff`` table is the truth; ``ServiceContext.staff`` is its in-memory copy that ``ctx.is_admin`` and
``ctx.is_owner`` answer from (no query per check). On the first start (an empty table) the configured
``admin_ids`` / ``owner_ids`` are written into it; afterwards configuration is not consulted, so a
removal by an owner is not undone by a restart. Owners add and remove admins (``set_admin``), each
change audited in the same transaction. Owners themselves come from configuration (or the importer):
an owner cannot be removed from Discord, which keeps at least one person able to manage staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from evoladder.domain.errors import Forbidden, InvalidInput
from evoladder.domain.ids import PlayerId
from evoladder.services.admin import DuplicateRequest
from evoladder.services.context import ADMIN, OWNER, ServiceContext
from evoladder.store import logs as log_store
from evoladder.store import staff as staff_store


@dataclass(frozen=True, slots=True)
class StaffMember:
    discord_id: int
    role: str
    name: str | None
    added_at: datetime
    added_by: int | None


@dataclass(frozen=True, slots=True)
class StaffChange:
    """What ``set_admin`` did: the role before and after (``None``: not staff). ``changed`` is False for a no-op."""

    user_id: int
    old_role: str | None
    new_role: str | None

    @property
    def changed(self) -> bool:
        return self.old_role != self.new_role


class StaffService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def start(self) -> None:
        """Seed from configuration when the table is empty, then load every member into memory."""
        now = self.ctx.clock.now()
        owners = sorted(self.ctx.policy.owner_ids)
        admins = sorted(set(self.ctx.policy.admin_ids) - set(owners))
        rows = [{"discord_id": i, "role": OWNER, "name": None, "added_at": now, "added_by": None} for i in owners] + [
            {"discord_id": i, "role": ADMIN, "name": None, "added_at": now, "added_by": None} for i in admins
        ]
        async with self.ctx.db.write() as conn:
            await staff_store.seed(conn, rows)
        await self.reload()

    async def reload(self) -> None:
        members = await self.members()
        self.ctx.staff = {m.discord_id: m.role for m in members}

    async def members(self) -> list[StaffMember]:
        """Owners first, then admins, oldest first."""
        async with self.ctx.db.read() as conn:
            rows = await staff_store.all_staff(conn)
        return [StaffMember(r["discord_id"], r["role"], r["name"], r["added_at"], r["added_by"]) for r in rows]

    def role_of(self, user_id: int) -> str | None:
        return self.ctx.staff.get(user_id)

    async def set_admin(
        self,
        owner_id: int,
        user_id: int,
        add: bool,
        *,
        name: str | None = None,
        reason: str = "",
        request_id: str | None = None,
    ) -> StaffChange:
        """Make ``user_id`` an admin (``add``) or remove their admin role. Owners only.

        A no-op (already admin or owner / not staff) writes nothing and returns ``changed`` False.
        Removing an owner is refused (``InvalidInput``): owners are managed in configuration. The change
        and its audit entry commit together; a repeated ``request_id`` raises ``DuplicateRequest``.
        """
        if not self.ctx.is_owner(owner_id):
            raise Forbidden("Only ladder owners can manage admins.", reason="not_owner")
        if user_id <= 0:
            raise InvalidInput("Pick a Discord user.", field="user")
        now = self.ctx.clock.now()
        try:
            async with self.ctx.db.write() as conn:
                row = await staff_store.get(conn, user_id)
                old = row["role"] if row else None
                if add:
                    if old is not None:
                        return StaffChange(user_id, old, old)
                    await staff_store.add(conn, user_id, ADMIN, (name or "")[:64] or None, now, owner_id)
                    new = ADMIN
                else:
                    if old == OWNER:
                        raise InvalidInput("Owners are managed in configuration, not from Discord.", field="user")
                    if old is None:
                        return StaffChange(user_id, None, None)
                    await staff_store.remove(conn, user_id, ADMIN)
                    new = None
                await log_store.audit(
                    conn,
                    admin_id=PlayerId(owner_id),
                    action="staff_add" if add else "staff_remove",
                    at=now,
                    target_player_id=PlayerId(user_id),
                    old_value={"role": old},
                    new_value={"role": new},
                    reason=reason.strip()[:500] or None,
                    request_id=request_id,
                )
        except IntegrityError:
            raise DuplicateRequest("This admin request was already applied.", request_id=request_id) from None
        if new is None:
            self.ctx.staff.pop(user_id, None)
        else:
            self.ctx.staff[user_id] = new
        return StaffChange(user_id, old, new)
