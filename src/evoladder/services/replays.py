"""Replay uploads: intake, durable storage, parsing off the event loop, verification, the result.

The path of one upload (``upload``):

1. Intake, at once and writing nothing: empty, too large or not an MPQ archive -> ``InvalidInput``;
   an unknown match -> ``NotFound``; an uploader outside the match -> ``NotAParticipant``.
2. The bytes are stored by content hash (durable when ``put`` returns), then the replay row is
   committed as ``pending``. Only then is the upload acknowledged: from here it is never lost.
3. A parser worker reads it (``ParseBackend``: the local pool or Celery) within the parse timeout.
4. The summary is verified against the match, the data pack and the players' known toon handles.
   The verdict is stored with the summary. A verdict that passes every check reports the result for
   both players: the match transition, MMR and the verdict commit in ONE transaction.

Durable jobs: pending rows are the job queue. A full parse queue raises ``ReplayBusy`` (the row
stays pending); a parser that is not running leaves it pending; a timeout or crash is retried once,
then the replay is marked ``failed`` for an admin. A background pass re-runs pending rows every
``resume_interval_s`` and once at start, so a restart resumes every unfinished upload. Each row is
judged once: in this process by one task, across processes by ``status = 'pending'`` guards.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from evoladder.domain.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from evoladder.domain.ids import MatchId, PlayerId
from evoladder.domain.match import AlreadyApplied, Match, MatchState
from evoladder.domain.replay import ReplaySummary, ReplayUnreadable
from evoladder.domain.replay_intake import (
    ReplayBusy,
    ReplayEffect,
    ReplayRecord,
    ReplayStatus,
    check_upload,
    failed_verdict,
    outcome_for,
    unreadable_verdict,
)
from evoladder.domain.verification import LobbyRules, verify_replay
from evoladder.services import replay_inputs as inputs
from evoladder.services.context import ServiceContext
from evoladder.services.matches import MatchService
from evoladder.services.players import PlayerService
from evoladder.services.tasks import cancel_and_wait
from evoladder.store import replays as replay_store
from evoladder.store.replay_files import ReplayFileMissing, ReplayStorage
from evoladder.workers.errors import ParserBusy, ReplayParseFailed
from evoladder.workers.jobs import ParseBackend

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReplayPolicy:
    """Replay rules a deployment tunes (from Settings) or a test adjusts."""

    max_bytes: int = 5 * 1024 * 1024
    parse_timeout_s: float = 2.5
    max_attempts: int = 2
    """Parses that time out or crash before the replay is marked failed (2 = one retry)."""
    resume_interval_s: float = 5.0
    resume_concurrency: int = 2
    rules: LobbyRules = field(default_factory=LobbyRules)


@dataclass(frozen=True, slots=True)
class ReplayOutcome:
    """What an upload came to. ``replay.status`` is ``pending`` if it could not be checked yet."""

    replay: ReplayRecord
    match: Match | None
    duplicate: bool = False
    """The same file had already been uploaded for this match by this player."""


class _JudgedElsewhere(Exception):
    """The row left ``pending`` in another process meanwhile; roll back and read its verdict."""


class ReplayService:
    def __init__(
        self,
        ctx: ServiceContext,
        matches: MatchService,
        players: PlayerService,
        backend: ParseBackend,
        storage: ReplayStorage,
        policy: ReplayPolicy | None = None,
    ) -> None:
        self.ctx = ctx
        self.matches = matches
        self.players = players
        self.backend = backend
        self.storage = storage
        self.policy = policy or ReplayPolicy()
        self.running = False
        self._inflight: dict[int, asyncio.Task[ReplayOutcome]] = {}
        self._resume_task: asyncio.Task[None] | None = None
        self._toons: dict[PlayerId, frozenset[str]] = {}
        """Known toon handles per player: all of them loaded at start (a few per player), then
        extended by this process's own verified replays. Another process's discoveries appear after
        a restart; until then those players are still recognised by name, so a stale entry costs at
        most an admin look, never a wrong result."""
        self._all_toons_loaded = False

    # ------------------------------------------------------------------ lifecycle
    async def start(self, *, resume: bool = True) -> None:
        """Start and warm the parser workers, then resume pending uploads in the background."""
        await self.backend.start()
        async with self.ctx.db.read() as conn:
            self._toons = await replay_store.all_toons(conn)
        self._all_toons_loaded = True
        self.running = True
        if resume:
            self._resume_task = asyncio.get_running_loop().create_task(self._resume_loop(), name="replay-resume")

    async def stop(self) -> None:
        """Stop resuming, let in-flight checks finish (their rows stay pending if cut), stop workers."""
        await cancel_and_wait(self._resume_task)
        self._resume_task = None
        if self._inflight:
            await asyncio.gather(*list(self._inflight.values()), return_exceptions=True)
        if self.running:
            self.running = False
            await self.backend.stop()

    # ------------------------------------------------------------------ reads
    async def get(self, replay_id: int) -> ReplayRecord:
        async with self.ctx.db.read() as conn:
            found = await replay_store.get(conn, replay_id)
        if found is None:
            raise NotFound(f"No replay #{replay_id}.", replay_id=replay_id)
        return found

    async def for_match(self, match_id: int) -> list[ReplayRecord]:
        async with self.ctx.db.read() as conn:
            return await replay_store.for_match(conn, MatchId(match_id))

    def stats(self) -> dict[str, Any]:
        return {"in_flight": len(self._inflight), **self.backend.stats()}

    # ------------------------------------------------------------------ front-end questions
    def check_size(self, size: int) -> None:
        """Refuse a file by its announced size before downloading it (``InvalidInput``, ``too_large``)."""
        if size > self.policy.max_bytes:
            raise InvalidInput(
                f"The file is too large for a replay ({size / 1_048_576:.1f} MB; the limit is "
                f"{self.policy.max_bytes / 1_048_576:.1f} MB).",
                field="replay",
                reason="too_large",
                size=size,
                limit=self.policy.max_bytes,
            )

    async def match_for_upload(self, player_id: PlayerId) -> Match | None:
        """The match a replay from this player is for, or ``None``.

        Their active match (created or in progress, ``Player.active_match_id``, else any active match
        they play in), else their latest match when it awaits an admin (a conflict: the replay is
        evidence). A finished, aborted or voided match takes no replay from a chat upload.
        """
        player = await self.players.get(player_id)
        if player.active_match_id is not None:
            match = await self.matches.get(player.active_match_id)
            if match.state.holds_players:
                return match
        mine = [m for m in self.matches.active_matches() if player_id in (m.player1, m.player2)]
        if mine:
            return mine[-1]
        recent = await self.matches.recent(player_id, 1)
        if recent and recent[0].state is MatchState.CONFLICT:
            return recent[0]
        return None

    async def verified_replay(self, match_id: int, player_id: PlayerId) -> ReplayRecord | None:
        """The player's latest replay for the match that was read and checked (status ``parsed``)."""
        mine = [
            r for r in await self.for_match(match_id) if r.uploader_id == player_id and r.status is ReplayStatus.PARSED
        ]
        return mine[-1] if mine else None

    async def manual_report_open(self, match_id: int, player_id: PlayerId) -> bool:
        """Whether to offer this player manual reporting: their own replay was read and verified, the
        match is in progress, and they have not reported yet (what the old bot offered after an upload)."""
        match = await self.matches.get(match_id)
        slot = match.slot_of(player_id)
        if match.state is not MatchState.IN_PROGRESS or match.report_of(slot) is not None:
            return False
        return await self.verified_replay(match_id, player_id) is not None

    async def require_verified_replay(self, match_id: int, player_id: PlayerId) -> ReplayRecord:
        """Manual reporting unlocks once the player's replay is verified; ``Forbidden`` before."""
        (await self.matches.get(match_id)).slot_of(player_id)
        found = await self.verified_replay(match_id, player_id)
        if found is None:
            raise Forbidden(
                f"Upload your replay of match #{match_id} first; reporting unlocks once it is verified.",
                reason="replay_required",
                match_id=match_id,
            )
        return found

    # ------------------------------------------------------------------ upload
    async def upload(self, match_id: int, uploader: PlayerId, data: bytes) -> ReplayOutcome:
        """Take a replay for a match from one of its players, store it, and check it.

        Returns once the verdict is stored (or the replay is left pending because no parser is
        running). Raises ``InvalidInput``/``NotFound``/``NotAParticipant`` before storing anything,
        and ``ReplayBusy`` after storing it when the parse queue is full.
        """
        check_upload(data, self.policy.max_bytes)
        match = await self.matches.get(match_id)
        match.slot_of(uploader)
        stored = await self.storage.put(data)
        async with self.ctx.db.write() as conn:
            record, created = await replay_store.insert_upload(
                conn,
                sha256=stored.sha256,
                size_bytes=stored.size,
                match_id=match.id,
                uploader_id=uploader,
                uploaded_at=self.ctx.clock.now(),
            )
        if not created and record.status is not ReplayStatus.PENDING:
            return ReplayOutcome(record, await self.matches.get(match.id), duplicate=True)
        outcome = await self._process(record, data)
        return outcome if created else ReplayOutcome(outcome.replay, outcome.match, duplicate=True)

    # ------------------------------------------------------------------ jobs
    async def resume_pending(self) -> list[ReplayOutcome]:
        """One pass over the pending rows, oldest first; stops early while the parser is busy or down."""
        done: list[ReplayOutcome] = []
        gate = asyncio.Semaphore(self.policy.resume_concurrency)
        halt = asyncio.Event()
        after = 0

        async def one(record: ReplayRecord) -> None:
            async with gate:
                if halt.is_set():
                    return
                try:
                    outcome = await self._process(record, None)
                except ReplayBusy:
                    halt.set()
                    return
                if outcome.replay.status is ReplayStatus.PENDING:
                    halt.set()  # no parser answering: try the rest on the next pass
                done.append(outcome)

        while not halt.is_set():
            async with self.ctx.db.read() as conn:
                batch = await replay_store.pending(conn, limit=100, after_id=after)
            if not batch:
                break
            after = batch[-1].id
            await asyncio.gather(*(one(r) for r in batch if r.id not in self._inflight))
        return done

    async def _resume_loop(self) -> None:
        while True:
            try:
                resumed = await self.resume_pending()
                if resumed:
                    log.info("replays: resumed %d pending upload(s)", len(resumed))
            except Exception:
                log.exception("resuming pending replays failed; will retry")
            await asyncio.sleep(self.policy.resume_interval_s)

    async def _process(self, record: ReplayRecord, data: bytes | None) -> ReplayOutcome:
        """Judge one pending row; concurrent callers for the same row share one run. The run is
        shielded: a caller that goes away (a closed connection) does not interrupt it."""
        task = self._inflight.get(record.id)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._run(record, data), name=f"replay-{record.id}")
            self._inflight[record.id] = task
            task.add_done_callback(functools.partial(self._forget, record.id))
        return await asyncio.shield(task)

    def _forget(self, replay_id: int, task: asyncio.Task[ReplayOutcome]) -> None:
        self._inflight.pop(replay_id, None)
        if not task.cancelled():
            task.exception()  # retrieved: a caller that went away must not leave it "never retrieved"

    async def _run(self, record: ReplayRecord, data: bytes | None) -> ReplayOutcome:
        if data is None:  # resumed from the table: it may have been judged since it was listed
            record = await self.get(record.id)
            if record.status is not ReplayStatus.PENDING:
                match = await self.matches.get(record.match_id) if record.match_id is not None else None
                return ReplayOutcome(record, match)
            try:
                data = await self.storage.get(record.sha256)
            except ReplayFileMissing:
                reason = "the stored file is missing"
                return await self._finish_unread(record, ReplayStatus.FAILED, failed_verdict(reason), reason)
        while True:
            try:
                summary = await self.backend.parse(data, self.policy.parse_timeout_s)
            except ReplayUnreadable as exc:
                verdict = unreadable_verdict(exc.reason)
                return await self._finish_unread(record, ReplayStatus.UNREADABLE, verdict, exc.reason)
            except ParserBusy:
                raise ReplayBusy(record.id) from None
            except ReplayParseFailed as exc:
                if exc.reason == "not_running":
                    log.info("replay #%s stays pending: %s", record.id, exc)
                    return ReplayOutcome(await self.get(record.id), None)
                async with self.ctx.db.write() as conn:
                    attempts = await replay_store.count_failed_attempt(conn, record.id)
                log.warning("replay #%s: parse attempt %d failed: %s", record.id, attempts, exc)
                if attempts == 0:
                    return ReplayOutcome(await self.get(record.id), None)  # judged elsewhere
                record = replace(record, attempts=attempts)
                if attempts >= self.policy.max_attempts:
                    reason = f"{exc.reason}: {exc.detail}" if exc.detail else exc.reason
                    return await self._finish_unread(record, ReplayStatus.FAILED, failed_verdict(reason), reason)
                continue
            return await self._judge(record, summary)

    async def _judge(self, record: ReplayRecord, summary: ReplaySummary) -> ReplayOutcome:
        assert record.match_id is not None
        match = await self.matches.get(record.match_id)
        players = (await self._player(match.player1), await self._player(match.player2))
        toons = await self._known_toons(match.player1, match.player2)
        pack = self.ctx.pack
        verdict = verify_replay(
            summary,
            inputs.expected_match(pack, match, players, toons),
            mod=inputs.mod_in_force(pack, summary),
            race_aliases=inputs.race_aliases(pack),
            uploaded_at=record.uploaded_at,
            rules=self.policy.rules,
        )
        verdict_json, summary_json = inputs.verdict_json(verdict), summary.to_dict()
        learnt = inputs.new_toon_handles(verdict, match)
        outcome = outcome_for(verdict.reported_result)
        finished: list[ReplayRecord] = []

        async def store(conn: Any, effect: ReplayEffect) -> None:
            now = self.ctx.clock.now()
            fields: dict[str, Any] = {"status": ReplayStatus.PARSED, "parsed_at": now, "effect": effect}
            stored = await replay_store.finish(conn, record.id, summary=summary_json, verdict=verdict_json, **fields)
            if not stored:
                raise _JudgedElsewhere
            await replay_store.learn_toons(conn, learnt, seen=now, replay_id=record.id)
            finished.append(replace(record, summary=summary_json, verdict=verdict_json, **fields))

        async def with_result(conn: Any, previous: Match, nxt: Match) -> None:
            await store(conn, _effect(previous, nxt))

        effect = ReplayEffect.NOT_APPLIED
        try:
            if outcome is not None:
                try:
                    after = await self.matches.record_replay_result(match.id, outcome, record.id, also=with_result)
                    self._remember_toons(learnt)
                    return ReplayOutcome(finished[-1], after)
                except AlreadyApplied:
                    effect = ReplayEffect.ALREADY_APPLIED
                except IllegalTransition:
                    effect = ReplayEffect.MATCH_CLOSED
            async with self.ctx.db.write() as conn:
                await store(conn, effect)
            self._remember_toons(learnt)
        except _JudgedElsewhere:
            return ReplayOutcome(await self.get(record.id), await self.matches.get(match.id))
        return ReplayOutcome(finished[-1], await self.matches.get(match.id))

    async def _known_toons(self, *players: PlayerId) -> dict[PlayerId, frozenset[str]]:
        missing = [] if self._all_toons_loaded else [p for p in players if p not in self._toons]
        if missing:
            async with self.ctx.db.read() as conn:
                self._toons.update(await replay_store.toons_of(conn, missing))
        return {p: self._toons.get(p, frozenset()) for p in players}

    def _remember_toons(self, learnt: list[tuple[PlayerId, str]]) -> None:
        """After the commit that stored them (never before: a rollback must not leave them here)."""
        for player, handle in learnt:
            self._toons[player] = self._toons.get(player, frozenset()) | {handle}

    async def _finish_unread(
        self, record: ReplayRecord, status: ReplayStatus, verdict: dict[str, Any], reason: str
    ) -> ReplayOutcome:
        fields: dict[str, Any] = {
            "status": status,
            "parsed_at": self.ctx.clock.now(),
            "verdict": verdict,
            "error": reason,
            "effect": ReplayEffect.NOT_APPLIED,
        }
        async with self.ctx.db.write() as conn:
            stored = await replay_store.finish(conn, record.id, summary=None, **fields)
        match = await self.matches.get(record.match_id) if record.match_id is not None else None
        return ReplayOutcome(replace(record, **fields) if stored else await self.get(record.id), match)

    async def _player(self, player_id: PlayerId) -> Any:
        try:
            return await self.players.get(player_id)
        except NotFound:
            return None


def _effect(previous: Match | None, nxt: Match | None) -> ReplayEffect:
    """What a stored transition did: finished the match, opened a conflict, or attached evidence."""
    if previous is None or nxt is None:
        return ReplayEffect.NOT_APPLIED
    if nxt.state is MatchState.CONFLICT and previous.state is not MatchState.CONFLICT:
        return ReplayEffect.CONFLICT
    if nxt.state is MatchState.COMPLETED and previous.state is MatchState.IN_PROGRESS:
        return ReplayEffect.COMPLETED
    return ReplayEffect.EVIDENCE
