"""The report at the end of an import: counts per table, old match codes -> our states, every issue.

Built from the databases, not from the run's memory, so a resumed (or repeated) run reports the
whole import, including rows skipped by an earlier, interrupted run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select

from evoladder.importer import legacy_schema as old
from evoladder.importer.checks import CheckResult
from evoladder.importer.mapping import SOURCE, Issue, classify
from evoladder.importer.run import RunStats
from evoladder.store import tables as t

# old table -> (our table, what we count there)
TABLES: tuple[tuple[str, str], ...] = (
    ("players", "players"),
    ("mmrs_1v1", "ratings"),
    ("matches_1v1", "matches"),
    ("preferences_1v1", "preferences"),
    ("replays", "replays"),
    ("player_action_logs", "action_log"),
    ("admin_actions", "audit_log"),
)


@dataclass(frozen=True)
class TableCount:
    old_table: str
    new_table: str
    old_rows: int | None
    new_rows: int
    skipped: int
    adjusted: int


@dataclass(frozen=True)
class CodeRow:
    """One old code combination: result, report 1, report 2, admin-resolved -> our label and state."""

    result: int | None
    report1: int | None
    report2: int | None
    admin_resolved: bool
    label: str
    state: str
    count: int


@dataclass
class ImportReport:
    counts: list[TableCount]
    codes: list[CodeRow]
    issues: list[Issue]
    stats: RunStats
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def by_label(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for row in self.codes:
            totals[row.label] += row.count
        return dict(totals)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "counts": [asdict(c) for c in self.counts],
            "match_codes": [asdict(c) for c in self.codes],
            "match_states": self.by_label(),
            "issues": [asdict(i) for i in self.issues],
            "checks": [asdict(c) for c in self.checks],
            "this_run": {"read": self.stats.read, "written": self.stats.written, "batches": self.stats.batches},
        }


def build_report(source: Engine, target: Engine, present: set[str], stats: RunStats) -> ImportReport:
    with target.connect() as conn:
        issues = [
            Issue(r.source_table, r.source_key, r.kind, r.reason)
            for r in conn.execute(
                select(t.import_issues).where(t.import_issues.c.source == SOURCE).order_by(t.import_issues.c.id)
            )
        ]
        new_counts = {
            name: int(conn.execute(select(func.count()).select_from(t.metadata.tables[name])).scalar() or 0)
            for name in (*(n for _, n in TABLES), "staff", "abort_counts")
        }
    per_kind = Counter((i.table, i.kind) for i in issues)
    with source.connect() as src:
        old_counts = {
            name: int(src.execute(select(func.count()).select_from(old.legacy_metadata.tables[name])).scalar() or 0)
            for name, _ in TABLES
            if name in present
        }
        codes = _codes(src) if "matches_1v1" in present else []
    counts = [
        TableCount(o, n, old_counts.get(o), new_counts[n], per_kind[(o, "skipped")], per_kind[(o, "adjusted")])
        for o, n in TABLES
    ]
    counts.append(
        TableCount(
            "admins file",
            "staff",
            None,
            new_counts["staff"],
            per_kind[("admins_file", "skipped")],
            per_kind[("admins_file", "adjusted")],
        )
    )
    counts.append(TableCount("players.remaining_aborts", "abort_counts", None, new_counts["abort_counts"], 0, 0))
    return ImportReport(counts, codes, issues, stats)


def _codes(src: Any) -> list[CodeRow]:
    m = old.matches_1v1
    resolved = m.c.updated_at.is_not(None).label("resolved")
    stmt = (
        select(m.c.match_result, m.c.player_1_report, m.c.player_2_report, resolved, func.count())
        .group_by(m.c.match_result, m.c.player_1_report, m.c.player_2_report, resolved)
        .order_by(m.c.match_result, m.c.player_1_report, m.c.player_2_report, resolved)
    )
    rows: list[CodeRow] = []
    for result, r1, r2, admin, count in src.execute(stmt):
        try:
            kind = classify(result, r1, r2, bool(admin))
            label, state = kind.label, kind.state.value
        except ValueError:
            label, state = "unknown code", "skipped"
        rows.append(CodeRow(result, r1, r2, bool(admin), label, state, int(count)))
    return rows


def _code(value: int | None) -> str:
    return "NULL" if value is None else str(value)


def render(report: ImportReport, *, max_adjusted: int = 40) -> list[str]:
    """The report as terminal lines: every skipped row, adjusted rows up to ``max_adjusted``."""
    lines = ["", "Tables (old -> ours):"]
    lines.append(f"  {'old table':<26}{'ours':<14}{'old rows':>10}{'ours now':>10}{'skipped':>9}{'adjusted':>10}")
    for c in report.counts:
        old_rows = "-" if c.old_rows is None else str(c.old_rows)
        lines.append(
            f"  {c.old_table:<26}{c.new_table:<14}{old_rows:>10}{c.new_rows:>10}{c.skipped:>9}{c.adjusted:>10}"
        )
    lines += ["", "Match codes (match_result, player_1_report, player_2_report, admin-resolved -> our state):"]
    for row in report.codes:
        admin = "yes" if row.admin_resolved else "no"
        codes = f"{_code(row.result):>4} {_code(row.report1):>4} {_code(row.report2):>4} {admin:>4}"
        lines.append(f"  {codes}  -> {row.label:<26} {row.state:<12} {row.count:>8}")
    lines.append("  totals: " + ", ".join(f"{k} {v}" for k, v in sorted(report.by_label().items())))
    skipped = [i for i in report.issues if i.kind == "skipped"]
    adjusted = [i for i in report.issues if i.kind == "adjusted"]
    lines += ["", f"Skipped rows ({len(skipped)}):"]
    lines += [f"  {i.table} #{i.key}: {i.reason}" for i in skipped] or ["  none"]
    lines += ["", f"Adjusted values ({len(adjusted)}):"]
    lines += [f"  {i.table} #{i.key}: {i.reason}" for i in adjusted[:max_adjusted]] or ["  none"]
    if len(adjusted) > max_adjusted:
        lines.append(f"  ... {len(adjusted) - max_adjusted} more: use --report FILE for the full list")
    if report.stats.absent_tables:
        lines += ["", "Absent from the old database (nothing to import): " + ", ".join(report.stats.absent_tables)]
    lines += ["", "Checks:"]
    for check in report.checks:
        lines.append(f"  [{'ok' if check.ok else 'FAILED'}] {check.name}: {check.detail}")
        lines += [f"      {e}" for e in check.examples]
    return lines
