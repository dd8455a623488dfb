"""The pure old -> new mapping: every old match code, lenient timestamps, players, preferences, admins."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from evoladder.datapack import load_pack
from evoladder.domain.match import AbortReason, MatchState
from evoladder.importer.mapping import Catalog, classify, map_match, map_player, map_rating, parse_timestamp
from evoladder.importer.records import map_preferences, map_replay, parse_admins

NOW = datetime(2026, 3, 1, tzinfo=UTC)
T0 = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
CATALOG = Catalog.from_pack(load_pack("evo_complete"))
PLAYERS = {1001, 1002}


@pytest.mark.parametrize(
    ("result", "r1", "r2", "admin", "label", "state", "reason"),
    [
        (1, 1, 1, False, "completed", MatchState.COMPLETED, None),
        (2, 2, 2, False, "completed", MatchState.COMPLETED, None),
        (1, 1, 2, True, "completed", MatchState.COMPLETED, None),
        (0, 0, 0, False, "draw", MatchState.COMPLETED, None),
        (-2, 1, 2, False, "conflict", MatchState.CONFLICT, None),
        (-2, 1, None, False, "conflict", MatchState.CONFLICT, None),
        (-1, -3, -1, False, "aborted_by_player", MatchState.ABORTED, AbortReason.PLAYER),
        (-1, -1, -3, False, "aborted_by_player", MatchState.ABORTED, AbortReason.PLAYER),
        (-1, -4, -1, False, "confirmation_timeout", MatchState.ABORTED, AbortReason.TIMEOUT),
        (-1, -4, -4, False, "confirmation_timeout", MatchState.ABORTED, AbortReason.TIMEOUT),
        (-1, None, -4, False, "confirmation_timeout", MatchState.ABORTED, AbortReason.TIMEOUT),
        (-1, -1, -1, False, "aborted_by_system", MatchState.ABORTED, AbortReason.TIMEOUT),
        (-1, None, None, False, "aborted_by_system", MatchState.ABORTED, AbortReason.TIMEOUT),
        (-1, 1, 2, False, "invalidated", MatchState.INVALIDATED, None),
        (-1, None, None, True, "invalidated", MatchState.INVALIDATED, None),
        (None, None, None, False, "pending_aborted_by_system", MatchState.ABORTED, AbortReason.TIMEOUT),
        (None, 1, None, False, "pending_aborted_by_system", MatchState.ABORTED, AbortReason.TIMEOUT),
    ],
)
def test_every_old_code_has_a_state(
    result: int | None,
    r1: int | None,
    r2: int | None,
    admin: bool,
    label: str,
    state: MatchState,
    reason: AbortReason | None,
) -> None:
    kind = classify(result, r1, r2, admin)
    assert (kind.label, kind.state, kind.abort_reason) == (label, state, reason)


@pytest.mark.parametrize(("result", "r1", "r2"), [(3, 1, 1), (-3, None, None), (1, 5, 1), (1, 1, -2)])
def test_codes_the_old_bot_never_wrote_are_refused(result: int, r1: int | None, r2: int | None) -> None:
    with pytest.raises(ValueError, match="unknown"):
        classify(result, r1, r2, False)


@pytest.mark.parametrize(
    "text",
    [
        "2025-11-03T22:29:00+0000",
        "2025-11-03 22:29:00+00",
        "2025-11-03T22:29:00Z",
        "2025-11-03 22:29:00",
        "2025-11-03T23:29:00+01:00",
        "2025-11-03 22:29:00 UTC",
        " 2025-11-03T22:29:00.000000+00:00 ",
        datetime(2025, 11, 3, 22, 29),
        datetime(2025, 11, 3, 22, 29, tzinfo=UTC),
        1762208940,
        "1762208940",
    ],
)
def test_timestamps_are_read_leniently(text: Any) -> None:
    assert parse_timestamp(text) == datetime(2025, 11, 3, 22, 29, tzinfo=UTC)


def test_empty_and_unreadable_timestamps() -> None:
    assert parse_timestamp(None) is None and parse_timestamp("  ") is None
    assert parse_timestamp("2025-10-20") == datetime(2025, 10, 20, tzinfo=UTC)
    with pytest.raises(ValueError, match="unreadable"):
        parse_timestamp("last tuesday")


def _old_player(**over: Any) -> dict[str, Any]:
    row = {
        "id": 7, "discord_uid": 1001, "discord_username": "alpha", "player_name": "Alpha", "battletag": "Alpha#1",
        "alt_player_name_1": None, "alt_player_name_2": None, "country": "DE", "region": "EUW", "accepted_tos": 1,
        "accepted_tos_date": "2025-10-01T12:00:00+0000", "completed_setup": 1,
        "completed_setup_date": "2025-10-01T12:05:00+0000", "created_at": "2025-10-01T11:00:00+0000",
        "updated_at": "2025-10-02T11:00:00+0000", "remaining_aborts": 2, "shield_battery_bug": 1, "is_banned": 0,
        "read_quick_start_guide": 0,
    }  # fmt: skip
    row.update(over)
    return row


def test_player_fields_and_aborts_left_become_aborts_used() -> None:
    mapped = map_player(_old_player(), CATALOG, aborts_per_month=3, now=NOW)
    assert mapped.row is not None and not mapped.issues
    assert mapped.row["id"] == 1001 and mapped.row["setup_completed_at"] == T0 + timedelta(minutes=5)
    assert mapped.row["shield_battery_ack_at"] == T0 + timedelta(days=1, hours=-1)
    assert mapped.row["quick_start_read_at"] is None and mapped.row["tos_accepted"] is True
    assert mapped.extra["aborts_used"] == 1
    granted = map_player(_old_player(remaining_aborts=10), CATALOG, aborts_per_month=3, now=NOW)
    assert granted.extra["aborts_used"] == -7  # our rule reads it as 10 left


def test_player_oddities_are_listed() -> None:
    mapped = map_player(
        _old_player(country="QQ", region="MARS", player_name="x" * 40, created_at="never", completed_setup_date=None),
        CATALOG, aborts_per_month=3, now=NOW,
    )  # fmt: skip
    assert mapped.row is not None
    assert (mapped.row["country"], mapped.row["region"], len(mapped.row["in_game_name"])) == (None, None, 32)
    reasons = " | ".join(i.reason for i in mapped.issues)
    expected = ("unknown country 'QQ'", "unknown region 'MARS'", "cut", "unreadable timestamp 'never'", "a date")
    for part in expected:
        assert part in reasons
    assert all(i.kind == "adjusted" and i.table == "players" and i.key == "7" for i in mapped.issues)
    skipped = map_player(_old_player(discord_uid=0), CATALOG, aborts_per_month=3, now=NOW)
    assert skipped.row is None and skipped.issues[0].kind == "skipped"


def test_a_rating_keeps_its_old_id_and_counts() -> None:
    row = {"id": 403, "discord_uid": 1001, "race": "bw_terran", "mmr": 1603, "games_played": 193, "games_won": 88,
           "games_lost": 105, "games_drawn": 2, "last_played": "2025-10-20 16:24:30+00"}  # fmt: skip
    mapped = map_rating(row, CATALOG, PLAYERS)
    assert mapped.row is not None
    assert (mapped.row["id"], mapped.row["mmr"], mapped.row["games_drawn"]) == (403, 1603, 2)
    assert mapped.row["last_played"] == datetime(2025, 10, 20, 16, 24, 30, tzinfo=UTC)
    assert map_rating({**row, "discord_uid": 5}, CATALOG, PLAYERS).issues[0].reason == "player 5 was not imported"


def _old_match(**over: Any) -> dict[str, Any]:
    row = {
        "id": 1234, "player_1_discord_uid": 1001, "player_2_discord_uid": 1002, "player_1_race": "bw_zerg",
        "player_2_race": "sc2_terran", "player_1_mmr": 1600, "player_2_mmr": 1500, "player_1_report": 1,
        "player_2_report": 1, "match_result": 1, "mmr_change": 17, "map_played": "Khione SEL", "server_used": "EUC",
        "played_at": "2025-10-01T12:00:00+0000", "updated_at": None, "player_1_replay_time": None,
        "player_2_replay_time": "2025-10-01T12:30:00+0000",
    }  # fmt: skip
    row.update(over)
    return row


def test_a_completed_match_keeps_its_number_mmr_and_change() -> None:
    mapped = map_match(_old_match(), CATALOG, PLAYERS, timedelta(seconds=60))
    m = mapped.row
    assert m is not None and not mapped.issues and mapped.extra["label"] == "completed"
    assert (m["id"], m["idempotency_key"], m["state"], m["result"], m["counted"]) == (
        1234, "evoladderbot:1234", "completed", 1, True,
    )  # fmt: skip
    assert (m["delta1"], m["delta2"], m["mmr_after1"], m["mmr_after2"]) == (17, -17, 1617, 1483)
    assert m["completed_at"] == T0 + timedelta(minutes=30) and m["result_source"] == "reports"
    assert m["confirm_deadline"] == T0 + timedelta(seconds=60) and m["rating_model"] == "elo"


def test_aborts_and_timeouts_name_who() -> None:
    aborted = map_match(_old_match(match_result=-1, player_1_report=-1, player_2_report=-3, mmr_change=0),
                        CATALOG, PLAYERS, timedelta(seconds=60)).row  # fmt: skip
    assert aborted is not None
    assert (aborted["state"], aborted["abort_reason"], aborted["aborted_by"], aborted["delta1"]) == (
        "aborted", "player", 1002, None,
    )  # fmt: skip
    assert aborted["confirmed1_at"] is not None and aborted["confirmed2_at"] is None
    late = map_match(_old_match(match_result=-1, player_1_report=-1, player_2_report=-4, mmr_change=0),
                     CATALOG, PLAYERS, timedelta(seconds=60)).row  # fmt: skip
    assert late is not None and (late["abort_reason"], late["unconfirmed"]) == ("timeout", [1002])


def test_a_pending_match_becomes_a_system_abort_and_says_so() -> None:
    mapped = map_match(_old_match(match_result=None, player_1_report=None, player_2_report=None, mmr_change=None),
                       CATALOG, PLAYERS, timedelta(seconds=60))  # fmt: skip
    assert mapped.row is not None and mapped.row["state"] == "aborted" and mapped.row["aborted_by"] is None
    assert [i.reason for i in mapped.issues] == ["pending in EvoLadderBot: imported as aborted by the system"]


def test_unknown_maps_are_kept_and_listed_and_bad_rows_skipped() -> None:
    mapped = map_match(_old_match(map_played="Gone LE"), CATALOG, PLAYERS, timedelta(seconds=60))
    assert mapped.row is not None and mapped.row["map_name"] == "Gone LE"
    assert "not in our data pack" in mapped.issues[0].reason
    for over, reason in (
        ({"player_2_discord_uid": 5}, "player 2 (5) was not imported"),
        ({"player_2_discord_uid": 1001}, "both players are the same"),
        ({"player_1_race": "zerg"}, "unknown player_1_race 'zerg'"),
        ({"played_at": None}, "played_at is NULL"),
        ({"match_result": 9}, "unknown match_result code 9"),
    ):
        skipped = map_match(_old_match(**over), CATALOG, PLAYERS, timedelta(seconds=60))
        assert skipped.row is None and [(i.kind, i.reason) for i in skipped.issues] == [("skipped", reason)]


def test_preferences_map_vetoes_to_our_names_and_list_unknown_ones() -> None:
    row = {
        "discord_uid": 1001,
        "last_chosen_races": json.dumps(["bw_zerg", "sc2_terran"]),
        "last_chosen_vetoes": json.dumps(["[SC:Evo] Holy World (홀리울드)", "Nowhere LE", "Khione SEL"]),
    }
    mapped = map_preferences(row, CATALOG, PLAYERS, NOW)
    assert mapped.row is not None
    assert mapped.row["map_vetoes"] == ["[SC:Evo] Holy World (홀리울드)", "Khione SEL"]
    assert [i.reason for i in mapped.issues] == ["unknown map 'Nowhere LE' in last_chosen_vetoes; left out"]


def test_every_map_name_of_the_pack_maps_to_itself() -> None:
    pack = load_pack("evo_complete")
    for season in pack.seasons:
        for game_map in season.maps:
            assert CATALOG.map_name(game_map.name) == game_map.name


def test_replay_records_keep_the_old_reading_and_link() -> None:
    row = {
        "id": 9, "replay_path": "r/9", "replay_hash": "ab" * 10, "replay_date": "2025-10-01T12:00:00+0000",
        "player_1_name": "A", "player_2_name": "B", "player_1_race": "Zerg", "player_2_race": "테란", "result": 2,
        "player_1_handle": "2-S2-1-1", "player_2_handle": "2-S2-1-2", "observers": '["obs"]', "map_name": "Khione SEL",
        "duration": 640, "game_privacy": "Normal", "game_speed": "Faster", "game_duration_setting": "Infinite",
        "locked_alliances": "Yes", "cache_handles": "[]", "uploaded_at": None,
    }  # fmt: skip
    mapped = map_replay(row, (1234, 2, 1002), {1234}, NOW)
    r = mapped.row
    assert r is not None and not mapped.issues
    assert (r["id"], r["match_id"], r["uploader_id"], r["status"], r["sha256"]) == (
        9, 1234, 1002, "imported", "blake2b80:" + "ab" * 10,
    )  # fmt: skip
    assert r["summary"]["observers"] == ["obs"] and r["summary"]["uploader_slot"] == 2 and r["uploaded_at"] == NOW
    unlinked = map_replay(row, (77, 1, 1001), {1234}, NOW)
    assert unlinked.row is not None and unlinked.row["match_id"] is None
    assert unlinked.issues[0].reason == "its match #77 was not imported; stored unlinked"


def test_admin_file() -> None:
    text = json.dumps(
        [
            {"discord_id": "1", "name": "Owner", "role": "owner"},
            {"discord_id": 2, "name": "Admin", "role": "Admin"},
            {"discord_id": 2, "name": "Admin", "role": "owner"},
            {"discord_id": 3, "role": "mod"},
            {"name": "nobody", "role": "admin"},
            "junk",
        ]
    )
    rows, issues = parse_admins(text, NOW)
    assert {r["discord_id"]: r["role"] for r in rows} == {1: "owner", 2: "owner"}
    assert [i.kind for i in issues] == ["adjusted", "skipped", "skipped", "skipped"]
    with pytest.raises(ValueError, match="JSON array"):
        parse_admins('{"not": "a list"}', NOW)
