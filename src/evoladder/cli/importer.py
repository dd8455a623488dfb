"""``evoladder import evoladderbot``: bring an EvoLadderBot database over, with a progress bar.

Exit codes: 0 when the import finished and every check passed; 1 when a check failed; 2 when the
import was refused (target not empty, unreadable source or admin file, bad settings).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from evoladder.config import SettingsError, load_settings

import_app = typer.Typer(help="Import another ladder's database.", no_args_is_help=True)


class _Bar:
    """The importer's ``Progress`` protocol on a rich progress bar (one task per phase)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def start(self, phase: str, total: int) -> None:
        self.tasks[phase] = self.progress.add_task(phase, total=total)

    def advance(self, phase: str, done: int) -> None:
        self.progress.advance(self.tasks[phase], done)


@import_app.command("evoladderbot")
def import_evoladderbot_command(
    source: Annotated[
        str, typer.Option("--from", help="The EvoLadderBot database URL (sqlite:///... or postgresql://...).")
    ],
    admins: Annotated[Path | None, typer.Option("--admins", help="The old JSON admin file.", exists=True)] = None,
    batch_size: Annotated[int, typer.Option(min=100, max=100_000, help="Rows per transaction.")] = 5000,
    report_file: Annotated[Path | None, typer.Option("--report", help="Also write the full report as JSON.")] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Copy players, ratings, matches, preferences, replay records and logs into this ladder's database.

    Reads the old database read-only. Safe to run again: a finished import changes nothing, an
    interrupted one continues where it stopped. Prints the report and the checks.
    """
    from evoladder.datapack import DataPackError, load_pack
    from evoladder.importer import ImportOptions, ImportRefused, import_evoladderbot, render

    try:
        settings = load_settings()
        pack = load_pack(settings.data_pack)
    except (SettingsError, DataPackError) as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    options = ImportOptions(
        source_url=source,
        target_url=settings.effective_database_url,
        pack=pack,
        admins_file=admins,
        batch_size=batch_size,
        aborts_per_month=settings.aborts_per_month,
        confirm_window=timedelta(seconds=settings.confirm_timeout_s),
    )
    columns = (TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, disable=quiet, transient=False) as progress:
            options.progress = _Bar(progress)
            report = import_evoladderbot(options)
    except (ImportRefused, FileNotFoundError) as exc:
        typer.secho(f"Import refused: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    for line in render(report):
        typer.echo(line)
    if report_file is not None:
        report_file.write_text(json.dumps(report.as_json(), indent=2, default=str), encoding="utf-8")
        typer.echo(f"\nfull report: {report_file}")
    if not report.ok:
        typer.secho("\nA check failed: see above.", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.secho("\nImport complete; every check passed.", fg=typer.colors.GREEN)
