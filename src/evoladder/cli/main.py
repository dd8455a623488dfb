"""The ``evoladder`` command: database, data pack, players, matches, admin and the service itself."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer

from evoladder.app import Ladder, build
from evoladder.config import Settings, SettingsError, load_settings
from evoladder.domain.errors import LadderError
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import AlreadyApplied
from evoladder.services.context import CONSOLE_ADMIN_ID
from evoladder.services.players import SetupInput
from evoladder.store.schema import SchemaOutdated

from . import render
from .importer import import_app
from .replay import replay_app

app = typer.Typer(help="evoladder: the SC: Evo Complete ladder.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
data_app = typer.Typer(help="The game data pack.", no_args_is_help=True)
player_app = typer.Typer(help="Players.", no_args_is_help=True)
match_app = typer.Typer(help="Matches: enough to drive a full match from a terminal.", no_args_is_help=True)
admin_app = typer.Typer(help="Admin actions (as the console operator).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(data_app, name="data")
app.add_typer(player_app, name="player")
app.add_typer(match_app, name="match")
app.add_typer(admin_app, name="admin")
app.add_typer(replay_app, name="replay")
ratings_app = typer.Typer(help="Rating model.", no_args_is_help=True)
app.add_typer(ratings_app, name="ratings")
app.add_typer(import_app, name="import")

T = TypeVar("T")
RESULTS = {"0": 0, "draw": 0, "1": 1, "p1": 1, "player1": 1, "2": 2, "p2": 2, "player2": 2}


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


def _with_ladder(action: Callable[[Ladder], Awaitable[T]], *, warm: bool = False) -> T:
    """Start a ladder, run one action, stop it; typed errors become one red line and exit 1."""

    async def runner() -> T:
        ladder = build(_settings())
        try:
            await ladder.start(warm_cache=warm, expiry_interval_s=3600, run_waves=False)
            return await action(ladder)
        finally:
            await ladder.stop()

    try:
        return asyncio.run(runner())
    except SchemaOutdated as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    except AlreadyApplied as exc:
        typer.secho(f"Already done: {exc}", fg=typer.colors.YELLOW)
        for line in render.match_lines(exc.match):
            typer.echo(line)
        raise typer.Exit(0) from None
    except LadderError as exc:
        typer.secho(f"Refused: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None


def _echo(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line)


# ------------------------------------------------------------------ db
@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to this code's version."""
    from evoladder.store.schema import upgrade

    settings = _settings()
    revision = upgrade(settings.effective_database_url)
    typer.echo(f"database at revision {revision}: {_redact(settings.effective_database_url)}")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# ------------------------------------------------------------------ data
