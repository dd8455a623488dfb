"""Matchmaking queue: join, leave, status, and the waves that turn queued players into matches.

The queue lives in memory for speed and in the database for durability: a restart restores every
waiting player with the waves they already waited. A wave asks the pure matcher for pairs, then
creates each match through ``MatchService.create`` in a transaction that also removes both players
from the queue, so a player who left meanwhile is simply not matched (the live state re-check).
Small waves run inline (they take well under a millisecond per hundred players); large ones run
in a worker process so the event loop is never blocked by matching.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import random
import signal
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from evoladder.domain.errors import InvalidInput, LadderError, PlayerBusy
from evoladder.domain.ids import MapName, PlayerId, RaceCode, RegionCode, ServerCode
from evoladder.domain.matchmaking import MapChoice, QueueEntry, RacePick, WaveResult
from evoladder.domain.matchmaking.model import MAX_VETOES, Game
from evoladder.domain.matchmaking.protocol import MatchingStrategy
from evoladder.services.context import ServiceContext
from evoladder.services.events import Event, QueueChanged, SeasonChanged
from evoladder.services.matches import MatchRequest, MatchService
from evoladder.services.players import PlayerService
from evoladder.services.tasks import cancel_and_wait
from evoladder.store import logs as log_store
from evoladder.store import queue as queue_store

log = logging.getLogger(__name__)
YIELD_EVERY = 256
"""Long loops over the queue give the event loop a turn this often (keeps its lag in the low ms)."""


@dataclass(frozen=True, slots=True)
class QueueRequest:
    """What a player picks to queue: a BW race, an SC2 race or both, and up to 4 map vetoes."""

    player_id: PlayerId
    bw_race: str | None = None
    sc2_race: str | None = None
    vetoes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QueuePreferences:
    """A player's last queue choices (the defaults of their next queue): races and map vetoes."""

    bw_race: RaceCode | None = None
    sc2_race: RaceCode | None = None
    vetoes: tuple[MapName, ...] = ()


@dataclass(frozen=True, slots=True)
class Ticket:
    """A waiting player. MMRs are read at wave time, so an adjustment while queued counts."""

    player_id: PlayerId
    region: RegionCode
    joined_at: datetime
    bw_race: RaceCode | None
    sc2_race: RaceCode | None
    vetoes: frozenset[MapName]
    waves_waited: int = 0


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """A snapshot for front-ends: who waits by race and region, and when the next wave is."""

    waiting: int
    by_race: dict[str, int]
    by_region: dict[str, int]
    next_wave_at: datetime
    seconds_to_next_wave: float
    ticket: Ticket | None = None
    window: float | None = None


@dataclass(frozen=True, slots=True)
class WaveReport:
    """What one wave did."""

    started_at: datetime
    queued: int
    proposed: int
    created: tuple[int, ...]
    skipped: int
    matcher_ms: float
    offloaded: bool
    matches: tuple[object, ...] = field(default=())


class CrossTable:
    """A picklable ``server_for`` built from the data pack, for worker processes."""

    def __init__(self, table: dict[tuple[str, str], str]) -> None:
        self.table = table

    def __call__(self, a: RegionCode, b: RegionCode) -> ServerCode:
        return ServerCode(self.table[(a, b)])


def _ignore_sigint() -> None:
    """Ctrl-C is the parent's to handle (it stops the pool in order); the child must not die noisily."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _warm() -> None:
    from evoladder.domain.matchmaking import GlobalMatcher  # noqa: F401  (imported for its cost)


Row = tuple[int, str, datetime, str | None, int, str | None, int, tuple[str, ...], int]
"""A queue entry flattened for the trip to the matcher process (plain tuples pickle fast)."""


def _entry(row: Row) -> QueueEntry:
    pid, region, joined, bw, bw_mmr, sc2, sc2_mmr, vetoes, waves = row
    return QueueEntry(
        player_id=PlayerId(pid),
        region=RegionCode(region),
        joined_at=joined,
        bw=RacePick(RaceCode(bw), bw_mmr) if bw else None,
        sc2=RacePick(RaceCode(sc2), sc2_mmr) if sc2 else None,
        vetoes=frozenset(MapName(v) for v in vetoes),
        waves_waited=waves,
    )


def _run_wave(
    strategy: MatchingStrategy,
    rows: Sequence[Row],
    pool: Sequence[MapChoice],
    server_for: CrossTable,
    seed: int,
) -> tuple[list[tuple[int, RaceCode, int, RaceCode, MapName, ServerCode]], float]:
    """The matcher's work, in the matcher process: rebuild entries, run the wave, return the pairs
    as plain tuples (player 1, race 1, player 2, race 2, map, server): cheap to unpickle, which
    happens while holding the main process's GIL."""
    started = time.perf_counter()
    entries = [_entry(r) for r in rows]
    result: WaveResult = strategy.run_wave(entries, pool, server_for, random.Random(seed))
    pairs = [(int(m.player1), m.race1, int(m.player2), m.race2, m.map_name, m.server) for m in result.matches]
    return pairs, (time.perf_counter() - started) * 1000


