"""parse_replay_bytes on every real fixture: the sc2 corpus against its manifest, the evo replays
against the official mod chains of their date."""

from __future__ import annotations

import hashlib
import logging
import socket
import urllib.request
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evoladder.domain.replay import ModStatus, OfficialMod, PlayerResult, ReplayUnreadable, assess_mod
from evoladder.domain.verification import CheckVerdict, ExpectedMap, inspect_verdicts
from evoladder.workers.parse import parse_replay_bytes

SC2_FILES = 35
EVO_FILES = 45

pytestmark = pytest.mark.shared


def test_every_sc2_fixture_matches_its_manifest(sc2_dir: Path, sc2_manifest: list[dict[str, str]]) -> None:
    assert len(sc2_manifest) == SC2_FILES
    mismatches = []
    for row in sc2_manifest:
        summary = parse_replay_bytes((sc2_dir / row["file"]).read_bytes())
        p1, p2 = summary.players
        got = {
            "map": summary.map_name,
            "build": str(summary.build),
            "region": summary.region,
            "player1_race": p1.race,
            "player1_result": p1.result.value,
            "player2_race": p2.race,
            "player2_result": p2.result.value,
            "length_s": str(summary.game_length_s),
            "category": summary.category,
        }
        want = {key: row[key] for key in got}
        if got != want:
            mismatches.append((row["file"], {k: (got[k], want[k]) for k in got if got[k] != want[k]}))
    assert mismatches == []


def test_sc2_fixtures_record_players_and_observers_as_the_game_did(sc2_dir: Path) -> None:
    with_observers = parse_replay_bytes((sc2_dir / "b19132_164.SC2Replay").read_bytes())
    assert len(with_observers.observers) == 12
    assert [p.name for p in with_observers.players] == ["iPStylin", "SCDTaCo"]
    assert all(p.is_human for p in with_observers.players)
    # Players picked Random: the race played is recorded, the lobby pick kept alongside.
    random_pick = parse_replay_bytes((sc2_dir / "b16605_041.SC2Replay").read_bytes())
    assert (random_pick.players[1].race, random_pick.players[1].picked_race) == ("Protoss", "Random")
    # Toon handles exist from patch 1.2 on; older replays have none.
    assert parse_replay_bytes((sc2_dir / "b16291_014.SC2Replay").read_bytes()).players[0].toon_handle is None
    assert parse_replay_bytes((sc2_dir / "b17682_088.SC2Replay").read_bytes()).players[0].toon_handle == (
        "1-S2-1-282947"
    )


@pytest.mark.parametrize("kind", ["official", "fake", "fake-ptr"])
def test_evo_fixtures_are_official_exactly_when_named_so(
    evo_dir: Path, evo_mod_2025_11_07: OfficialMod, kind: str
) -> None:
    files = sorted(evo_dir.glob(f"*__{kind}__*.SC2Replay"))
    assert len(files) == 15
    for path in files:
        assessment = assess_mod(parse_replay_bytes(path.read_bytes()), evo_mod_2025_11_07)
        if kind == "official":
            assert assessment.status is ModStatus.OFFICIAL, (path.name, assessment)
        else:
            assert assessment.status is ModStatus.FAKE, (path.name, assessment)
            assert assessment.reason == "extra_files"


def test_inspect_classifies_every_evo_fixture(evo_dir: Path, evo_mod_2025_11_07: OfficialMod) -> None:
    names = ["Keres Passage SEL", "Khione SEL", "[SC:Evo] Death Valley (데스밸리)", "[SC:Evo] Radeon (라데온)"]
    known = [ExpectedMap(name) for name in names]  # Sylphid deliberately left out
    for path in sorted(evo_dir.glob("*.SC2Replay")):
        summary = parse_replay_bytes(path.read_bytes())
        report = inspect_verdicts(summary, known, [evo_mod_2025_11_07])
        official = "__official__" in path.name
        assert report.mod_status is (ModStatus.OFFICIAL if official else ModStatus.FAKE), path.name
        assert report.mod_release == ("2025-11-07" if official else None)
        map_check, mod_check, settings_check = report.checks
        if "sylphid" in path.name:
            assert (report.map_name, map_check.message_code) == (None, "map.unknown")
        else:
            assert report.map_name == summary.map_name
            assert map_check.message_code == "map.name_only"  # no reference hashes given here
        assert mod_check.verdict is (CheckVerdict.PASS if official else CheckVerdict.FAIL)
        privacy_ok = summary.privacy == "Normal"
        assert settings_check.verdict is (CheckVerdict.PASS if privacy_ok else CheckVerdict.WARN)


def test_a_map_has_the_same_content_hash_on_every_server(evo_dir: Path) -> None:
    hashes: dict[str, set[str | None]] = defaultdict(set)
    files = sorted(evo_dir.glob("*.SC2Replay"))
    assert len(files) == EVO_FILES
    for path in files:
        hashes[path.name.split("__")[0]].add(parse_replay_bytes(path.read_bytes()).map_hash)
    assert len(hashes) == 5
    assert all(len(found) == 1 and None not in found for found in hashes.values()), hashes
    assert len(set().union(*hashes.values())) == 5


def test_evo_fixture_fields(evo_dir: Path) -> None:
    data = (evo_dir / "sc-evo-radeon__official__kr.SC2Replay").read_bytes()
    summary = parse_replay_bytes(data)
    assert summary.map_name == "[SC:Evo] Radeon (라데온)"
    assert summary.build == 95299
    assert summary.release == "5.0.15.95299"
    assert summary.region == "kr"
    assert {h.server for h in summary.cache_handles} == {"kr"}
    assert summary.date == datetime(2025, 11, 3, 23, 5, 42, tzinfo=UTC)
    assert (summary.speed, summary.duration, summary.locked_alliances) == ("Faster", "Infinite", "Yes")
    assert summary.privacy == "No Match History"  # these solo test lobbies were not "Normal"
    assert summary.is_infinite
    assert (summary.game_type, summary.category) == ("2v2", "Private")
    (player,) = summary.players
    assert (player.name, player.toon_handle, player.race, player.picked_race) == (
        "FartBreath",
        "3-S2-1-4885881",
        "BW Zerg",
        "Zerg",
    )
    assert player.result is PlayerResult.WIN
    assert summary.observers == ()
    assert summary.file_sha256 == hashlib.sha256(data).hexdigest()


def test_parsing_never_touches_the_network(evo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    summary = parse_replay_bytes((evo_dir / "khione-sel__official__na.SC2Replay").read_bytes())
    assert summary.map_name == "Khione SEL"


def test_sc2reader_stays_quiet_on_garbage(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG), pytest.raises(ReplayUnreadable):
        parse_replay_bytes(b"MPQ\x1b" + bytes(200))
    assert [r for r in caplog.records if r.name.startswith("sc2reader")] == []
