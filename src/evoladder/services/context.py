"""What every service shares: the database, the data pack, the clock, caches, events and policy."""

from __future__ import annotations

from dataclasses import dataclass, field

from evoladder.clock import Clock
from evoladder.datapack import DataPack
from evoladder.domain.rating import DEFAULT_MODEL, RatingModel
from evoladder.services.cache import PlayerCache
from evoladder.services.events import EventBus
from evoladder.store.uow import Database

CONSOLE_ADMIN_ID = 0
"""The operator at the CLI (admin and owner). Discord ids are never 0, so no Discord user can act as the console."""
ADMIN, OWNER = "admin", "owner"


@dataclass(frozen=True, slots=True)
class Policy:
    """Ladder rules that deployments may tune (from Settings)."""

    confirm_timeout_s: int = 60
    aborts_per_month: int = 3
    admin_ids: frozenset[int] = frozenset()
    """Seeded into the ``staff`` table on first start (``StaffService.start``); not consulted afterwards."""
    owner_ids: frozenset[int] = frozenset()


@dataclass(slots=True)
class ServiceContext:
    db: Database
    pack: DataPack
    clock: Clock
    policy: Policy = field(default_factory=Policy)
    model: RatingModel = DEFAULT_MODEL
    cache: PlayerCache = field(default_factory=PlayerCache)
    bus: EventBus = field(default_factory=EventBus)
    staff: dict[int, str] = field(default_factory=dict)
    """Discord id -> ``admin`` or ``owner``, loaded from the database by ``StaffService`` (the only writer)."""

    def is_admin(self, user_id: int) -> bool:
        """Admins and owners (from the loaded staff), and the console."""
        return user_id == CONSOLE_ADMIN_ID or user_id in self.staff

    def is_owner(self, user_id: int) -> bool:
        """Owners (from the loaded staff), and the console: they manage who is an admin."""
        return user_id == CONSOLE_ADMIN_ID or self.staff.get(user_id) == OWNER
