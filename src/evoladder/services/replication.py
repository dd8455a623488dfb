"""Cross-process updates on PostgreSQL: the writer NOTIFYs changed player ids, web processes follow.

One process writes a deployment's ladder data (the ladder with the bot and the matchmaker); any
number of read-only web processes (``evoladder web --workers N``, ``EVOLADDER_READ_REPLICA=true``)
hold their own cache and board. After each commit the writer's services publish ``RatingsChanged``
/ ``PlayerChanged`` on the in-process bus; :class:`ChangePublisher` turns them into ids on a
PostgreSQL ``NOTIFY`` channel. :class:`ChangeListener`, in each web process, fetches the current
rows of those ids in ONE statement, puts them in its cache and publishes the same events on its own
bus, so its board follows through the very code path the writer's board uses
(``LeaderboardService._apply``). Rows are whole and current, so a duplicate or a late message is
harmless, and the board order being a pure function of the rows makes every process agree.

Missed messages: a listener whose connection drops reconnects, LISTENs again and then rebuilds
(re-reads every player and rating, builds a new board, swaps it in). A season rollover in the writer
asks every listener to rebuild too.

On SQLite (one machine, the embedded default) the web runs in the ladder's own process and reads its
board directly: nothing here runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from evoladder.domain.ids import PlayerId
from evoladder.domain.player import Rating
from evoladder.services.context import ServiceContext
from evoladder.services.events import Event, PlayerChanged, RatingsChanged, SeasonChanged
from evoladder.services.leaderboard import LeaderboardService
from evoladder.services.tasks import cancel_and_wait
from evoladder.services.warmup import warm_cache
from evoladder.store import replication as store

log = logging.getLogger(__name__)

IDS_PER_MESSAGE = 300
"""A Discord id is at most 20 digits: 300 ids and commas stay well under NOTIFY's 8,000-byte cap."""
REBUILD = '{"rebuild":true}'


def encode(player_ids: Iterable[int], *, rebuild: bool = False) -> list[str]:
    """The payloads announcing ``player_ids`` (sorted, chunked); a rebuild request goes first."""
    ids = sorted(set(player_ids))
    out = [REBUILD] if rebuild else []
    for i in range(0, len(ids), IDS_PER_MESSAGE):
        out.append(json.dumps({"p": ids[i : i + IDS_PER_MESSAGE]}, separators=(",", ":")))
    return out


def decode(payload: str) -> tuple[list[PlayerId], bool]:
    """``(player ids, rebuild?)``; an unreadable payload asks for a rebuild (safe whatever it meant)."""
    try:
        data = json.loads(payload)
        return [PlayerId(int(i)) for i in data.get("p", ())], bool(data.get("rebuild", False))
    except (ValueError, TypeError, AttributeError):
        log.warning("unreadable change notification %.80r: rebuilding", payload)
        return [], True


class ChangePublisher:
    """In the writer: committed rating and player changes -> ``NOTIFY`` of the player ids.

    Events are collected synchronously (the bus callback must not wait) and sent by one task that
    this publisher owns; changes committed while a send is in flight go out in the next one, so a
    burst of matches costs a few notifications, not one per row. A failed send is retried.
    """

    def __init__(self, ctx: ServiceContext, *, retry_s: float = 1.0) -> None:
        self.ctx = ctx
        self.retry_s = retry_s
        self.channel = ""
        self.sent = 0
        self._ids: set[int] = set()
        self._rebuild = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        async with self.ctx.db.read() as conn:
            self.channel = await store.channel(conn)
        self.ctx.bus.subscribe(self._on_event)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="change-publisher")

    def _on_event(self, event: Event) -> None:
        if isinstance(event, RatingsChanged):
            self._ids.update(r.player_id for r in event.ratings)
        elif isinstance(event, PlayerChanged):
            self._ids.add(event.player.id)
        elif isinstance(event, SeasonChanged):
            self._rebuild = True
        else:
            return
        self._wake.set()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("sending change notifications failed; retrying in %.1f s", self.retry_s)
                await asyncio.sleep(self.retry_s)
                self._wake.set()

    async def flush(self) -> None:
        """Send what is pending now. On failure the ids stay pending (raises)."""
        ids, rebuild = self._ids, self._rebuild
        if not ids and not rebuild:
            return
        self._ids, self._rebuild = set(), False
        try:
            # Not ``db.write()``: no test hook, no SQLite lock; NOTIFY is delivered at this COMMIT.
            async with self.ctx.db.engine.begin() as conn:
                await store.notify(conn, self.channel, encode(ids, rebuild=rebuild))
        except BaseException:
            self._ids |= ids
            self._rebuild |= rebuild
            raise
        self.sent += len(ids)

    async def stop(self) -> None:
        """Stop the task, then send whatever is still pending (shutdown after the last commit)."""
        await cancel_and_wait(self._task)
        self._task = None
        try:
            await self.flush()
        except Exception:
            log.exception("final change notification failed; web processes may miss the last changes")


