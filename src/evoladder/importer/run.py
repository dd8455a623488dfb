"""The batched copy: old rows streamed in id order, mapped, and written a batch per transaction.

Idempotent and resumable by construction:

* every phase reads the old table *after* its progress marker (``ladder_meta`` key
  ``import.evoladderbot.<phase>`` = the last old key written), so a second run reads nothing;
* each batch writes its rows, its issues and the advanced marker in ONE transaction, so a run killed
  anywhere leaves either the whole batch or none of it, and the next run starts at that batch;
* rows keep their old ids and are inserted with ``ON CONFLICT DO NOTHING``, so even a marker lost
  by hand never duplicates anything.

Old ids are our ids (players by Discord id; ratings, matches, replays and both logs by the old
serial id), so "Match #1234" is the same match, and the rating id stays the leaderboard's last
tie-breaker as it was. The target must be an empty ladder or one this importer wrote before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Engine,
    Select,
    Table,
    func,
    insert,
    literal,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from evoladder.datapack import DataPack
from evoladder.importer import legacy_schema as old
from evoladder.importer.db import open_source, open_target, redact, source_tables
from evoladder.importer.mapping import SOURCE, Catalog, Issue, Mapped, map_match, map_player, map_rating
from evoladder.importer.records import map_action_log, map_admin_action, map_preferences, map_replay, parse_admins
from evoladder.store import tables as t
from evoladder.store.logs import month_key
from evoladder.store.schema import upgrade
from evoladder.store.types import UTCDateTime

MARKER = f"import.{SOURCE}."
DEFAULT_BATCH = 5000


class ImportRefused(RuntimeError):
    """The target cannot take this import (not empty, another rating model in use, bad admin file)."""


class Progress(Protocol):
    """What the CLI's progress bar implements; the importer calls it after each committed batch."""

    def start(self, phase: str, total: int) -> None: ...

    def advance(self, phase: str, done: int) -> None: ...


BeforeCommit = Callable[[str, int], None]
"""Test hook: called inside a batch's transaction just before COMMIT with (phase, batch number)."""


@dataclass
class ImportOptions:
    source_url: str
    target_url: str
    pack: DataPack
    admins_file: Path | None = None
    batch_size: int = DEFAULT_BATCH
    aborts_per_month: int = 3
    confirm_window: timedelta = timedelta(seconds=60)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    progress: Progress | None = None
    before_commit: BeforeCommit | None = None
    upgrade_target: bool = True


@dataclass
class RunStats:
    """What this run read and wrote (a second run reads nothing)."""

    read: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    issues: int = 0
    batches: int = 0
    absent_tables: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Phase:
    """One old table copied into ours: how to read it after a marker, and how to map a row."""

    name: str
    table: Table
    key: str
    query: Callable[[Any], Select[Any]]
    mapper: Callable[[Mapping[str, Any]], Mapped]
    writes: Table


class _NotIn:
    """``x in _NotIn(skipped)`` is true unless x was skipped: ids of an old table we imported."""

    def __init__(self, skipped: set[int]) -> None:
        self.skipped = skipped

    def __contains__(self, item: object) -> bool:
        return item not in self.skipped


def _insert_ignore(conn: Connection, table: Table) -> Any:
    mod: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    return mod.insert(table).on_conflict_do_nothing()


def _sqlite_datetime(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite DATETIME text for a UTC instant (what ``UTCDateTime`` stores)."""
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _driver_value(dialect: str, column_type: Any) -> Callable[[Any], Any] | None:
    """How SQLAlchemy would hand a value of this type to the driver (``None``: as it is)."""
    if dialect == "sqlite":
        if isinstance(column_type, UTCDateTime):
            return _sqlite_datetime
        if isinstance(column_type, JSON):
            return json.dumps  # None becomes JSON null, as SQLAlchemy's JSON type stores it
        if isinstance(column_type, Boolean):
            return lambda v: None if v is None else int(v)
        return None
    if isinstance(column_type, JSON):
        from psycopg.types.json import Json

        return Json
    if isinstance(column_type, UTCDateTime):
        return lambda v: None if v is None else v.astimezone(UTC)
    return None


def _write_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``INSERT ... ON CONFLICT DO NOTHING`` for many rows in one driver-level ``executemany``.

    Values are converted here, once per column kind, and handed to the driver directly:
    SQLAlchemy's per-value bind processing was half of the import's time. (psycopg pipelines the
    ``executemany``; sqlite3 runs it in C.)
    """
    dialect = conn.dialect.name
    names = list(rows[0])
    fixes = [(i, f) for i, name in enumerate(names) if (f := _driver_value(dialect, table.c[name].type)) is not None]
    quoted = ", ".join(f'"{name}"' for name in names)
    mark = "?" if dialect == "sqlite" else "%s"
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join([mark] * len(names))}) ON CONFLICT DO NOTHING'
    get = itemgetter(*names)
    params: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(get(row)) if len(names) > 1 else [get(row)]
        for i, fix in fixes:
            values[i] = fix(values[i])
        params.append(tuple(values))
    conn.exec_driver_sql(sql, params)