@data_app.command("check")
def data_check(pack: Annotated[str | None, typer.Option(help="Pack name or folder.")] = None) -> None:
    """Validate the data pack and print its counts."""
    from evoladder.datapack import DataPackError, load_pack

    try:
        loaded = load_pack(pack or _settings().data_pack)
    except DataPackError as exc:
        typer.secho(f"data pack invalid: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    typer.echo(f"data pack OK: {pack or _settings().data_pack}")
    for key, value in loaded.summary().items():
        typer.echo(f"  {key:<22} {value}")


# ------------------------------------------------------------------ player
@player_app.command("show")
def player_show(player_id: int) -> None:
    """Show a player's profile and ratings."""

    async def act(ladder: Ladder) -> list[str]:
        return render.profile_lines(await ladder.players.profile(PlayerId(player_id)))

    _echo(_with_ladder(act))


@player_app.command("setup")
def player_setup(
    player_id: int,
    name: Annotated[str, typer.Option(help="In-game name: 3-12 English letters.")],
    battletag: Annotated[str, typer.Option(help="BattleTag, e.g. Name#1234.")],
    country: Annotated[str, typer.Option(help="ISO country code, XX or ZZ.")],
    region: Annotated[str, typer.Option(help="Residential region code, e.g. EUW.")],
    alt: Annotated[list[str] | None, typer.Option(help="Alternative name (up to 2).")] = None,
    language: Annotated[str | None, typer.Option(help="en, ko, zh-CN, es-419 or ru.")] = None,
    username: Annotated[str | None, typer.Option(help="Discord username.")] = None,
) -> None:
    """Create the player if needed, accept the Terms, and complete setup."""

    async def act(ladder: Ladder) -> list[str]:
        await ladder.players.ensure(player_id, username)
        await ladder.players.accept_tos(PlayerId(player_id))
        player = await ladder.players.complete_setup(
            PlayerId(player_id),
            SetupInput(name, battletag, country, region, tuple(alt or ()), language),
        )
        return render.player_lines(player)

    _echo(_with_ladder(act))


# ------------------------------------------------------------------ match
@match_app.command("create")
def match_create(
    player1: int,
    race1: str,
    player2: int,
    race2: str,
    map_name: Annotated[str | None, typer.Option("--map", help="Full map name; default: drawn from the pool.")] = None,
    server: Annotated[str | None, typer.Option(help="Server code; default: from the regions' cross-table.")] = None,
    key: Annotated[str | None, typer.Option(help="Idempotency key: repeating it returns the same match.")] = None,
) -> None:
    """Create a match between two set-up players (one BW race, one SC2 race)."""
    from evoladder.services.matches import MatchRequest

    async def act(ladder: Ladder) -> list[str]:
        m = await ladder.matches.create(
            MatchRequest(PlayerId(player1), race1, PlayerId(player2), race2, map_name, server, key)
        )
        return render.match_lines(m)

    _echo(_with_ladder(act))


@match_app.command("confirm")
def match_confirm(match_id: int, player: int) -> None:
    """A player confirms the match."""
    _echo(_with_ladder(lambda ld: _lines(ld.matches.confirm(match_id, PlayerId(player)))))


@match_app.command("abort")
def match_abort(match_id: int, player: int) -> None:
    """A player who has not confirmed aborts (uses one of their monthly aborts)."""
    _echo(_with_ladder(lambda ld: _lines(ld.matches.abort(match_id, PlayerId(player)))))


@match_app.command("report")
def match_report(
    match_id: int,
    player: int,
    result: Annotated[str, typer.Argument(help="0/draw, 1/p1 (player 1 won), 2/p2 (player 2 won).")],
) -> None:
    """A player reports the result; agreeing reports complete the match and apply MMR."""
    value = RESULTS.get(result.strip().lower())
    if value is None:
        typer.secho("result must be 0/draw, 1/p1 or 2/p2", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    _echo(_with_ladder(lambda ld: _lines(ld.matches.report(match_id, PlayerId(player), value))))


@match_app.command("show")
def match_show(match_id: int) -> None:
    """Show a match's full state."""
    _echo(_with_ladder(lambda ld: _lines(ld.matches.get(match_id))))


async def _lines(pending: Awaitable[Any]) -> list[str]:
    return render.match_lines(await pending)


# ------------------------------------------------------------------ admin
@admin_app.command("resolve")
def admin_resolve(
    match_id: int,
    result: Annotated[str, typer.Argument(help="0/draw, 1/p1, 2/p2, or void.")],
    reason: Annotated[str, typer.Option(help="Why; goes into the audit log.")],
) -> None:
    """Resolve a match (conflict, open or already resolved)."""
    value: int | None = None if result.lower() in ("void", "invalidate") else RESULTS.get(result.lower(), -1)
    if value == -1:
        typer.secho("result must be 0/draw, 1/p1, 2/p2 or void", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    _echo(_with_ladder(lambda ld: _lines(ld.admin.resolve(CONSOLE_ADMIN_ID, match_id, value, reason))))


@admin_app.command("adjust-mmr")
def admin_adjust(
    player: int,
    race: str,
    mode: Annotated[str, typer.Argument(help="set, add or subtract.")],
    value: int,
    reason: Annotated[str, typer.Option(help="Why; goes into the audit log.")],
) -> None:
    """Adjust a player's MMR for one race."""

    async def act(ladder: Ladder) -> list[str]:
        r = await ladder.admin.adjust_mmr(CONSOLE_ADMIN_ID, PlayerId(player), race, mode, value, reason)
        return [render.rating_line(r)]

    _echo(_with_ladder(act))


@admin_app.command("season-start")
def admin_season_start(
    season: Annotated[str, typer.Argument(help="The data pack's season code, e.g. season_1.")],
    reason: Annotated[str, typer.Option(help="Why; goes into the audit log.")],
) -> None:
    """Close the current season (freeze its standings) and start SEASON with its map pool."""

    async def act(ladder: Ladder) -> list[str]:
        done = await ladder.seasons.start_season(CONSOLE_ADMIN_ID, season, reason)
        dropped = sum(len(v) for v in done.dropped_vetoes.values())
        return [
            f"season {done.old} closed: {done.frozen_entries} entries frozen ({done.ranked_at_close} ranked)",
            f"season {done.new} started: {done.ratings_reset} ratings carried over"
            f" ({ladder.settings.season_carry_over}), records restart",
            f"queued players: {len(done.queued)}; vetoes dropped (left the pool): {dropped}",
        ]

    _echo(_with_ladder(act, warm=True))


@app.command("seasons")
def seasons_cmd() -> None:
    """List the seasons this ladder has run; the open one is current."""

    async def act(ladder: Ladder) -> list[str]:
        out = []
        for s in await ladder.seasons.seasons():
            state = "current" if s.closed_at is None else f"closed {s.closed_at:%Y-%m-%d %H:%M} UTC"
            started = f"started {s.started_at:%Y-%m-%d %H:%M} UTC"
            out.append(f"{s.code:<14} {s.name:<16} {started}  {state}  {len(s.maps)} maps")
        return out

    _echo(_with_ladder(act))


@admin_app.command("ban")
def admin_ban(player: int, reason: Annotated[str, typer.Option()], unban: bool = False) -> None:
    """Ban (or with --unban, unban) a player."""

    async def act(ladder: Ladder) -> list[str]:
        p = await ladder.admin.set_ban(CONSOLE_ADMIN_ID, PlayerId(player), not unban, reason)
        return render.player_lines(p)

    _echo(_with_ladder(act))


# ------------------------------------------------------------------ leaderboard
@app.command("leaderboard")
def leaderboard_cmd(
    country: Annotated[list[str] | None, typer.Option(help="Country code (repeat for several).")] = None,
    race: Annotated[list[str] | None, typer.Option(help="Race code (repeat for several).")] = None,
    rank: Annotated[list[str] | None, typer.Option(help="Letter rank S..F (repeat for several).")] = None,
    best_race: Annotated[bool, typer.Option("--best-race", help="One row per player: their best race.")] = False,
    name: Annotated[str, typer.Option(help="Name prefix (alt names included).")] = "",
    page: Annotated[int, typer.Option(help="Page number.")] = 1,
    page_size: Annotated[int, typer.Option(help="Rows per page.")] = 40,
    season: Annotated[str | None, typer.Option(help="A past season's code: its final standings.")] = None,
) -> None:
    """Print a page of the leaderboard (the live one, or a closed season's final standings)."""

    async def act(ladder: Ladder) -> list[str]:
        filters: dict[str, Any] = dict(
            countries=country or (), races=race or (), letters=rank or (), best_race_only=best_race,
            name_prefix=name, page=page, page_size=page_size,
        )  # fmt: skip
        if season is not None:
            result = await ladder.leaderboard.season_page(season, **filters)
            return [f"Final standings of {season}", *render.leaderboard_lines(result)]
        return render.leaderboard_lines(ladder.leaderboard.page(**filters))

    _echo(_with_ladder(act, warm=True))


@app.command("profile")
def profile_cmd(player_id: int) -> None:
    """Print a player's profile: identity, per race standing, form and MMR history, recent matches."""

    async def act(ladder: Ladder) -> list[str]:
        return render.player_profile_lines(await ladder.profiles.profile(PlayerId(player_id)))

    _echo(_with_ladder(act, warm=True))


# ------------------------------------------------------------------ ratings
@ratings_app.command("switch")
def ratings_switch(
    model: Annotated[str, typer.Argument(help="elo or glicko2.")],
    reason: Annotated[str, typer.Option(help="Why; goes into the audit log.")],
) -> None:
    """Convert every rating to another model, explicitly and audited (MMR values are kept)."""
    from evoladder.services.ratings import switch_model

    async def act() -> dict[str, Any]:
        ladder = build(_settings())
        try:
            async with ladder.db.read() as conn:
                from evoladder.store.schema import check_schema

                await check_schema(conn)
            return await switch_model(ladder.ctx, CONSOLE_ADMIN_ID, model, reason)
        finally:
            await ladder.stop()

    try:
        done = asyncio.run(act())
    except (LadderError, SchemaOutdated) as exc:
        typer.secho(f"Refused: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    typer.echo(f"rating model: {done['from']} -> {done['to']} ({done['ratings']} ratings converted)")
    typer.echo(f"now set EVOLADDER_RATING_MODEL={done['to']} for this ladder")


# ------------------------------------------------------------------ run
@app.command("run")
def run(
    demo: Annotated[
        bool, typer.Option("--demo", help="Run a demo ladder of simulated players in <data dir>/demo.db (no Discord).")
    ] = False,
    demo_reset: Annotated[
        bool, typer.Option("--demo-reset", help="Throw the demo's history away and seed a new one (implies --demo).")
    ] = False,
) -> None:
    """Run the ladder with every front-end that is configured, until Ctrl-C or SIGTERM."""
    from evoladder.services.demo_guard import DemoGuard

    demo = demo or demo_reset
    settings = _settings()
    if demo:  # its own database, short waves, never the bot (docs/demo.md)
        from evoladder.demo.setup import demo_settings, prepare, start_driver

        settings = demo_settings(settings)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def main() -> None:
        population = await prepare(settings, reset=demo_reset, echo=typer.echo) if demo else None
        ladder = build(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        driver = None
        try:
            if not demo:
                await DemoGuard(ladder.ctx).require_real()
            await ladder.start()
            typer.echo(
                f"evoladder running on {_redact(settings.effective_database_url)}"
                f" with {len(ladder.ctx.cache)} players; press Ctrl-C to stop."
            )
            if population is not None:
                driver = start_driver(ladder, population)
                await driver.start()
                typer.echo("Demo ladder: simulated players are queueing and playing (waves every 10 s).")
            web = _web_server(ladder, settings, expect_replay_workers=True)
            web_task = await web.start()
            typer.echo(f"Web: serving on {web.url}")
            bot_task: asyncio.Task[None] | None = None
            if demo:
                typer.echo("Discord bot: off (never in demo mode).")
            elif settings.discord_token is None:
                typer.echo("Discord bot: off (set EVOLADDER_DISCORD_TOKEN to start it).")
            else:
                from evoladder.discord_bot import create_bot

                bot = create_bot(ladder)
                bot_task = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()), name="discord-bot")
                typer.echo("Discord bot: starting.")
            stopping = asyncio.create_task(stop.wait(), name="stop-signal")
            waits: set[asyncio.Task[Any]] = {stopping, web_task} | ({bot_task} if bot_task else set())
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if web_task.done():  # the web server stopped on its own: stop all
                typer.secho(f"Web server stopped: {web_task.exception()!r}", fg=typer.colors.RED, err=True)
            await web.stop()  # stop taking requests, let in-flight ones finish
            if bot_task is not None:
                if bot_task.done():  # the bot stopped on its own (bad token, fatal gateway error): stop all
                    typer.secho(f"Discord bot stopped: {bot_task.exception()!r}", fg=typer.colors.RED, err=True)
                # SIGTERM: stop taking interactions, let in-flight ones finish, then disconnect
                await bot.close()
                await asyncio.gather(bot_task, return_exceptions=True)
        finally:
            if driver is not None:
                await driver.stop()
            await ladder.stop()
            typer.echo("evoladder stopped cleanly.")

    try:
        asyncio.run(main())
    except (SchemaOutdated, LadderError) as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    except OSError as exc:  # e.g. Redis or PostgreSQL unreachable
        typer.secho(f"cannot start: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


def _web_server(ladder: Ladder, settings: Settings, *, expect_replay_workers: bool) -> Any:
    """The web front-end over ``ladder`` on ``EVOLADDER_WEB_HOST:EVOLADDER_WEB_PORT`` (not started)."""
    from evoladder.web import WebOptions, create_app
    from evoladder.web.server import WebServer

    options = WebOptions.from_settings(settings, expect_replay_workers=expect_replay_workers)
    return WebServer(create_app(ladder, options), settings.web_host, settings.web_port, log_level=settings.log_level)


@app.command("web")
def web_cmd(
    host: Annotated[str | None, typer.Option(help="Bind address; default EVOLADDER_WEB_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Port; default EVOLADDER_WEB_PORT.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Web processes sharing the port (PostgreSQL).")] = 1,
    listen_fd: Annotated[int | None, typer.Option(hidden=True, help="Inherited listening socket.")] = None,
) -> None:
    """Serve only the web pages and JSON API against the configured database, until Ctrl-C or SIGTERM.

    No bot, no matchmaking waves and no replay parsing run here: a read replica of the ladder. On
    PostgreSQL it follows the ladder's changes over LISTEN/NOTIFY; ``--workers N`` runs N such
    processes on one port (see docs/web.md).
    """
    overrides: dict[str, Any] = {k: v for k, v in (("web_host", host), ("web_port", port)) if v is not None}
    settings = _settings().model_copy(update={**overrides, "read_replica": True})
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    database = _redact(settings.effective_database_url)
    if workers > 1 and listen_fd is None:
        _web_workers(settings, workers, database)
        return

    async def main() -> None:
        ladder = build(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await ladder.start(expiry_interval_s=3600, run_waves=False, run_replays=False)
            web = _web_server(ladder, settings, expect_replay_workers=False)
            if listen_fd is not None:
                web.adopt(listen_fd)
            web_task = await web.start()
            typer.echo(f"evoladder web serving on {web.url} ({database}); press Ctrl-C to stop.")
            stopping = asyncio.create_task(stop.wait(), name="stop-signal")
            await asyncio.wait({stopping, web_task}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            await web.stop()
        finally:
            await ladder.stop()
            typer.echo("evoladder web stopped cleanly.")

    try:
        asyncio.run(main())
    except (SchemaOutdated, LadderError) as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    except OSError as exc:  # the port is taken, or the database is unreachable
        typer.secho(f"cannot start: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


def _web_workers(settings: Settings, workers: int, database: str) -> None:
    """``evoladder web --workers N``: bind once, run N ``evoladder web`` children on that socket."""
    from evoladder.store.engine import is_sqlite
    from evoladder.web.processes import Supervisor

    if is_sqlite(settings.effective_database_url):
        typer.secho(
            "--workers needs PostgreSQL (EVOLADDER_DATABASE_URL): on SQLite the web runs inside "
            "`evoladder run`, and separate processes would not follow the ladder's changes.",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    try:
        supervisor = Supervisor(workers, settings.web_host, settings.web_port)
    except OSError as exc:
        typer.secho(f"cannot start: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"evoladder web: {workers} processes on {supervisor.url} ({database}); press Ctrl-C to stop.")
    raise typer.Exit(supervisor.run())


@app.command("worker")
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Parser processes; default EVOLADDER_REPLAY_WORKERS.")] = None,
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "INFO",
) -> None:
    """Run a Celery replay-parser worker (for EVOLADDER_JOB_BACKEND=celery), until Ctrl-C or SIGTERM."""
    from evoladder.workers.celery_app import create_app, run_worker

    settings = _settings()
    celery = create_app(settings.redis_url, queue=settings.celery_queue, max_replay_bytes=settings.replay_max_bytes)
    run_worker(celery, concurrency=concurrency or settings.replay_workers, loglevel=loglevel)


if __name__ == "__main__":
    app()


# ------------------------------------------------------------------ simulate
@app.command("simulate")
def simulate_cmd(
    players: Annotated[int, typer.Option(help="Population size.")] = 2000,
    days: Annotated[float, typer.Option(help="Simulated days.")] = 7.0,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same population).")] = 7,
    strategy: Annotated[list[str] | None, typer.Option(help="global and/or baseline (repeat to compare).")] = None,
    rating_model: Annotated[
        list[str] | None, typer.Option(help="elo and/or glicko2 (repeat to compare; default elo).")
    ] = None,
    json_out: Annotated[str | None, typer.Option("--json", help="Write the report as JSON to this file.")] = None,
) -> None:
    """Drive a synthetic population through the real matcher, rating and match services."""
    import json

    from rich.progress import Progress, TaskID

    from evoladder.simulation.report import format_table
    from evoladder.simulation.runner import SimConfig, simulate

    chosen = strategy or ["global", "baseline"]
    models = rating_model or ["elo"]
    for name in chosen:
        if name not in ("global", "baseline"):
            typer.secho(f"unknown strategy {name!r}: global or baseline", fg=typer.colors.RED, err=True)
            raise typer.Exit(2)
    for name in models:
        if name not in ("elo", "glicko2"):
            typer.secho(f"unknown rating model {name!r}: elo or glicko2", fg=typer.colors.RED, err=True)
            raise typer.Exit(2)
    results = []
    with Progress() as bar:
        for name in chosen:
            for model in models:
                task = bar.add_task(f"{name}/{model}", total=1.0)
                cfg = SimConfig(
                    players=players,
                    days=days,
                    seed=seed,
                    strategy="baseline" if name == "baseline" else "global",
                    rating_model="glicko2" if model == "glicko2" else "elo",
                )  # both validated above

                def progress(done: float, task_id: TaskID = task) -> None:
                    bar.update(task_id, completed=done)

                results.append(asyncio.run(simulate(cfg, progress)))
    typer.echo(format_table(results))
    if json_out:
        with open(json_out, "w", encoding="utf-8") as fh:
            json.dump({"players": players, "days": days, "seed": seed, "runs": results}, fh, indent=2)
        typer.echo(f"report written to {json_out}")