class ChangeListener:
    """In a read-only web process: follow the writer's notifications into the cache and the board.

    :meth:`connect` LISTENs *before* the caller warms the cache and builds the board, so nothing
    committed in between is missed (notifications wait in the connection); :meth:`start` then
    consumes them. Each message costs one statement, whatever the number of ids in it.
    """

    def __init__(
        self,
        ctx: ServiceContext,
        leaderboard: LeaderboardService,
        *,
        reconnect_s: float = 1.0,
        rebuild: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.ctx = ctx
        self.leaderboard = leaderboard
        self.reconnect_s = reconnect_s
        self._rebuild_hook = rebuild
        self.channel = ""
        self.applied = 0
        self.rebuilds = 0
        self._conninfo = store.libpq_url(ctx.db.engine.url)
        self._conn: Any = None
        self._task: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        """Open the LISTEN connection (raises if PostgreSQL is unreachable: the process should not start)."""
        async with self.ctx.db.read() as conn:
            self.channel = await store.channel(conn)
        self._conn = await store.listen(self._conninfo, self.channel)

    async def start(self) -> None:
        """Consume notifications in a task this listener owns (call after the board is built)."""
        if self._conn is None:
            await self.connect()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="change-listener")

    async def _run(self) -> None:
        while True:
            try:
                if self._conn is None:
                    self._conn = await store.listen(self._conninfo, self.channel)
                    log.warning("change listener reconnected: rebuilding (messages may have been missed)")
                    await self.rebuild()
                async for note in self._conn.notifies():
                    await self.handle(note.payload)
                raise ConnectionError("notification stream ended")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("change listener lost its connection (%s); reconnecting in %.1f s", exc, self.reconnect_s)
                await self._close()
                await asyncio.sleep(self.reconnect_s)

    async def handle(self, payload: str) -> None:
        """Apply one notification: fetch the named players' rows (ONE statement) and apply them."""
        ids, rebuild = decode(payload)
        if rebuild:
            await self.rebuild()
        if not ids:
            return
        async with self.ctx.db.read() as conn:
            rows = await store.players_with_ratings(conn, ids)
        cache = self.ctx.cache
        changed: list[Rating] = []
        for player, ratings in rows:
            previous = cache.player(player.id)
            cache.put_loaded(player, ratings)
            self.ctx.bus.publish(PlayerChanged(player, previous))
            changed.extend(ratings)
        if changed:
            self.ctx.bus.publish(RatingsChanged(tuple(changed)))
        self.applied += len(rows)

    async def rebuild(self) -> None:
        """Re-read every player and rating and swap in a new board (after a gap or a new season)."""
        if self._rebuild_hook is not None:
            await self._rebuild_hook()
        else:
            await warm_cache(self.ctx)
            await self.leaderboard.rebuild()
        self.rebuilds += 1

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        await self._close()


def for_ladder(
    ctx: ServiceContext,
    leaderboard: LeaderboardService,
    *,
    read_replica: bool,
    before_rebuild: Callable[[], Awaitable[None]] | None = None,
) -> ChangePublisher | ChangeListener | None:
    """What this process runs: nothing on SQLite; on PostgreSQL a listener in a read replica, else a publisher.

    ``before_rebuild`` runs first in a replica's rebuild (e.g. follow a season rollover).
    """
    if ctx.db.is_sqlite:
        return None
    if not read_replica:
        return ChangePublisher(ctx)
    if before_rebuild is None:
        return ChangeListener(ctx, leaderboard)
    hook = before_rebuild

    async def rebuild() -> None:
        await hook()
        await warm_cache(ctx)
        await leaderboard.rebuild()

    return ChangeListener(ctx, leaderboard, rebuild=rebuild)