class QueueService:
    def __init__(
        self,
        ctx: ServiceContext,
        players: PlayerService,
        matches: MatchService,
        strategy: MatchingStrategy,
        *,
        interval_s: float = 45.0,
        inline_limit: int = 0,
        seed: int | None = None,
    ) -> None:
        self.ctx = ctx
        self.players = players
        self.matches = matches
        self.strategy = strategy
        self.interval_s = interval_s
        self.inline_limit = inline_limit
        self._seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        self._tickets: dict[PlayerId, Ticket] = {}
        self._next_wave_at = ctx.clock.now() + timedelta(seconds=interval_s)
        self._wave_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._waves = 0
        pack = ctx.pack
        self._cross = CrossTable(
            {
                (a.code, b.code): pack.server_for(a.code, b.code).code
                for a in pack.residential_regions
                for b in pack.residential_regions
            }
        )
        self.last_wave: WaveReport | None = None

    # ------------------------------------------------------------- lifecycle
    async def start(self, *, run_timer: bool = True) -> list[PlayerId]:
        """Restore the queue from the database; start the wave timer. Returns the restored players."""
        async with self.ctx.db.read() as conn:
            rows = await queue_store.all_entries(conn)
        for row in rows:
            t = Ticket(
                player_id=PlayerId(row["player_id"]),
                region=RegionCode(row["region"]),
                joined_at=row["joined_at"],
                bw_race=RaceCode(row["bw_race"]) if row["bw_race"] else None,
                sc2_race=RaceCode(row["sc2_race"]) if row["sc2_race"] else None,
                vetoes=frozenset(MapName(m) for m in row["map_vetoes"] or ()),
                waves_waited=row["waves_waited"],
            )
            self._tickets[t.player_id] = t
        self._next_wave_at = self.ctx.clock.now() + timedelta(seconds=self.interval_s)
        self.ctx.bus.subscribe(self._on_event)
        if run_timer:
            await self.warm()
            self._task = asyncio.get_running_loop().create_task(self._timer())
        return list(self._tickets)

    def _on_event(self, event: Event) -> None:
        """A new season removed vetoed maps from queue entries (in its transaction): follow in memory."""
        if isinstance(event, SeasonChanged):
            for pid, gone in event.dropped_vetoes.items():
                ticket = self._tickets.get(pid)
                if ticket is not None:
                    self._tickets[pid] = replace(ticket, vetoes=ticket.vetoes - gone)

    def _ensure_executor(self) -> None:
        """One matcher process, started with ``spawn``: forking a process that runs an event loop and
        database threads can deadlock the child on a lock some thread held at fork time."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_sigint
            )

    async def warm(self) -> None:
        """Start the matcher process and import the matcher in it, so no wave pays a cold start."""
        self._ensure_executor()
        assert self._executor is not None
        await asyncio.get_running_loop().run_in_executor(self._executor, _warm)

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        async with self._wave_lock:  # let a running wave finish its transactions
            pass
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    async def _timer(self) -> None:
        while True:
            delay = (self._next_wave_at - self.ctx.clock.now()).total_seconds()
            await asyncio.sleep(max(0.0, delay))
            try:
                await self.run_wave()
            except Exception:
                log.exception("matchmaking wave failed; the queue is intact and the next wave will retry")

    # ------------------------------------------------------------- join / leave
    async def join(self, req: QueueRequest) -> Ticket:
        """Queue a player. Refuses a second queue, an active match, a ban, missing Terms or setup."""
        player = await self.players.get(req.player_id)
        self.players.require_access(player, tos=True, setup=True)
        if req.player_id in self._tickets:
            raise PlayerBusy("You are already in the queue.", reason="already_queued")
        if player.active_match_id is not None:
            raise PlayerBusy(
                f"You are in match #{player.active_match_id}; finish it first.",
                reason="in_match",
                match_id=player.active_match_id,
            )
        bw = self._race(req.bw_race, Game.BW)
        sc2 = self._race(req.sc2_race, Game.SC2)
        if bw is None and sc2 is None:
            raise InvalidInput("Pick a BW race, an SC2 race, or one of each.", field="races")
        vetoes = self._vetoes(req.vetoes)
        assert player.region is not None  # setup guarantees it
        now = self.ctx.clock.now()
        ticket = Ticket(req.player_id, player.region, now, bw, sc2, vetoes)
        races = [r for r in (bw, sc2) if r]
        async with self.ctx.db.write() as conn:
            added = await queue_store.add(
                conn,
                {
                    "player_id": ticket.player_id,
                    "bw_race": bw,
                    "sc2_race": sc2,
                    "map_vetoes": sorted(vetoes),
                    "region": ticket.region,
                    "joined_at": now,
                    "waves_waited": 0,
                },
            )
            if added:
                await queue_store.save_preferences(conn, ticket.player_id, races, sorted(vetoes), now)
        if not added:
            raise PlayerBusy("You are already in the queue.", reason="already_queued")
        self._tickets[ticket.player_id] = ticket
        self._changed()
        return ticket

    async def leave(self, player_id: PlayerId) -> bool:
        """Leave at once. False when the player was not queued (nothing to do)."""
        if player_id not in self._tickets:
            return False
        async with self.ctx.db.write() as conn:
            await queue_store.remove(conn, [player_id])
        self._tickets.pop(player_id, None)
        self._changed()
        return True

    async def clear(self) -> list[PlayerId]:
        """Empty the queue (admin emergency). Returns who was removed, so they can be told."""
        async with self.ctx.db.write() as conn:
            removed = await queue_store.clear(conn)
        self._tickets.clear()
        self._changed()
        return removed

    # ------------------------------------------------------------- preferences
    async def preferences(self, player_id: PlayerId) -> QueuePreferences:
        """The player's last choices; races or maps no longer offered (a new season) are dropped."""
        async with self.ctx.db.read() as conn:
            row = await log_store.get_preferences(conn, player_id)
        if row is None:
            return QueuePreferences()
        pack = self.ctx.pack
        bw = sc2 = None
        for code in row.get("last_races") or ():
            try:
                race = pack.race(code)
            except KeyError:
                continue
            if race.game is Game.BW:
                bw = bw or RaceCode(race.code)
            else:
                sc2 = sc2 or RaceCode(race.code)
        pool = {m.name for m in pack.map_pool()}
        vetoes = tuple(sorted(MapName(v) for v in row.get("map_vetoes") or () if v in pool))[:MAX_VETOES]
        return QueuePreferences(bw, sc2, vetoes)

    async def save_preferences(self, req: QueueRequest) -> QueuePreferences:
        """Validate and store a queue setup as the player's defaults, without queueing.

        Unlike ``join`` no race is required (a player may clear both while choosing). Raises
        ``InvalidInput`` for a race of the wrong game, an unknown map or more than 4 vetoes.
        """
        await self.players.get(req.player_id)
        bw = self._race(req.bw_race, Game.BW)
        sc2 = self._race(req.sc2_race, Game.SC2)
        vetoes = self._vetoes(req.vetoes)
        races = [str(r) for r in (bw, sc2) if r]
        async with self.ctx.db.write() as conn:
            await queue_store.save_preferences(conn, req.player_id, races, sorted(vetoes), self.ctx.clock.now())
        return QueuePreferences(bw, sc2, tuple(sorted(vetoes)))

    def _race(self, code: str | None, game: Game) -> RaceCode | None:
        if code is None or not code.strip():
            return None
        try:
            race = self.ctx.pack.race(RaceCode(code.strip().lower()))
        except KeyError:
            raise InvalidInput(f"Unknown race {code!r}.", field=game.value, value=code) from None
        if race.game is not game:
            raise InvalidInput(f"{race.name} is not a {game.value.upper()} race.", field=game.value, value=code)
        return RaceCode(race.code)

    def _vetoes(self, names: Sequence[str]) -> frozenset[MapName]:
        pool = {m.name for m in self.ctx.pack.map_pool()}
        chosen = {n.strip() for n in names if n.strip()}
        if len(chosen) > MAX_VETOES:
            raise InvalidInput(f"At most {MAX_VETOES} map vetoes.", field="vetoes", limit=MAX_VETOES)
        unknown = sorted(chosen - pool)
        if unknown:
            raise InvalidInput(f"Not in the map pool: {', '.join(unknown)}.", field="vetoes", value=unknown)
        return frozenset(MapName(n) for n in chosen)

    # ------------------------------------------------------------- reads
    def is_queued(self, player_id: PlayerId) -> bool:
        return player_id in self._tickets

    def tickets(self) -> list[Ticket]:
        return sorted(self._tickets.values(), key=lambda t: (t.joined_at, t.player_id))

    def status(self, player_id: PlayerId | None = None) -> QueueStatus:
        by_race: Counter[str] = Counter()
        by_region: Counter[str] = Counter()
        for t in self._tickets.values():
            for r in (t.bw_race, t.sc2_race):
                if r:
                    by_race[r] += 1
            by_region[t.region] += 1
        now = self.ctx.clock.now()
        ticket = self._tickets.get(player_id) if player_id is not None else None
        return QueueStatus(
            waiting=len(self._tickets),
            by_race=dict(by_race),
            by_region=dict(by_region),
            next_wave_at=self._next_wave_at,
            seconds_to_next_wave=max(0.0, (self._next_wave_at - now).total_seconds()),
            ticket=ticket,
            window=float(self.strategy.window(ticket.waves_waited)) if ticket else None,  # type: ignore[attr-defined]
        )

    # ------------------------------------------------------------- waves
    async def _snapshot(self) -> list[Row]:
        """The queue as plain rows with current MMRs, yielding to the loop every few hundred."""
        initial = self.ctx.model.start().mmr
        rating = self.ctx.cache.rating
        rows: list[Row] = []
        for i, t in enumerate(list(self._tickets.values())):
            r1 = rating(t.player_id, t.bw_race) if t.bw_race else None
            r2 = rating(t.player_id, t.sc2_race) if t.sc2_race else None
            rows.append(
                (
                    int(t.player_id),
                    t.region,
                    t.joined_at,
                    t.bw_race,
                    r1.mmr if r1 else initial,
                    t.sc2_race,
                    r2.mmr if r2 else initial,
                    tuple(sorted(t.vetoes)),
                    t.waves_waited,
                )
            )
            if i % YIELD_EVERY == YIELD_EVERY - 1:
                await asyncio.sleep(0)
        return rows

    def _pool(self) -> list[MapChoice]:
        return [MapChoice(MapName(m.name), m.game) for m in self.ctx.pack.map_pool()]

    async def run_wave(self) -> WaveReport:
        """Pair who can be paired, create their matches, age everybody else by one wave."""
        async with self._wave_lock:
            started = self.ctx.clock.now()
            self._waves += 1
            self._next_wave_at = started + timedelta(seconds=self.interval_s)
            entries = await self._snapshot()
            seed = hash((self._seed, self._waves)) & 0x7FFFFFFF
            offload = len(entries) > self.inline_limit
            if offload:
                self._ensure_executor()
                assert self._executor is not None
                loop = asyncio.get_running_loop()
                proposals, ms = await loop.run_in_executor(
                    self._executor, _run_wave, self.strategy, entries, self._pool(), self._cross, seed
                )
            else:
                proposals, ms = _run_wave(self.strategy, entries, self._pool(), self._cross, seed)
            created: list[int] = []
            made = []
            skipped = 0
            wave_key = f"wave:{started.isoformat()}:{self._waves}"
            for p1, race1, p2, race2, map_name, server in proposals:
                one, two = PlayerId(p1), PlayerId(p2)
                if one not in self._tickets or two not in self._tickets:
                    skipped += 1
                    continue
                try:
                    match = await self.matches.create(
                        MatchRequest(one, race1, two, race2, map_name, server, f"{wave_key}:{p1}:{p2}"),
                        dequeue=True,
                    )
                except LadderError as exc:
                    log.info("wave proposal %s vs %s dropped: %s", p1, p2, exc)
                    skipped += 1
                    continue
                for pid in (one, two):
                    self._tickets.pop(pid, None)
                created.append(match.id)
                made.append(match)
            waited = [t.player_id for t in self._tickets.values() if t.joined_at <= started]
            if waited:
                # matched players already left the queue table in their match's transaction, so
                # everyone still there who was in this wave's snapshot waited one more wave
                async with self.ctx.db.write() as conn:
                    await queue_store.bump_waves(conn, started)
                for i, pid in enumerate(waited):
                    t = self._tickets.get(pid)
                    if t is not None:
                        self._tickets[pid] = replace(t, waves_waited=t.waves_waited + 1)
                    if i % YIELD_EVERY == YIELD_EVERY - 1:
                        await asyncio.sleep(0)
            report = WaveReport(
                started, len(entries), len(proposals), tuple(created), skipped, ms, offload, tuple(made)
            )
            self.last_wave = report
            self._changed()
            return report

    # ------------------------------------------------------------- admin (appended for services.admin)
    def forget_tickets(self, player_ids: Sequence[PlayerId]) -> None:
        """Drop in-memory tickets whose queue rows another service's transaction already deleted
        (an admin ban, removal or clear, audited with the deletion). Memory only; no-op for others."""
        before = len(self._tickets)
        for pid in player_ids:
            self._tickets.pop(pid, None)
        if len(self._tickets) != before:
            self._changed()

    def _changed(self) -> None:
        """Tell live views (the web's queue panel) that ``status()`` changed; after the commit."""
        self.ctx.bus.publish(QueueChanged(len(self._tickets)))