class Importer:
    """Runs one import. ``run()`` returns the stats; ``report.build_report`` and ``checks`` follow."""

    def __init__(self, options: ImportOptions) -> None:
        self.o = options
        self.catalog = Catalog.from_pack(options.pack)
        self.stats = RunStats()
        self.source: Engine | None = None
        self.target: Engine | None = None
        self._batch_no = 0

    # ------------------------------------------------------------------ lifecycle
    def open(self) -> tuple[Engine, Engine]:
        if self.o.upgrade_target:
            upgrade(self.o.target_url)
        self.source = open_source(self.o.source_url)
        self.target = open_target(self.o.target_url)
        return self.source, self.target

    def close(self) -> None:
        for engine in (self.source, self.target):
            if engine is not None:
                engine.dispose()

    def run(self) -> RunStats:
        source, target = self.open() if self.source is None or self.target is None else (self.source, self.target)
        present = source_tables(source)
        self._prepare(target)
        players = self._player_ids(target)
        skipped_matches = self._skipped(target, "matches_1v1")
        o, cat, now = self.o, self.catalog, self.o.now
        phases = [
            Phase("players", old.players, "id", self._q(old.players, "id"),
                  lambda r: map_player(r, cat, aborts_per_month=o.aborts_per_month, now=now), t.players),
            Phase("ratings", old.mmrs_1v1, "id", self._q(old.mmrs_1v1, "id"),
                  lambda r: map_rating(r, cat, players), t.ratings),
            Phase("matches", old.matches_1v1, "id", self._q(old.matches_1v1, "id"),
                  lambda r: map_match(r, cat, players, o.confirm_window), t.matches),
            Phase("preferences", old.preferences_1v1, "discord_uid", self._q(old.preferences_1v1, "discord_uid"),
                  lambda r: map_preferences(r, cat, players, now), t.preferences),
            Phase("replays", old.replays, "id", self._replays_query,
                  lambda r: map_replay(r, _link(r), _NotIn(skipped_matches), now), t.replays),
            Phase("action_log", old.player_action_logs, "id", self._q(old.player_action_logs, "id"),
                  lambda r: map_action_log(r, players, now), t.action_log),
            Phase("audit_log", old.admin_actions, "id", self._q(old.admin_actions, "id"),
                  lambda r: map_admin_action(r, now), t.audit_log),
        ]  # fmt: skip
        for phase in phases:
            if phase.table.name not in present:
                self.stats.absent_tables.append(phase.table.name)
                continue
            self._copy(source, target, phase, players, skipped_matches)
        if self.o.admins_file is not None:
            self._staff(target)
        self._finish(target)
        return self.stats

    # ------------------------------------------------------------------ start and end
    def _prepare(self, target: Engine) -> None:
        """Refuse a ladder that has data of its own; record the Elo model the old ratings use."""
        with self._write(target) as conn:
            started = _meta(conn, MARKER + "source")
            if started is None:
                for table in (t.players, t.matches, t.replays):
                    if conn.execute(select(func.count()).select_from(table)).scalar():
                        raise ImportRefused(
                            f"the target ladder already has {table.name}; import into an empty database"
                        )
                _put(conn, MARKER + "source", redact(self.o.source_url), self.o.now)
            model = _meta(conn, "rating_model")
            if model != "elo":
                rated = conn.execute(
                    select(func.count()).select_from(t.ratings).where(t.ratings.c.games_played > 0)
                ).scalar()
                if model is not None and rated and started is None:
                    raise ImportRefused(f"the target ladder is rated with {model}; EvoLadderBot's ratings are Elo")
                _put(conn, "rating_model", "elo", self.o.now)

    def _finish(self, target: Engine) -> None:
        """New ids continue after the old ones (PostgreSQL sequences); mark the import complete."""
        with self._write(target) as conn:
            if conn.dialect.name == "postgresql":
                for table in (t.ratings, t.matches, t.replays, t.action_log, t.audit_log):
                    _advance_sequence(conn, table.name)
            if _meta(conn, MARKER + "completed_at") is None:
                _put(conn, MARKER + "completed_at", self.o.now.isoformat(), self.o.now)

    # ------------------------------------------------------------------ the copy loop
    def _q(self, table: Table, key: str) -> Callable[[Any], Select[Any]]:
        def build(after: Any) -> Select[Any]:
            stmt = select(table).order_by(table.c[key])
            return stmt if after is None else stmt.where(table.c[key] > after)

        return build

    def _replays_query(self, after: Any) -> Select[Any]:
        """Each replay with the match (and slot) whose ``player_N_replay_path`` names it."""
        m = old.matches_1v1
        links = union_all(
            *(
                select(
                    m.c.id.label("link_match"),
                    literal(slot).label("link_slot"),
                    m.c[f"player_{slot}_discord_uid"].label("link_uploader"),
                    m.c[f"player_{slot}_replay_path"].label("link_path"),
                ).where(m.c[f"player_{slot}_replay_path"].is_not(None))
                for slot in (1, 2)
            )
        ).subquery()
        r = old.replays
        stmt = (
            select(r, links.c.link_match, links.c.link_slot, links.c.link_uploader)
            .select_from(r.outerjoin(links, links.c.link_path == r.c.replay_path))
            .order_by(r.c.id, links.c.link_match, links.c.link_slot)
        )
        return stmt if after is None else stmt.where(r.c.id > after)

    def _copy(self, source: Engine, target: Engine, phase: Phase, players: set[int], skipped: set[int]) -> None:
        with target.connect() as conn:
            after = _meta(conn, MARKER + phase.name)
            conn.rollback()
        after_key = int(after) if after is not None else None
        with source.connect() as src:
            count_stmt = select(func.count()).select_from(phase.table)
            if after_key is not None:
                count_stmt = count_stmt.where(phase.table.c[phase.key] > after_key)
            total = int(src.execute(count_stmt).scalar() or 0)
            if self.o.progress:
                self.o.progress.start(phase.name, total)
            result = src.execution_options(stream_results=True, yield_per=self.o.batch_size).execute(
                phase.query(after_key)
            )
            last_seen: Any = None
            for chunk in result.mappings().partitions(self.o.batch_size):
                rows: list[Any] = []
                extra: list[Issue] = []
                for row in chunk:
                    if phase.name == "replays" and row["id"] == last_seen:
                        # a second match names the same replay: the first link is kept, this one listed
                        reason = f"also named by match #{row['link_match']} (player {row['link_slot']}); not linked"
                        extra.append(Issue("replays", str(row["id"]), "adjusted", reason))
                        continue
                    last_seen = row[phase.key]
                    rows.append(row)
                self._batch(target, phase, rows, players, skipped, extra)
            result.close()

    def _batch(
        self,
        target: Engine,
        phase: Phase,
        rows: Sequence[Mapping[str, Any]],
        players: set[int],
        skipped: set[int],
        extra: Sequence[Issue] = (),
    ) -> None:
        mapped_rows: list[dict[str, Any]] = []
        issues: list[Issue] = list(extra)
        aborts: list[dict[str, Any]] = []
        month = month_key(self.o.now)
        for row in rows:
            mapped = phase.mapper(row)
            issues.extend(mapped.issues)
            if mapped.row is None:
                continue
            mapped_rows.append(mapped.row)
            if phase.name == "players" and mapped.extra.get("aborts_used"):
                aborts.append({"player_id": mapped.row["id"], "month": month, "count": mapped.extra["aborts_used"]})
        self._batch_no += 1
        with self._write(target) as conn:
            if mapped_rows:
                _write_rows(conn, phase.writes, mapped_rows)
            if aborts:
                _write_rows(conn, t.abort_counts, aborts)
            self._store_issues(conn, issues)
            if rows:
                _put(conn, MARKER + phase.name, str(rows[-1][phase.key]), self.o.now)
            if self.o.before_commit is not None:
                self.o.before_commit(phase.name, self._batch_no)
        # only after the commit: later phases see what this one brought over
        if phase.name == "players":
            players.update(r["id"] for r in mapped_rows)
        if phase.name == "matches":
            skipped.update(int(i.key) for i in issues if i.kind == "skipped")
        self.stats.read[phase.name] = self.stats.read.get(phase.name, 0) + len(rows)
        self.stats.written[phase.name] = self.stats.written.get(phase.name, 0) + len(mapped_rows)
        self.stats.issues += len(issues)
        self.stats.batches += 1
        if self.o.progress:
            self.o.progress.advance(phase.name, len(rows))

    def _staff(self, target: Engine) -> None:
        """Admins from the old JSON file, once per distinct file content."""
        assert self.o.admins_file is not None
        content = self.o.admins_file.read_text(encoding="utf-8")
        try:
            rows, issues = parse_admins(content, self.o.now)
        except ValueError as exc:
            raise ImportRefused(f"{self.o.admins_file}: not a JSON array of admins ({exc})") from None
        digest = hashlib.sha256(content.encode()).hexdigest()
        with self._write(target) as conn:
            if _meta(conn, MARKER + "staff") == digest:
                return
            if rows:
                conn.execute(_insert_ignore(conn, t.staff), rows)
            self._store_issues(conn, issues)
            _put(conn, MARKER + "staff", digest, self.o.now)
        self.stats.read["staff"] = len(rows) + len(issues)
        self.stats.written["staff"] = len(rows)
        self.stats.issues += len(issues)

    # ------------------------------------------------------------------ helpers
    def _write(self, target: Engine) -> Any:
        conn = target.connect()
        if conn.dialect.name == "sqlite":
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        return _Tx(conn)

    def _store_issues(self, conn: Connection, issues: Iterable[Issue]) -> None:
        rows = [
            {"source": SOURCE, "source_table": i.table, "source_key": i.key[:64], "kind": i.kind,
             "reason": i.reason, "at": self.o.now}
            for i in issues
        ]  # fmt: skip
        if rows:
            conn.execute(insert(t.import_issues), rows)

    def _player_ids(self, target: Engine) -> set[int]:
        with target.connect() as conn:
            return {int(pid) for pid in conn.execute(select(t.players.c.id)).scalars()}

    def _skipped(self, target: Engine, table: str) -> set[int]:
        with target.connect() as conn:
            keys = conn.execute(
                select(t.import_issues.c.source_key).where(
                    t.import_issues.c.source == SOURCE,
                    t.import_issues.c.source_table == table,
                    t.import_issues.c.kind == "skipped",
                )
            ).scalars()
            return {int(k) for k in keys}


