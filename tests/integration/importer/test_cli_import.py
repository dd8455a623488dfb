"""``evoladder import evoladderbot`` from the terminal: the report, the checks, the exit codes."""

from __future__ import annotations

import json

from import_support import Pair
from typer.testing import CliRunner

from evoladder.cli.main import app

runner = CliRunner()


def test_import_from_the_terminal_prints_the_report_and_passes(pair: Pair) -> None:
    env = {"EVOLADDER_DATABASE_URL": pair.target_url}
    report = pair.tmp / "report.json"
    args = ["import", "evoladderbot", "--from", pair.legacy_url, "--admins", str(pair.admins), "--quiet"]
    result = runner.invoke(app, [*args, "--report", str(report)], env=env)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "matches_1v1" in out and "-> conflict" in out and "pending_aborted_by_system" in out
    assert "matches_1v1 #13: unknown match_result code 5" in out
    assert "admins_file #557: role 'moderator' is not admin or owner" in out
    assert "[ok] leaderboard order equals the old order" in out and "FAILED" not in out
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["ok"] and saved["match_states"]["conflict"] == 1
    again = runner.invoke(app, args, env=env)
    assert again.exit_code == 0 and "Import complete" in again.output


def test_a_missing_old_database_is_refused(pair: Pair) -> None:
    env = {"EVOLADDER_DATABASE_URL": pair.target_url}
    missing = f"sqlite:///{pair.tmp / 'nope.db'}"
    result = runner.invoke(app, ["import", "evoladderbot", "--from", missing, "--quiet"], env=env)
    assert result.exit_code == 2 and "Import refused" in result.output
    assert not (pair.tmp / "nope.db").exists()
