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
"""The operator at the CLI. Discord ids are never 0, so no Discord user can act as the console."""


@dataclass(frozen=True, slots=True)
class Policy:
    """Ladder rules that deployments may tune (from Settings)."""

    confirm_timeout_s: int = 60
    aborts_per_month: int = 3
    admin_ids: frozenset[int] = frozenset()
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

    def is_admin(self, user_id: int) -> bool:
        return user_id == CONSOLE_ADMIN_ID or user_id in self.policy.admin_ids or user_id in self.policy.owner_ids