class _Tx:
    """``with``: one transaction on its own connection; commit on success, roll back on error."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        self.conn.begin()
        return self.conn

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            if exc_type is None:
                self.conn.commit()
            else:
                self.conn.rollback()
        finally:
            self.conn.close()


def _link(row: Mapping[str, Any]) -> tuple[int, int, int] | None:
    if row["link_match"] is None:
        return None
    return int(row["link_match"]), int(row["link_slot"]), int(row["link_uploader"])


def _meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(t.ladder_meta.c.value).where(t.ladder_meta.c.key == key)).scalar()


def _put(conn: Connection, key: str, value: str, now: datetime) -> None:
    done = conn.execute(update(t.ladder_meta).where(t.ladder_meta.c.key == key).values(value=value, updated_at=now))
    if not done.rowcount:
        conn.execute(insert(t.ladder_meta).values(key=key, value=value, updated_at=now))


def _advance_sequence(conn: Connection, table: str) -> None:
    """Move ``table``'s id sequence past the largest id, only when it is behind (so a rerun is a no-op)."""
    seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar()
    if seq is None:
        return
    top = conn.execute(text(f"SELECT max(id) FROM {table}")).scalar()
    last, called = conn.execute(text(f"SELECT last_value, is_called FROM {seq}")).one()
    if top is not None and (top > last or (top == last and not called)):
        conn.execute(text("SELECT setval(:s, :v)"), {"s": seq, "v": top})
