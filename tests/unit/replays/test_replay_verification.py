"""Verification rules on hand-built summaries: each check's pass, warn, needs_admin and fail cases."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from evoladder.domain.ids import RaceCode
from evoladder.domain.replay import (
    STANDARD_DATA_HASHES,
    CacheHandle,
    ModStatus,
    OfficialMod,
    PlayerResult,
    ReplayPlayer,
    ReplaySummary,
    select_mod_release,
)
from evoladder.domain.verification import (
    Check,
    CheckVerdict,
    ExpectedMap,
    ExpectedMatch,
    ExpectedPlayer,
    LobbyRules,
    Winner,
    check_map,
    check_mod,
    check_players,
    check_races,
    check_result,
    check_settings,
    check_time,
    inspect_verdicts,
    pair_players,
    verify_replay,
)

BW_ZERG, SC2_TERRAN, BW_PROTOSS = RaceCode("bw_zerg"), RaceCode("sc2_terran"), RaceCode("bw_protoss")
ALIASES = {"BW Zerg": BW_ZERG, "스1 저그": BW_ZERG, "Terran": SC2_TERRAN, "BW Protoss": BW_PROTOSS}


def h(tag: str) -> str:
    """A readable fake SHA-256: the tag, padded."""
    return tag.encode().hex().ljust(64, "0")[:64]


BLIZZARD = sorted(STANDARD_DATA_HASHES)[:4]
MULTIPLAYER, MAP_DEP, MAP_FILE = h("voidmulti"), h("mapdep"), h("khione")
CHAIN = tuple(h(f"evo{i}") for i in range(5))
ART = (h("art0"), h("art1"))
MOD = OfficialMod(name="SC: Evo Complete", release="2025-11-07", chains={"eu": CHAIN}, art_mods={"eu": frozenset(ART)})
CREATED = datetime(2025, 11, 3, 22, 0, tzinfo=UTC)
UPLOADED = CREATED + timedelta(minutes=30)
ALICE = ExpectedPlayer(BW_ZERG, toon_handles=frozenset({"2-S2-1-111"}), names=frozenset({"Alice"}))
BOB = ExpectedPlayer(SC2_TERRAN, toon_handles=frozenset({"2-S2-1-222"}), names=frozenset({"Bob"}))
KHIONE = ExpectedMap("Khione SEL", content_hash=MAP_FILE, replay_names=frozenset({"키오네 SEL"}))
MATCH = ExpectedMatch(ALICE, BOB, KHIONE, CREATED)


def handles(*hashes: str, server: str = "eu") -> tuple[CacheHandle, ...]:
    return tuple(CacheHandle(server, x, "s2ma") for x in hashes)


def player(name: str, toon: str | None, race: str, result: PlayerResult = PlayerResult.WIN) -> ReplayPlayer:
    return ReplayPlayer(name, toon, race, None, result, True, None)


def summary(**changes: object) -> ReplaySummary:
    base = ReplaySummary(
        map_name="Khione SEL",
        cache_handles=handles(*BLIZZARD, MULTIPLAYER, *CHAIN, MAP_DEP, MAP_FILE),
        players=(
            player("Alice", "2-S2-1-111", "BW Zerg", PlayerResult.WIN),
            player("Bob", "2-S2-1-222", "Terran", PlayerResult.LOSS),
        ),
        observers=(),
        game_length_s=900,
        real_length_s=900,
        build=95299,
        base_build=95299,
        release="5.0.15.95299",
        region="eu",
        date=CREATED + timedelta(minutes=20),
        speed="Faster",
        privacy="Normal",
        duration="Infinite",
        locked_alliances="Yes",
        game_type="1v1",
        category="Private",
        file_sha256="0" * 64,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_clean_replay_passes_every_check_and_reports_its_result() -> None:
    verdict = verify_replay(summary(), MATCH, mod=MOD, race_aliases=ALIASES, uploaded_at=UPLOADED)
    assert [c.check.value for c in verdict.checks] == ["map", "mod", "players", "races", "result", "settings", "time"]
    assert {c.check for c in verdict.checks} == set(Check)
    assert {c.verdict for c in verdict.checks} == {CheckVerdict.PASS}
    assert verdict.passed
    assert verdict.reported_result is Winner.PLAYER_1
    stored = json.loads(json.dumps(verdict.to_dict()))
    assert stored["reported_result"] == "player_1"
    assert stored["checks"][0] == {
        "check": "map",
        "verdict": "pass",
        "message_code": "map.ok",
        "message": "Played on Khione SEL.",
        "details": {"expected": "Khione SEL", "replay_map": "Khione SEL", "replay_hash": MAP_FILE},
    }


def test_a_warning_keeps_the_replay_but_withholds_the_result() -> None:
    verdict = verify_replay(
        summary(privacy="No Match History"), MATCH, mod=MOD, race_aliases=ALIASES, uploaded_at=UPLOADED
    )
    assert verdict.overall is CheckVerdict.WARN
    assert verdict.passed
    assert verdict.winner is Winner.PLAYER_1
    assert verdict.reported_result is None


def test_a_failure_fails_the_verdict() -> None:
    verdict = verify_replay(summary(speed="Normal"), MATCH, mod=MOD, race_aliases=ALIASES, uploaded_at=UPLOADED)
    assert not verdict.passed
    assert verdict.overall is CheckVerdict.FAIL
    assert verdict.reported_result is None


# -- map --------------------------------------------------------------------------------------


def test_map_by_content_hash_even_under_a_localized_name() -> None:
    result = check_map(summary(map_name="키오네 SEL"), KHIONE)
    assert (result.verdict, result.message_code) == (CheckVerdict.PASS, "map.ok")


def test_same_name_other_file_goes_to_an_admin() -> None:
    other = summary(cache_handles=handles(*BLIZZARD, MULTIPLAYER, *CHAIN, MAP_DEP, h("khione-v2")))
    result = check_map(other, KHIONE)
    assert (result.verdict, result.message_code) == (CheckVerdict.NEEDS_ADMIN, "map.other_version")


def test_wrong_map_fails() -> None:
    result = check_map(summary(map_name="Radeon", cache_handles=handles(h("radeon"))), KHIONE)
    assert (result.verdict, result.message_code) == (CheckVerdict.FAIL, "map.wrong")
    assert "Radeon" in result.message


def test_without_a_reference_hash_the_name_only_warns() -> None:
    no_hash = ExpectedMap("Khione SEL")
    assert check_map(summary(map_name="  KHIONE sel "), no_hash).verdict is CheckVerdict.WARN
    assert check_map(summary(map_name="Radeon"), no_hash).verdict is CheckVerdict.FAIL


# -- mod --------------------------------------------------------------------------------------


def test_official_chain_with_art_mods_passes() -> None:
    with_art = summary(cache_handles=handles(*BLIZZARD, MULTIPLAYER, *CHAIN, MAP_DEP, *ART, MAP_FILE))
    result = check_mod(with_art, MOD)
    assert (result.verdict, result.message_code) == (CheckVerdict.PASS, "mod.official")
    assert result.details["art_mods"] == list(ART)


@pytest.mark.parametrize(
    ("hashes", "code"),
    [
        ((*BLIZZARD, MULTIPLAYER, *CHAIN, h("fake"), MAP_DEP, MAP_FILE), "mod.extra_files"),
        ((*BLIZZARD, MULTIPLAYER, h("fake"), *CHAIN, MAP_DEP, MAP_FILE), "mod.extra_files"),
        ((*BLIZZARD, MULTIPLAYER, *CHAIN, MAP_DEP, h("unknown-art"), MAP_FILE), "mod.extra_files"),
        ((*BLIZZARD, MULTIPLAYER, *CHAIN, CHAIN[0], MAP_FILE), "mod.extra_files"),
        ((*BLIZZARD, MULTIPLAYER, *CHAIN[:-1], MAP_DEP, MAP_FILE), "mod.chain_modified"),
        ((*BLIZZARD, MULTIPLAYER, CHAIN[1], CHAIN[0], *CHAIN[2:], MAP_DEP, MAP_FILE), "mod.chain_modified"),
        ((*BLIZZARD, MULTIPLAYER, *CHAIN), "mod.chain_modified"),
        ((*BLIZZARD, MULTIPLAYER, MAP_DEP, MAP_FILE), "mod.missing"),
    ],
    ids=["extra-after", "extra-before", "unknown-art", "duplicate", "short", "reordered", "no-map", "plain-sc2"],
)
def test_anything_but_the_exact_chain_fails(hashes: tuple[str, ...], code: str) -> None:
    result = check_mod(summary(cache_handles=handles(*hashes)), MOD)
    assert (result.verdict, result.message_code) == (CheckVerdict.FAIL, code)


def test_mod_failures_name_the_mod_for_players() -> None:
    fake = summary(cache_handles=handles(*BLIZZARD, MULTIPLAYER, *CHAIN, h("fake"), MAP_DEP, MAP_FILE))
    result = check_mod(fake, MOD)
    assert "modified or fake copy of SC: Evo Complete" in result.message
    assert h("fake") in result.details["unlisted"]


def test_no_reference_chain_goes_to_an_admin() -> None:
    us = summary(cache_handles=handles(*BLIZZARD, MULTIPLAYER, *CHAIN, MAP_DEP, MAP_FILE, server="us"))
    assert check_mod(us, MOD).message_code == "mod.no_reference"
    assert check_mod(us, MOD).verdict is CheckVerdict.NEEDS_ADMIN
    assert check_mod(summary(), None).verdict is CheckVerdict.NEEDS_ADMIN


def test_mixed_depots_are_not_official() -> None:
    mixed = summary(
        cache_handles=(*handles(*BLIZZARD, MULTIPLAYER, *CHAIN, MAP_DEP), CacheHandle("us", MAP_FILE, "s2ma"))
    )
    assert check_mod(mixed, MOD).verdict is CheckVerdict.FAIL


def test_the_release_in_force_is_chosen_by_date() -> None:
    old = replace(MOD, release="old", in_force_from=None)
    new = replace(MOD, release="new", in_force_from=datetime(2026, 3, 1, tzinfo=UTC))
    assert select_mod_release([new, old], CREATED) is old
    assert select_mod_release([old, new], datetime(2026, 3, 2, tzinfo=UTC)) is new
    assert select_mod_release([new], CREATED) is None


# -- players, races, result -------------------------------------------------------------------


def test_players_linked_by_toon_handle() -> None:
    result = check_players(summary(), MATCH)
    assert (result.verdict, result.message_code) == (CheckVerdict.PASS, "players.ok")
    assert [link["by"] for link in result.details["links"]] == ["toon", "toon"]
    assert result.details["new_toon_handles"] == []


def test_players_linked_by_name_report_their_new_toon_handles() -> None:
    renamed = summary(
        players=(
            player("Bob", "1-S2-1-999", "Terran", PlayerResult.LOSS),
            player("alt-alice", "1-S2-1-888", "BW Zerg"),
        )
    )
    match = replace(MATCH, player_1=replace(ALICE, alt_names=frozenset({"Alt-Alice"})))
    result = check_players(renamed, match)
    assert result.verdict is CheckVerdict.PASS
    assert [(link["player"], link["replay_name"], link["by"]) for link in result.details["links"]] == [
        (1, "alt-alice", "alt_name"),
        (2, "Bob", "name"),
    ]
    assert result.details["new_toon_handles"] == [
        {"player": 1, "toon_handle": "1-S2-1-888"},
        {"player": 2, "toon_handle": "1-S2-1-999"},
    ]


def test_unknown_players_go_to_an_admin() -> None:
    strangers = summary(players=(player("Carol", "2-S2-1-3", "BW Zerg"), player("Dave", "2-S2-1-4", "Terran")))
    result = check_players(strangers, MATCH)
    assert (result.verdict, result.message_code) == (CheckVerdict.NEEDS_ADMIN, "players.unlinked")
    assert "Carol, Dave" in result.message


def test_observers_and_extra_players_fail() -> None:
    assert check_players(summary(observers=("Caster",)), MATCH).message_code == "players.observers"
    computer = replace(player("A.I.", None, "Terran"), is_human=False)
    three = summary(players=(*summary().players, computer))
    assert (check_players(three, MATCH).verdict, check_players(three, MATCH).message_code) == (
        CheckVerdict.FAIL,
        "players.count",
    )
    solo = summary(players=summary().players[:1])
    assert check_players(solo, MATCH).verdict is CheckVerdict.FAIL


def test_a_known_toon_outweighs_a_name() -> None:
    # Slot 0 is named like player 1 but uses player 2's account: identity follows the account.
    tricky = summary(players=(player("Alice", "2-S2-1-222", "Terran"), player("Zed", None, "BW Zerg")))
    pairing = pair_players(tricky, MATCH, ALIASES)
    assert (pairing.slots, pairing.method) == ((1, 0), "identity")


def test_races_are_checked_per_player_when_players_are_known() -> None:
    assert check_races(summary(), MATCH, ALIASES).verdict is CheckVerdict.PASS
    swapped = summary(
        players=(player("Alice", "2-S2-1-111", "Terran"), player("Bob", "2-S2-1-222", "BW Zerg", PlayerResult.LOSS))
    )
    result = check_races(swapped, MATCH, ALIASES)
    assert (result.verdict, result.message_code) == (CheckVerdict.FAIL, "races.mismatch")
    assert "Alice played Terran instead of bw_zerg" in result.message


def test_races_as_an_unordered_pair_when_players_are_unknown() -> None:
    strangers = summary(players=(player("Dave", None, "Terran"), player("Carol", None, "BW Zerg")))
    assert check_races(strangers, MATCH, ALIASES).verdict is CheckVerdict.PASS
    wrong = summary(players=(player("Dave", None, "Terran"), player("Carol", None, "BW Protoss")))
    assert check_races(wrong, MATCH, ALIASES).message_code == "races.mismatch"


def test_localized_race_strings_match_after_normalization() -> None:
    decomposed = unicodedata.normalize("NFD", " 스1 저그 ")
    assert decomposed != "스1 저그"
    localized = summary(players=(player("Alice", "2-S2-1-111", decomposed), player("Bob", "2-S2-1-222", "TERRAN")))
    assert check_races(localized, MATCH, ALIASES).verdict is CheckVerdict.PASS


def test_an_unknown_race_string_fails_naming_it() -> None:
    odd = summary(players=(player("Alice", "2-S2-1-111", "Zerg-ish"), player("Bob", "2-S2-1-222", "Terran")))
    result = check_races(odd, MATCH, ALIASES)
    assert (result.verdict, result.message_code) == (CheckVerdict.FAIL, "races.unknown_race")
    assert "'Zerg-ish'" in result.message
    assert result.details["unknown"] == ["Zerg-ish"]


@pytest.mark.parametrize(
    ("results", "winner"),
    [
        ((PlayerResult.WIN, PlayerResult.LOSS), Winner.PLAYER_1),
        ((PlayerResult.LOSS, PlayerResult.WIN), Winner.PLAYER_2),
        ((PlayerResult.TIE, PlayerResult.TIE), Winner.DRAW),
        ((PlayerResult.UNKNOWN, PlayerResult.UNKNOWN), Winner.UNKNOWN),
        ((PlayerResult.WIN, PlayerResult.WIN), Winner.UNKNOWN),
    ],
)
def test_result_in_terms_of_the_match_players(results: tuple[PlayerResult, PlayerResult], winner: Winner) -> None:
    # Bob is in slot 0 here, so slot results must be translated to match players.
    bob, alice = player("Bob", "2-S2-1-222", "Terran", results[1]), player("Alice", "2-S2-1-111", "BW Zerg", results[0])
    result = check_result(summary(players=(bob, alice)), MATCH, ALIASES)
    assert result.details["winner"] == winner.value
    expected = CheckVerdict.NEEDS_ADMIN if winner is Winner.UNKNOWN else CheckVerdict.PASS
    assert result.verdict is expected


def test_result_by_race_when_accounts_are_unknown() -> None:
    strangers = summary(
        players=(player("Dave", None, "Terran", PlayerResult.WIN), player("Carol", None, "BW Zerg", PlayerResult.LOSS))
    )
    assert check_result(strangers, MATCH, ALIASES).details["winner"] == "player_2"
    mirror = replace(MATCH, player_2=replace(BOB, race=BW_ZERG))
    unknowable = summary(players=(player("Dave", None, "BW Zerg"), player("Carol", None, "BW Zerg")))
    assert check_result(unknowable, mirror, ALIASES).verdict is CheckVerdict.NEEDS_ADMIN


# -- settings and time ------------------------------------------------------------------------


def test_settings_that_change_the_game_fail_privacy_only_warns() -> None:
    assert check_settings(summary()).verdict is CheckVerdict.PASS
    private = check_settings(summary(privacy="No Match History"))
    assert (private.verdict, private.message_code) == (CheckVerdict.WARN, "settings.privacy")
    for change in ({"speed": "Normal"}, {"duration": "30 Minutes"}, {"locked_alliances": "No"}, {"duration": None}):
        result = check_settings(summary(**change))
        assert (result.verdict, result.message_code) == (CheckVerdict.FAIL, "settings.wrong"), change
    both = check_settings(summary(speed="Fast", privacy="No Match History"))
    assert both.verdict is CheckVerdict.FAIL
    assert "game speed was Fast (must be Faster)" in both.message
    assert both.details["privacy"] == {"expected": "Normal", "actual": "No Match History", "ok": False}


def test_custom_lobby_rules() -> None:
    assert check_settings(summary(privacy="No Match History"), LobbyRules(privacy="No Match History")).verdict is (
        CheckVerdict.PASS
    )


def test_time_window() -> None:
    assert check_time(summary(), CREATED, UPLOADED).verdict is CheckVerdict.PASS
    # Started 8 minutes before the match was created: within the 10-minute slack.
    slightly_early = summary(date=CREATED + timedelta(minutes=7), real_length_s=900)
    assert check_time(slightly_early, CREATED, UPLOADED).verdict is CheckVerdict.PASS
    old_game = summary(date=CREATED - timedelta(hours=2))
    result = check_time(old_game, CREATED, UPLOADED)
    assert (result.verdict, result.message_code) == (CheckVerdict.FAIL, "time.before_match")
    future = summary(date=UPLOADED + timedelta(minutes=45))
    assert check_time(future, CREATED, UPLOADED).message_code == "time.after_upload"
    assert check_time(future, CREATED, UPLOADED).verdict is CheckVerdict.NEEDS_ADMIN


# -- inspect ----------------------------------------------------------------------------------


def test_inspect_without_a_match() -> None:
    report = inspect_verdicts(summary(), [KHIONE, ExpectedMap("Radeon")], [MOD])
    assert (report.map_name, report.mod_status, report.mod_release) == ("Khione SEL", ModStatus.OFFICIAL, "2025-11-07")
    assert [c.verdict for c in report.checks] == [CheckVerdict.PASS] * 3


def test_inspect_tells_fake_outdated_and_unknown_apart() -> None:
    fake = summary(cache_handles=handles(*BLIZZARD, MULTIPLAYER, *CHAIN, h("fake"), MAP_DEP, MAP_FILE))
    assert inspect_verdicts(fake, [KHIONE], [MOD]).mod_status is ModStatus.FAKE
    plain = summary(cache_handles=handles(*BLIZZARD, MULTIPLAYER, MAP_DEP, h("other map")), map_name="Other")
    report = inspect_verdicts(plain, [KHIONE], [MOD])
    assert (report.mod_status, report.map_name) == (ModStatus.UNKNOWN, None)
    assert report.checks[0].message_code == "map.unknown"
    newer = replace(MOD, release="2026-03", chains={"eu": (h("next"),)}, in_force_from=CREATED - timedelta(days=1))
    outdated = inspect_verdicts(summary(), [KHIONE], [MOD, newer])
    assert (outdated.mod_status, outdated.mod_release) == (ModStatus.OFFICIAL, "2025-11-07")
    assert (outdated.checks[1].verdict, outdated.checks[1].message_code) == (CheckVerdict.WARN, "mod.other_release")
