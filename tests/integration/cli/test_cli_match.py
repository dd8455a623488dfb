"""Drive a whole match from the terminal, on SQLite and PostgreSQL, through the real CLI."""

from __future__ import annotations

from typer.testing import CliRunner

from evoladder.cli.main import app

runner = CliRunner()


def cli(db_url: str, *args: str) -> str:
    env = {"EVOLADDER_DATABASE_URL": db_url, "EVOLADDER_RATING_MODEL": "elo"}
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, f"{args}: {result.output}"
    return result.output


def test_full_match_from_the_terminal(db_url: str) -> None:
    cli(db_url, "db", "upgrade")
    cli(db_url, "player", "setup", "1001", "--name", "Alpha", "--battletag", "Alpha#1001", "--country", "DE",
        "--region", "EUW")  # fmt: skip
    cli(db_url, "player", "setup", "1002", "--name", "Bravo", "--battletag", "Bravo#1002", "--country", "KR",
        "--region", "KRJ", "--alt", "브라보")  # fmt: skip
    out = cli(db_url, "match", "create", "1001", "bw_zerg", "1002", "sc2_terran", "--map", "Khione SEL")
    assert "Match #1" in out and "[created]" in out
    cli(db_url, "match", "confirm", "1", "1001")
    assert "[in_progress]" in cli(db_url, "match", "confirm", "1", "1002")
    cli(db_url, "match", "report", "1", "1001", "p1")
    out = cli(db_url, "match", "report", "1", "1002", "p1")
    assert "[completed]" in out
    assert "MMR 1500 -> 1520 (+20), 1500 -> 1480 (-20)" in out
    profile = cli(db_url, "player", "show", "1001")
    assert "MMR  1520" in profile and "W-L-D 1-0-0" in profile
    assert "W-L-D 0-1-0" in cli(db_url, "player", "show", "1002")
    board = cli(db_url, "leaderboard")
    assert board.index("Alpha") < board.index("Bravo") and "2 entries" in board
    assert "Bravo" in cli(db_url, "leaderboard", "--country", "KR") and "Alpha" not in cli(
        db_url, "leaderboard", "--country", "KR"
    )
    full = cli(db_url, "profile", "1001")
    assert "#1 of 2" in full and "14d: 1-0-0 (+20)" in full
    assert "#1      " in full and "vs Bravo (sc2_terran) on Khione SEL  win  +20" in full
    # repeating a report is harmless and says so
    assert "Already done" in cli(db_url, "match", "report", "1", "1002", "p1")


def test_refusals_exit_nonzero_with_a_clear_message(db_url: str) -> None:
    cli(db_url, "db", "upgrade")
    env = {"EVOLADDER_DATABASE_URL": db_url, "EVOLADDER_RATING_MODEL": "elo"}
    result = runner.invoke(app, ["player", "show", "42"], env=env)
    assert result.exit_code == 1
    assert "No player with id 42" in result.output
    result = runner.invoke(
        app,
        ["player", "setup", "7", "--name", "x", "--battletag", "x#1", "--country", "DE", "--region", "EUW"],
        env=env,
    )
    assert result.exit_code == 1
    assert "3 to 12 English letters" in result.output


def test_cli_refuses_a_database_without_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = runner.invoke(app, ["player", "show", "1"], env={"EVOLADDER_DATABASE_URL": url})
    assert result.exit_code == 2
    assert "evoladder db upgrade" in result.output


def test_season_rollover_from_the_terminal(db_url: str) -> None:
    cli(db_url, "db", "upgrade")
    cli(db_url, "player", "setup", "1001", "--name", "Alpha", "--battletag", "Alpha#1001", "--country", "DE",
        "--region", "EUW")  # fmt: skip
    cli(db_url, "player", "setup", "1002", "--name", "Bravo", "--battletag", "Bravo#1002", "--country", "KR",
        "--region", "KRJ")  # fmt: skip
    cli(db_url, "match", "create", "1001", "bw_zerg", "1002", "sc2_terran", "--map", "Khione SEL")
    for player in ("1001", "1002"):
        cli(db_url, "match", "confirm", "1", player)
    for player in ("1001", "1002"):
        cli(db_url, "match", "report", "1", player, "p1")
    assert "season_alpha" in cli(db_url, "seasons") and "current" in cli(db_url, "seasons")
    out = cli(db_url, "admin", "season-start", "season_1", "--reason", "new maps")
    assert "2 entries frozen (2 ranked)" in out and "season season_1 started" in out
    past = cli(db_url, "leaderboard", "--season", "season_alpha")
    assert "Final standings of season_alpha" in past and past.index("Alpha") < past.index("Bravo")
    assert "0 entries" in cli(db_url, "leaderboard")
    listing = cli(db_url, "seasons")
    assert "season_1" in listing and "closed" in listing
