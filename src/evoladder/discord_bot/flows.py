"""In-memory state of multi-step flows (e.g. a setup form between its steps), per feature and user.

Deliberately not durable: a step is minutes long, and after a restart the flow's persistent buttons
answer "start again with /<command>" (``errors.Expired``) instead of acting on stale input. Entries
expire after ``ttl_s`` on the ladder's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from evoladder.clock import Clock

DEFAULT_TTL_S = 30 * 60


@dataclass(slots=True)
class _Entry:
    value: Any
    expires: datetime


class FlowStore:
    def __init__(self, clock: Clock, ttl_s: float = DEFAULT_TTL_S) -> None:
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_s)
        self._entries: dict[tuple[str, int], _Entry] = {}

    def get(self, feature: str, user_id: int) -> Any | None:
        entry = self._entries.get((feature, user_id))
        if entry is None:
            return None
        if entry.expires <= self._clock.now():
            del self._entries[(feature, user_id)]
            return None
        return entry.value

    def put(self, feature: str, user_id: int, value: Any) -> None:
        self._entries[(feature, user_id)] = _Entry(value, self._clock.now() + self._ttl)

    def pop(self, feature: str, user_id: int) -> Any | None:
        value = self.get(feature, user_id)
        self._entries.pop((feature, user_id), None)
        return value
