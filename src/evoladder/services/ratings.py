"""Which rating model rates this ladder, and the explicit switch between models.

The model is recorded in the database the first time a ladder starts (the configured one for a new
ladder; Elo for a ladder that already has rated games from before this record existed). A start
with a different configured model is refused with the command that switches explicitly, because a
switch changes what every rating means; it is never done silently.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import bindparam, select, update

from evoladder.domain.errors import InvalidInput, LadderError
from evoladder.domain.ids import PlayerId
from evoladder.domain.rating import MODELS, RatingModel, model_named
from evoladder.services.context import ServiceContext
from evoladder.store import logs as log_store
from evoladder.store import meta as meta_store
from evoladder.store.tables import ratings

SWITCH_HINT = "evoladder ratings switch {model} --reason '...'"


class RatingModelMismatch(LadderError):
    """The configuration names a different rating model than the one this ladder is rated with."""

    code = "rating_model_mismatch"


async def resolve_model(ctx: ServiceContext, configured: str) -> RatingModel:
    """Record or read the ladder's model; refuse a silent switch."""
    async with ctx.db.write() as conn:
        stored = await meta_store.get(conn, meta_store.RATING_MODEL)
        if stored is None:
            initial = "elo" if await meta_store.has_rated_games(conn) else configured
            stored = await meta_store.set_if_absent(conn, meta_store.RATING_MODEL, initial, ctx.clock.now())
    if stored != configured:
        raise RatingModelMismatch(
            f"This ladder is rated with {stored!r} but EVOLADDER_RATING_MODEL is {configured!r}. "
            f"Set EVOLADDER_RATING_MODEL={stored}, or convert every rating explicitly with "
            f"`{SWITCH_HINT.format(model=configured)}`.",
            stored=stored,
            configured=configured,
        )
    return model_named(stored)


def initial_rd_for(games_played: int) -> float:
    """A converted rating's deviation: fresh players stay uncertain, veterans start settled."""
    return max(60.0, 350.0 / math.sqrt(1.0 + games_played / 3.0))


async def switch_model(ctx: ServiceContext, admin_id: int, target: str, reason: str) -> dict[str, Any]:
    """Convert every rating to ``target`` in one audited transaction. MMR values are kept.

    To Glicko-2: each rating gets an RD from its game count and the default volatility. To Elo: RD and
    volatility are cleared. Returns what changed.
    """
    if target not in MODELS:
        raise InvalidInput(f"Unknown rating model {target!r}.", field="model", value=target)
    if not reason.strip():
        raise InvalidInput("Give a reason; it goes into the audit log.", field="reason")
    now = ctx.clock.now()
    async with ctx.db.write() as conn:
        current = await meta_store.get(conn, meta_store.RATING_MODEL) or "elo"
        if current == target:
            return {"from": current, "to": target, "ratings": 0}
        rows = (await conn.execute(select(ratings.c.id, ratings.c.games_played))).all()
        if target == "glicko2" and rows:
            vol = MODELS["glicko2"].start().volatility
            stmt = (
                update(ratings)
                .where(ratings.c.id == bindparam("rid"))
                .values(rd=bindparam("new_rd"), volatility=bindparam("new_vol"))
            )
            params = [{"rid": rid, "new_rd": initial_rd_for(games), "new_vol": vol} for rid, games in rows]
            await conn.execute(stmt, params)
        elif target == "elo":
            await conn.execute(update(ratings).values(rd=None, volatility=None))
        await meta_store.put(conn, meta_store.RATING_MODEL, target, now)
        await log_store.audit(
            conn,
            admin_id=PlayerId(admin_id),
            action="switch_rating_model",
            at=now,
            old_value={"model": current},
            new_value={"model": target, "ratings": len(rows)},
            reason=reason.strip(),
        )
    return {"from": current, "to": target, "ratings": len(rows)}
