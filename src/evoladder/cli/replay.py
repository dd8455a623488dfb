"""``evoladder replay``: inspect replay files, and upload one for a match from a terminal.

``inspect`` needs no database: it parses each file in this process (the operator's own files; the
same hardened parser the workers run) and prints the summary and the verdicts that do not depend on
a match. Exit codes: 0 when every file was read, whatever the verdicts; 1 when some file could not
be read; 2 for bad usage (typer's own, e.g. no file given).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from evoladder.config import SettingsError, load_settings
from evoladder.domain.errors import LadderError
from evoladder.domain.ids import PlayerId
from evoladder.domain.replay import ReplaySummary, ReplayUnreadable
from evoladder.domain.replay_intake import ReplayBusy, ReplayRecord
from evoladder.domain.verification import Inspection

from . import render

replay_app = typer.Typer(help="Replays: inspect files, upload one for a match.", no_args_is_help=True)

_MARK = {"pass": "PASS", "warn": "WARN", "needs_admin": "ADMIN", "fail": "FAIL"}


def _pack(pack: str | None) -> Any:
    from evoladder.datapack import DataPackError, load_pack

    try:
        name = pack or load_settings().data_pack
        return load_pack(name)
    except (SettingsError, DataPackError) as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


@replay_app.command("inspect")
def inspect(
    files: Annotated[list[Path], typer.Argument(help="One or more .SC2Replay files.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")] = False,
    pack: Annotated[str | None, typer.Option(help="Data pack name or folder (default: the configured one).")] = None,
) -> None:
    """Print each replay's summary and its match-independent verdicts (map, mod, settings)."""
    from evoladder.services.replay_inputs import inspect_summary
    from evoladder.workers.parse import parse_replay_bytes

    loaded = _pack(pack)
    reports: list[dict[str, Any]] = []
    for path in files:
        try:
            summary = parse_replay_bytes(path.read_bytes())
        except ReplayUnreadable as exc:
            reports.append({"file": str(path), "ok": False, "error": exc.reason})
            continue
        except OSError as exc:
            reports.append({"file": str(path), "ok": False, "error": exc.strerror or str(exc)})
            continue
        found = inspect_summary(loaded, summary)
        reports.append({"file": str(path), "ok": True, "summary": summary.to_dict(), **_inspection(found)})
        if not as_json:
            _print_text(path, summary, found)
    if as_json:
        typer.echo(json.dumps(reports, indent=2, ensure_ascii=False))
    for failed in (r for r in reports if not r["ok"]):
        if not as_json:
            typer.secho(f"{failed['file']}: cannot be read: {failed['error']}", fg=typer.colors.RED, err=True)
    raise typer.Exit(0 if all(r["ok"] for r in reports) else 1)


def _inspection(found: Inspection) -> dict[str, Any]:
    return {
        "ladder_map": found.map_name,
        "mod": found.mod_status.value,
        "mod_release": found.mod_release,
        "checks": [c.to_dict() for c in found.checks],
    }


def _clock(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}:{secs:02d}"


def _print_text(path: Path, s: ReplaySummary, found: Inspection) -> None:
    typer.secho(path.name, bold=True)
    typer.echo(f"  map        {s.map_name}  (content hash {s.map_hash or '-'})")
    for i, p in enumerate(s.players, 1):
        kind = "" if p.is_human else " (computer)"
        typer.echo(
            f"  player {i}   {p.name}{kind}  toon {p.toon_handle or '-'}  race {p.race}  result {p.result.value}"
        )
    typer.echo(f"  observers  {', '.join(s.observers) or 'none'}")
    typer.echo(f"  length     {_clock(s.real_length_s)} real, {_clock(s.game_length_s)} as reported")
    typer.echo(f"  build      {s.build} (base {s.base_build}, release {s.release})  region {s.region}")
    typer.echo(f"  date       {s.date:%Y-%m-%d %H:%M:%S} UTC")
    typer.echo(
        f"  lobby      speed {s.speed or '-'}, privacy {s.privacy or '-'}, duration {s.duration or '-'}, "
        f"locked alliances {s.locked_alliances or '-'}, {s.category or '-'} {s.game_type or ''}".rstrip()
    )
    release = f" (release {found.mod_release})" if found.mod_release else ""
    typer.echo(f"  ladder map {found.map_name or 'no'}")
    typer.echo(f"  mod        {found.mod_status.value}{release}")
    for check in found.checks:
        typer.echo(f"  [{_MARK[check.verdict.value]:>5}] {check.check.value}: {check.message}")


# ------------------------------------------------------------------ upload
@replay_app.command("upload")
def upload(
    match_id: int,
    player: int,
    file: Annotated[Path, typer.Argument(help="The .SC2Replay file.")],
) -> None:
    """Upload a replay for a match as one of its players, and print the verdict."""
    from evoladder.app import build
    from evoladder.store.schema import SchemaOutdated

    try:
        data = file.read_bytes()
    except OSError as exc:
        typer.secho(f"cannot read {file}: {exc.strerror or exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None

    async def run() -> list[str]:
        ladder = build(settings)
        try:
            await ladder.start(warm_cache=False, expiry_interval_s=3600, run_waves=False, run_replays=True)
            outcome = await ladder.replays.upload(match_id, PlayerId(player), data)
            lines = replay_lines(outcome.replay)
            if outcome.duplicate:
                lines.insert(0, "(this file was already uploaded for this match by this player)")
            if outcome.match is not None:
                lines += render.match_lines(outcome.match)
            return lines
        finally:
            await ladder.stop()

    try:
        lines = asyncio.run(run())
    except SchemaOutdated as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    except ReplayBusy as exc:
        typer.secho(str(exc), fg=typer.colors.YELLOW)
        raise typer.Exit(0) from None
    except LadderError as exc:
        typer.secho(f"Refused: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    for line in lines:
        typer.echo(line)


def replay_lines(record: ReplayRecord) -> list[str]:
    """A stored replay and its verdict, one check per line."""
    lines = [
        f"Replay #{record.id}  {record.sha256[:12]}…  {record.size_bytes} bytes  status {record.status.value}",
    ]
    if record.verdict is not None:
        result = record.reported_result or "none"
        effect = record.effect.value if record.effect else "-"
        lines.append(f"  verdict {record.overall}  reported result {result}  effect on the match {effect}")
        for check in record.verdict.get("checks", ()):
            lines.append(f"  [{_MARK.get(check['verdict'], check['verdict']):>5}] {check['check']}: {check['message']}")
    else:
        lines.append("  not checked yet: it will be checked when the ladder's replay workers run")
    return lines
