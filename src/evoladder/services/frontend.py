"""Small durable facts a front-end keeps about itself (e.g. the hash of the slash commands it last synced).

Front-ends never touch the store; they read and write their own keys here. Keys are namespaced with
``frontend.`` so a front-end cannot overwrite the ladder's own facts (such as the rating model).
"""

from __future__ import annotations

from evoladder.domain.errors import InvalidInput
from evoladder.services.context import ServiceContext
from evoladder.store import meta as meta_store

PREFIX = "frontend."
MAX_KEY = 64


class FrontendStateService:
    """Get and put ``frontend.*`` values in ``ladder_meta``; one transaction per put."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _key(self, key: str) -> str:
        full = PREFIX + key
        if not key or len(full) > MAX_KEY:
            raise InvalidInput(f"Bad front-end state key {key!r}.", field="key", value=key)
        return full

    async def get(self, key: str) -> str | None:
        async with self.ctx.db.read() as conn:
            return await meta_store.get(conn, self._key(key))

    async def put(self, key: str, value: str) -> None:
        """Store ``value`` under ``frontend.<key>``, replacing any earlier value."""
        async with self.ctx.db.write() as conn:
            await meta_store.put(conn, self._key(key), value, self.ctx.clock.now())
