"""Importing an EvoLadderBot database (``evoladder import evoladderbot``).

Layer: a front-end-level tool beside ``web`` and ``discord_bot``; it uses ``store`` (tables,
migrations), ``domain`` (match states) and ``datapack`` (codes and map names). The SQL it runs is
its own bulk copy, kept here rather than in ``store`` because nothing else needs it.

``mapping`` is pure (old row -> our row or a listed skip); ``run`` streams and writes in batches;
``checks`` and ``report`` re-read both databases at the end. See docs/importer.md.
"""

from __future__ import annotations

from evoladder.importer.checks import CheckResult, run_checks
from evoladder.importer.db import source_tables
from evoladder.importer.report import ImportReport, build_report, render
from evoladder.importer.run import Importer, ImportOptions, ImportRefused, Progress, RunStats

__all__ = [
    "CheckResult",
    "ImportOptions",
    "ImportRefused",
    "ImportReport",
    "Importer",
    "Progress",
    "RunStats",
    "build_report",
    "import_evoladderbot",
    "render",
    "run_checks",
]


def import_evoladderbot(options: ImportOptions, *, check: bool = True) -> ImportReport:
    """Run (or resume, or repeat) the import, then build the report and run the checks.

    Raises ``ImportRefused`` when the target cannot take it; any other exception leaves the committed
    batches in place and the next run continues after them.
    """
    importer = Importer(options)
    source, target = importer.open()
    try:
        stats = importer.run()
        present = source_tables(source)
        report = build_report(source, target, present, stats)
        if check:
            report.checks = run_checks(source, target, present)
        return report
    finally:
        importer.close()
