"""Keeps demo data and real ladders apart: the ``demo=1`` marker in ``ladder_meta``.

A demo database (``evoladder run --demo``) is filled with simulated players. It must never be
served as a real ladder, and a real ladder's database must never receive simulated players, so:

* ``claim_for_demo`` marks an empty database as a demo (or accepts one already marked) and refuses
  an unmarked database that already has players;
* ``require_real`` refuses a marked database for ``evoladder run`` without ``--demo`` (and so for the
  Discord bot, which only starts there);
* ``is_demo`` tells the web to show its "simulated players" banner.

The marker is written once and never removed: the only way back is deleting the demo database.
"""

from __future__ import annotations

from dataclasses import dataclass

from evoladder.domain.errors import LadderError
from evoladder.services.context import ServiceContext
from evoladder.store import demo_marker
from evoladder.store import meta as meta_store

DEMO_KEY = "demo"
"""``ladder_meta`` key of the marker; value ``1``."""
SEEDED_KEY = "demo_seeded"
"""``ladder_meta`` key written when the demo's history is complete; value: what was seeded (``players:seed``)."""


class DemoDatabaseRefused(LadderError):
    """A demo and a real ladder would mix: the message says which and what to do instead."""

    code = "demo_database"


@dataclass(frozen=True, slots=True)
class DemoState:
    """What a database holds, as far as the demo is concerned."""

    marked: bool
    seeded: str | None
    players: int
    matches: int


class DemoGuard:
    """Reads and writes the demo marker; each method is one short transaction."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def state(self) -> DemoState:
        async with self.ctx.db.read() as conn:
            marked = await meta_store.get(conn, DEMO_KEY) == "1"
            seeded = await meta_store.get(conn, SEEDED_KEY)
            players = await demo_marker.count_players(conn)
            matches = await demo_marker.count_matches(conn)
        return DemoState(marked, seeded, players, matches)

    async def is_demo(self) -> bool:
        async with self.ctx.db.read() as conn:
            return await meta_store.get(conn, DEMO_KEY) == "1"

    async def require_real(self) -> None:
        """Raises ``DemoDatabaseRefused`` when the database is a demo's."""
        if await self.is_demo():
            raise DemoDatabaseRefused(
                "This database is a demo ladder (simulated players; ladder_meta demo=1): refusing to run the "
                "real ladder or the Discord bot on it. Run `evoladder run --demo` to watch the demo, or point "
                "EVOLADDER_DATABASE_URL at the real ladder's database.",
                reason="demo_database",
            )

    async def claim_for_demo(self) -> DemoState:
        """Mark the database as a demo's, unless it is a real ladder with players (``DemoDatabaseRefused``).

        Idempotent: a database already marked is accepted as it is. Check and mark happen in one
        write transaction, so two starts cannot both claim a database a third is filling.
        """
        async with self.ctx.db.write() as conn:
            marked = await meta_store.get(conn, DEMO_KEY) == "1"
            if not marked:
                players = await demo_marker.count_players(conn)
                if players:
                    raise DemoDatabaseRefused(
                        f"This database has {players} players and no demo marker: it looks like a real ladder. "
                        "Refusing to add simulated players to it. The demo uses its own database "
                        "(<data dir>/demo.db); run `evoladder run` without --demo to serve this ladder.",
                        reason="real_database",
                    )
                await meta_store.put(conn, DEMO_KEY, "1", self.ctx.clock.now())
        return await self.state()

    async def mark_seeded(self, what: str) -> None:
        """Record that the demo's simulated history is complete (a restart continues it)."""
        async with self.ctx.db.write() as conn:
            if await meta_store.get(conn, DEMO_KEY) != "1":
                raise DemoDatabaseRefused("Not a demo database: refusing to mark it seeded.", reason="real_database")
            await meta_store.put(conn, SEEDED_KEY, what, self.ctx.clock.now())
