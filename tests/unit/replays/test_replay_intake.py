"""Pure intake rules and the verification inputs built from the data pack."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evoladder.datapack import load_pack
from evoladder.domain.errors import InvalidInput
from evoladder.domain.ids import MatchId, PlayerId, RaceCode
from evoladder.domain.match import Match
from evoladder.domain.player import Player
from evoladder.domain.rating import Outcome
from evoladder.domain.replay import ModStatus, OfficialMod
from evoladder.domain.replay_intake import check_upload, failed_verdict, outcome_for, unreadable_verdict
from evoladder.domain.verification import Check, CheckResult, CheckVerdict, Verdict, Winner, inspect_verdicts
from evoladder.services import replay_inputs as inputs
from evoladder.workers.parse import parse_replay_bytes

PACK = load_pack("evo_complete")
T = datetime(2025, 11, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"MPQ\x1b" + bytes(2000), "too_large"), (b"PK\x03\x04" + bytes(10), "not_a_replay")],
)
def test_check_upload_refuses_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_upload(data, max_bytes=1024)
    assert refused.value.params["reason"] == reason and refused.value.field == "replay"


@pytest.mark.parametrize("magic", [b"MPQ\x1a", b"MPQ\x1b"])
def test_check_upload_accepts_both_mpq_headers(magic: bytes) -> None:
    check_upload(magic + bytes(100), max_bytes=1024)


def test_outcomes_and_not_read_verdicts() -> None:
    assert outcome_for(Winner.PLAYER_2) is Outcome.PLAYER2_WON and outcome_for("draw") is Outcome.DRAW
    assert outcome_for("unknown") is None and outcome_for(None) is None and outcome_for("nonsense") is None
    for verdict, reason, code in (
        (unreadable_verdict("truncated"), "truncated", "build.unreadable"),
        (failed_verdict("timeout"), "timeout", "build.check_failed"),
    ):
        assert verdict["overall"] == "needs_admin" and verdict["reported_result"] is None
        [check] = verdict["checks"]
        assert (check["check"], check["message_code"], check["details"]) == ("build", code, {"reason": reason})
        assert reason in check["message"] and json.loads(json.dumps(verdict)) == verdict


def test_depot_labels_come_from_the_pack_hosts() -> None:
    assert {inputs.depot_label(r.depot_host) for r in PACK.game_regions} == {"us", "eu", "kr"}
    assert inputs.depot_label("cn-s2-depot.battlenet.com.cn") == "cn"


def test_official_mods_are_keyed_by_depot_and_match_the_reference_list(evo_mod_2025_11_07: OfficialMod) -> None:
    first = inputs.official_mods(PACK)[0]
    assert first.release == "2025-11-07" and first.in_force_from == datetime(2025, 11, 1, tzinfo=UTC)
    assert dict(first.chains) == dict(evo_mod_2025_11_07.chains)
    assert dict(first.art_mods) == dict(evo_mod_2025_11_07.art_mods)


def test_the_release_in_force_follows_the_replay_date(evo_dir: Path) -> None:
    summary = parse_replay_bytes((evo_dir / "khione-sel__official__eu.SC2Replay").read_bytes())
    assert inputs.mod_in_force(PACK, summary).release == "2025-11-07"  # type: ignore[union-attr]
    later = replace(summary, date=datetime(2026, 4, 1, tzinfo=UTC))
    assert inputs.mod_in_force(PACK, later).release == "2026-03"  # type: ignore[union-attr]
    assert inputs.mod_in_force(PACK, replace(summary, date=datetime(2020, 1, 1, tzinfo=UTC))) is None


def test_an_official_replay_stays_official_when_the_pack_has_newer_releases(evo_dir: Path) -> None:
    """Regression: with two releases, an official copy of the one in force was labelled fake
    because it is necessarily 'fake' against the other release's chain."""
    summary = parse_replay_bytes((evo_dir / "khione-sel__official__kr.SC2Replay").read_bytes())
    assert len(inputs.official_mods(PACK)) >= 2
    found = inspect_verdicts(summary, inputs.known_maps(PACK), inputs.official_mods(PACK))
    assert (found.mod_status, found.mod_release, found.map_name) == (ModStatus.OFFICIAL, "2025-11-07", "Khione SEL")
    fake = parse_replay_bytes((evo_dir / "khione-sel__fake__kr.SC2Replay").read_bytes())
    assert inspect_verdicts(fake, inputs.known_maps(PACK), inputs.official_mods(PACK)).mod_status is ModStatus.FAKE


def test_race_aliases_and_expected_players() -> None:
    aliases = inputs.race_aliases(PACK)
    assert aliases["BW Zerg"] == "bw_zerg" and aliases["스1 저그"] == "bw_zerg" and aliases["Terran"] == "sc2_terran"
    player = Player(PlayerId(5), "disc", T, T, in_game_name="Alpha", battletag="AlphaTag#1234", alt_names=("Alfa",))
    expected = inputs.expected_player(RaceCode("bw_zerg"), player, {"2-S2-1-1"})
    assert expected.names == {"Alpha", "AlphaTag"} and expected.alt_names == {"Alfa"}
    assert expected.toon_handles == {"2-S2-1-1"} and expected.player_id == 5
    assert inputs.expected_map(PACK, "Khione SEL").content_hash is not None
    assert inputs.expected_map(PACK, "No Such Map").content_hash is None


def test_verdict_json_is_the_same_document_as_to_dict(evo_dir: Path, sc2_dir: Path) -> None:
    from evoladder.domain.verification import ExpectedMap, ExpectedMatch, ExpectedPlayer, verify_replay

    expected = ExpectedMatch(
        ExpectedPlayer(RaceCode("bw_zerg"), names=frozenset({"Huntedswarm"})),
        ExpectedPlayer(RaceCode("sc2_terran")),
        ExpectedMap("Khione SEL", "cb3c9b059135a00a3f486800f3103a842a228ee05c5fdff1f755f3ce408bedc9"),
        T,
    )
    for path in (evo_dir / "khione-sel__official__eu.SC2Replay", sc2_dir / "b39576_312.SC2Replay"):
        summary = parse_replay_bytes(path.read_bytes())
        verdict = verify_replay(
            summary, expected, mod=inputs.mod_in_force(PACK, summary), race_aliases=inputs.race_aliases(PACK),
            uploaded_at=T,
        )  # fmt: skip
        assert json.loads(json.dumps(inputs.verdict_json(verdict))) == json.loads(json.dumps(verdict.to_dict()))


def test_toon_handles_are_learnt_only_from_replays_without_doubt() -> None:
    match = Match(
        MatchId(1), PlayerId(10), PlayerId(20), RaceCode("bw_zerg"), RaceCode("sc2_terran"), 1500, 1500,
        "Khione SEL", "EUC", T, T,  # type: ignore[arg-type]
    )  # fmt: skip
    details = {"new_toon_handles": [{"player": 1, "toon_handle": "2-S2-1-7"}, {"player": 2, "toon_handle": "x"}]}
    players = CheckResult(Check.PLAYERS, CheckVerdict.PASS, "players.ok", "", details)
    ok = Verdict((players,), Winner.PLAYER_1)
    assert inputs.new_toon_handles(ok, match) == [(10, "2-S2-1-7"), (20, "x")]
    doubtful = Verdict((players, CheckResult(Check.TIME, CheckVerdict.NEEDS_ADMIN, "t", "")), Winner.PLAYER_1)
    assert inputs.new_toon_handles(doubtful, match) == []
