"""``evoladder replay inspect`` on every fixture, its exit codes, and ``replay upload`` end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evoladder.cli.main import app

pytestmark = pytest.mark.shared
runner = CliRunner()


def inspect(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["replay", "inspect", *args], env={"EVOLADDER_DATA_PACK": "evo_complete"})
    return result.exit_code, result.output


def test_inspect_labels_official_and_fake_evo_replays_with_the_right_map(shared_dir: Path) -> None:
    files = sorted((shared_dir / "fixtures/replays/evo").glob("*.SC2Replay"))
    code, out = inspect("--json", *map(str, files))
    assert code == 0
    reports = {Path(r["file"]).name: r for r in json.loads(out)}
    assert len(reports) == 45
    maps = {
        "keres-passage-sel": "Keres Passage SEL",
        "khione-sel": "Khione SEL",
        "sc-evo-death-valley": "[SC:Evo] Death Valley (데스밸리)",
        "sc-evo-radeon": "[SC:Evo] Radeon (라데온)",
        "sc-evo-sylphid": "[SC:Evo] Sylphid (실피드)",
    }
    for name, report in reports.items():
        map_key, kind, _server = name.removesuffix(".SC2Replay").split("__")
        assert report["ladder_map"] == maps[map_key], name
        if kind == "official":
            assert (report["mod"], report["mod_release"]) == ("official", "2025-11-07"), name
        else:
            assert report["mod"] != "official", name


def test_inspect_reads_races_and_results_as_the_manifest_says(shared_dir: Path) -> None:
    folder = shared_dir / "fixtures/replays/sc2"
    with (folder / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        manifest = {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}
    code, out = inspect("--json", *(str(folder / f) for f in sorted(manifest)))
    assert code == 0
    for report in json.loads(out):
        row = manifest[Path(report["file"]).name]
        humans = [p for p in report["summary"]["players"] if p["is_human"]]
        assert [(p["race"], p["result"]) for p in humans] == [
            (row["player1_race"], row["player1_result"]),
            (row["player2_race"], row["player2_result"]),
        ], report["file"]
        assert report["summary"]["map_name"] == row["map"]


def test_inspect_text_shows_the_summary_and_verdicts(shared_dir: Path) -> None:
    code, out = inspect(str(shared_dir / "fixtures/replays/evo/khione-sel__official__eu.SC2Replay"))
    assert code == 0
    for expected in (
        "map        Khione SEL",
        "toon 2-S2-1-5450450",
        "race BW Zerg",
        "build      95299",
        "region eu",
        "mod        official (release 2025-11-07)",
        "[ PASS] mod:",
        "[ WARN] settings:",
    ):
        assert expected in out, expected  # fmt: skip


def test_inspect_exit_codes(shared_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "not-a-replay.SC2Replay"
    bad.write_bytes(b"MPQ\x1b" + bytes(200))
    good = shared_dir / "fixtures/replays/sc2/b16291_014.SC2Replay"
    code, out = inspect(str(good), str(bad), str(tmp_path / "missing.SC2Replay"))
    assert code == 1
    assert "not-a-replay.SC2Replay: cannot be read" in out and "missing.SC2Replay: cannot be read" in out
    assert "Xel'Naga Caverns" in out  # the readable file is still reported
    code, out = inspect("--json", str(bad))
    assert code == 1 and json.loads(out)[0]["ok"] is False
    assert inspect()[0] == 2  # no file: bad usage


def test_upload_from_the_terminal(db_url: str, tmp_path: Path, shared_dir: Path) -> None:
    env = {"EVOLADDER_DATABASE_URL": db_url, "EVOLADDER_DATA_DIR": str(tmp_path)}

    def cli(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, f"{args}: {result.output}"
        return result.output

    cli("player", "setup", "1001", "--name", "Alpha", "--battletag", "Alpha#1001", "--country", "DE", "--region", "EUW")
    cli("player", "setup", "1002", "--name", "Bravo", "--battletag", "Bravo#1002", "--country", "KR", "--region", "KRJ")
    cli("match", "create", "1001", "bw_zerg", "1002", "sc2_terran", "--map", "Khione SEL")
    replay = shared_dir / "fixtures/replays/evo/khione-sel__official__eu.SC2Replay"
    out = cli("replay", "upload", "1", "1001", str(replay))
    assert "Replay #1" in out and "status parsed" in out and "[ PASS] map: Played on Khione SEL." in out
    assert "effect on the match not_applied" in out and "Match #1  [created]" in out
    assert len(list((tmp_path / "replays").rglob("*.SC2Replay"))) == 1
    junk = tmp_path / "junk.SC2Replay"
    junk.write_bytes(b"hello")
    assert "not a StarCraft II replay" in cli("replay", "upload", "1", "1001", str(junk), code=1)
