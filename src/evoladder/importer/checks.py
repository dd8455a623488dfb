"""Checks after an import: ratings, W-L-D and the leaderboard order equal the old database's.

Read both databases again (never trusting what the copy believes it wrote). Rows the import listed
as skipped are left out of the old side; every other old row must be here, equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from evoladder.importer import legacy_schema as old
from evoladder.importer.mapping import SOURCE, parse_timestamp
from evoladder.store import tables as t

EXAMPLES = 5
COUNTS = ("games_played", "games_won", "games_lost", "games_drawn")


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    examples: tuple[str, ...] = field(default=())


def _skipped(target: Engine, table: str) -> set[str]:
    with target.connect() as conn:
        stmt = select(t.import_issues.c.source_key).where(
            t.import_issues.c.source == SOURCE,
            t.import_issues.c.source_table == table,
            t.import_issues.c.kind == "skipped",
        )
        return set(conn.execute(stmt).scalars())


def _lp_key(value: Any) -> float:
    """Later first; a rating never played (or with an unreadable time) after every played one."""
    try:
        when = parse_timestamp(value)
    except ValueError:
        when = None
    return -when.timestamp() if isinstance(when, datetime) else float("inf")


def board_order(rows: Iterable[tuple[int, int, str, int, Any]]) -> list[tuple[int, str]]:
    """(player, race) by MMR descending, then last played descending, then rating id ascending."""
    keyed = sorted(rows, key=lambda r: (-r[3], _lp_key(r[4]), r[0]))
    return [(r[1], r[2]) for r in keyed]


def run_checks(source: Engine, target: Engine, present: set[str]) -> list[CheckResult]:
    results: list[CheckResult] = []
    skipped_ratings = _skipped(target, "mmrs_1v1")
    r = old.mmrs_1v1
    with source.connect() as src:
        old_rows = [
            row
            for row in src.execute(
                select(r.c.id, r.c.discord_uid, r.c.race, r.c.mmr, r.c.last_played, *(r.c[c] for c in COUNTS))
            ).all()
            if str(row.id) not in skipped_ratings
        ]
    with target.connect() as conn:
        ours = {
            row.id: row
            for row in conn.execute(
                select(
                    t.ratings.c.id,
                    t.ratings.c.player_id,
                    t.ratings.c.race,
                    t.ratings.c.mmr,
                    t.ratings.c.last_played,
                    *(t.ratings.c[c] for c in COUNTS),
                )
            ).all()
        }
    missing = [f"mmrs_1v1 #{o.id} ({o.discord_uid} {o.race}) missing" for o in old_rows if o.id not in ours]
    wrong_mmr = [
        f"{o.discord_uid} {o.race}: old {o.mmr}, ours {ours[o.id].mmr}"
        for o in old_rows
        if o.id in ours and (ours[o.id].mmr != o.mmr or ours[o.id].player_id != o.discord_uid)
    ]
    bad = missing + wrong_mmr
    results.append(
        CheckResult(
            "ratings equal the old MMR",
            not bad,
            f"{len(old_rows) - len(bad)} of {len(old_rows)} ratings equal" + (f"; {len(bad)} differ" if bad else ""),
            tuple(bad[:EXAMPLES]),
        )
    )
    wrong_counts = [
        f"{o.discord_uid} {o.race}: old {_wld(o)}, ours {_wld(ours[o.id])}"
        for o in old_rows
        if o.id in ours and any(int(getattr(o, c) or 0) != getattr(ours[o.id], c) for c in COUNTS)
    ]
    results.append(
        CheckResult(
            "W-L-D counts equal the old counts",
            not wrong_counts and not missing,
            f"{len(old_rows) - len(wrong_counts) - len(missing)} of {len(old_rows)} equal",
            tuple(wrong_counts[:EXAMPLES]),
        )
    )
    old_order = board_order((o.id, o.discord_uid, o.race, o.mmr, o.last_played) for o in old_rows)
    wanted = {o.id for o in old_rows}
    new_order = board_order((v.id, v.player_id, v.race, v.mmr, v.last_played) for k, v in ours.items() if k in wanted)
    first = next((i for i, (a, b) in enumerate(zip(old_order, new_order, strict=False)) if a != b), None)
    same = first is None and len(old_order) == len(new_order)
    results.append(
        CheckResult(
            "leaderboard order equals the old order (MMR, last played, id)",
            same,
            f"{len(new_order)} entries in the same order" if same else f"orders differ at position {(first or 0) + 1}",
            () if same or first is None else (f"old {old_order[first]}, ours {new_order[first]}",),
        )
    )
    results.extend(_completeness(source, target, present))
    return results


def _wld(row: Any) -> str:
    return f"{row.games_won}-{row.games_lost}-{row.games_drawn} ({row.games_played} played)"


def _completeness(source: Engine, target: Engine, present: set[str]) -> list[CheckResult]:
    """Every old row is here or listed as skipped: old count = imported + skipped, per table."""
    pairs = [
        (old.players, t.players, None),
        (old.mmrs_1v1, t.ratings, None),
        (old.matches_1v1, t.matches, t.matches.c.idempotency_key.like(f"{SOURCE}:%")),
        (old.preferences_1v1, t.preferences, None),
        (old.replays, t.replays, t.replays.c.status == "imported"),
        (old.player_action_logs, t.action_log, None),
        (old.admin_actions, t.audit_log, t.audit_log.c.request_id.like(f"{SOURCE}:%")),
    ]
    lines: list[str] = []
    bad: list[str] = []
    for old_table, new_table, where in pairs:
        if old_table.name not in present:
            continue
        with source.connect() as src:
            before = int(src.execute(select(func.count()).select_from(old_table)).scalar() or 0)
        skipped = len(_skipped(target, old_table.name))
        with target.connect() as conn:
            stmt = select(func.count()).select_from(new_table)
            after = int(conn.execute(stmt if where is None else stmt.where(where)).scalar() or 0)
        line = f"{old_table.name}: {before} old = {after} imported + {skipped} skipped"
        lines.append(line)
        if after + skipped < before:
            bad.append(line)
    return [
        CheckResult(
            "every old row imported or listed as skipped",
            not bad,
            "; ".join(lines) if not bad else f"{len(bad)} tables short",
            tuple(bad),
        )
    ]
