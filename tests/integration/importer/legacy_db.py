"""A small EvoLadderBot database with every old code and every odd value the importer must handle.

Built through the importer's own legacy Table objects (which follow the schema reference), on SQLite
or in a throw-away PostgreSQL schema. ``EXPECTED_*`` say what each old row must become.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, insert

from evoladder.importer import legacy_schema as old
from evoladder.store.engine import sync_url

T0 = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
KHIONE = "Khione SEL"
RADEON = "[SC:Evo] Radeon (라데온)"


def _player(pid: int, uid: int, name: str, **over: Any) -> dict[str, Any]:
    row = {
        "id": pid,
        "discord_uid": uid,
        "discord_username": name.lower(),
        "player_name": name,
        "battletag": f"{name}#{uid}",
        "alt_player_name_1": None,
        "alt_player_name_2": None,
        "country": "DE",
        "region": "EUW",
        "accepted_tos": True,
        "accepted_tos_date": T0,
        "completed_setup": True,
        "completed_setup_date": T0 + timedelta(minutes=5),
        "activation_code": "obsolete",
        "created_at": T0,
        "updated_at": T0 + timedelta(days=1),
        "remaining_aborts": 3,
        "player_state": "idle",
        "shield_battery_bug": False,
        "is_banned": False,
        "read_quick_start_guide": False,
    }
    row.update(over)
    return row


PLAYERS = [
    _player(1, 1001, "Alpha", read_quick_start_guide=True, shield_battery_bug=True),
    _player(2, 1002, "Bravo", country="KR", region="KRJ", remaining_aborts=1, player_state="in_match:11"),
    _player(3, 1003, "Charlie", country="QQ", region="XYZ", is_banned=True, remaining_aborts=10),
    _player(
        4,
        1004,
        "DeltaWithAVeryLongInGameNameOverThirtyTwo",
        created_at="2025-10-01 12:00:00+00",
        updated_at="2025-10-02T12:00:00+0000",
        accepted_tos_date="2025-10-01T12:00:00Z",
        completed_setup_date="2025-10-01 12:05:00",
        alt_player_name_1="Delta2",
        player_state="queueing",
    ),
    _player(5, 0, "Ghost"),  # an invalid Discord id: skipped
    _player(
        6, 1006, "Echo", accepted_tos=False, completed_setup=False, completed_setup_date=None, country="XX", region=None
    ),
]
SKIPPED_PLAYERS = {"5"}


def _rating(rid: int, uid: int, race: str, mmr: int, w: int, lost: int, d: int, lp: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "discord_uid": uid,
        "player_name": "x",
        "race": race,
        "mmr": mmr,
        "games_played": w + lost + d,
        "games_won": w,
        "games_lost": lost,
        "games_drawn": d,
        "last_played": lp,
    }


RATINGS = [
    _rating(10, 1001, "bw_zerg", 1620, 10, 5, 1, T0 + timedelta(days=3)),
    _rating(11, 1001, "sc2_terran", 1500, 0, 0, 0, None),
    _rating(12, 1002, "sc2_protoss", 1620, 8, 8, 0, T0 + timedelta(days=4)),  # same MMR: later last played first
    _rating(13, 1002, "bw_terran", 1480, 3, 5, 0, "2025-10-03 10:00:00+00"),
    _rating(14, 1003, "bw_protoss", 1480, 3, 5, 0, "2025-10-03T10:00:00+0000"),  # full tie: id decides
    _rating(15, 1004, "sc2_zerg", 1700, 20, 2, 2, "2025-10-05T08:00:00.250000+00:00"),
    _rating(16, 9999, "bw_zerg", 1500, 1, 0, 0, T0),  # no such player: skipped
    _rating(17, 1004, "bw_dragon", 1500, 1, 0, 0, T0),  # no such race: skipped
]
SKIPPED_RATINGS = {"16", "17"}


def _match(mid: int, result: Any, r1: Any, r2: Any, **over: Any) -> dict[str, Any]:
    row = {
        "id": mid,
        "player_1_discord_uid": 1001,
        "player_2_discord_uid": 1002,
        "player_1_race": "bw_zerg",
        "player_2_race": "sc2_protoss",
        "player_1_mmr": 1600,
        "player_2_mmr": 1550,
        "player_1_report": r1,
        "player_2_report": r2,
        "match_result": result,
        "mmr_change": 0,
        "map_played": KHIONE,
        "server_used": "EUC",
        "played_at": T0 + timedelta(hours=mid),
        "updated_at": None,
        "player_1_replay_path": None,
        "player_2_replay_path": None,
        "player_1_replay_time": None,
        "player_2_replay_time": None,
    }
    row.update(over)
    return row


MATCHES = [
    _match(1, 1, 1, 1, mmr_change=18, player_1_replay_path="r/1a", player_2_replay_path="r/1b",
           player_1_replay_time=T0 + timedelta(hours=1, minutes=20)),
    _match(2, 2, 2, 2, mmr_change=-22),
    _match(3, 0, 0, 0, mmr_change=3, map_played=RADEON),
    _match(4, -1, -3, -1),
    _match(5, -1, -1, -3),
    _match(6, -1, -4, -1),
    _match(7, -1, -4, -4),
    _match(8, -1, -1, -1),
    _match(9, -1, 1, 2, updated_at=T0 + timedelta(days=2)),
    _match(10, -2, 1, 2),
    _match(11, None, None, None),
    _match(12, 1, 1, 2, mmr_change=15, updated_at="2025-10-03 09:00:00+00"),
    _match(13, 5, 1, 1),  # a result code the old bot never wrote: skipped
    _match(14, 1, 1, 1, player_2_discord_uid=9999, player_1_replay_path="r/14"),  # unknown player: skipped
    _match(15, 2, 2, 2, mmr_change=-10, map_played="Old Forgotten LE", server_used="MARS"),
    _match(16, None, 1, None),
    _match(1234, 1, 1, 1, mmr_change=20, player_1_discord_uid=1004, player_1_race="sc2_zerg",
           player_2_race="bw_terran", played_at="2025-10-20 16:24:30+00"),
]  # fmt: skip
SKIPPED_MATCHES = {"13", "14"}
EXPECTED_STATES = {
    1: ("completed", "completed", 1),
    2: ("completed", "completed", 2),
    3: ("draw", "completed", 0),
    4: ("aborted_by_player", "aborted", None),
    5: ("aborted_by_player", "aborted", None),
    6: ("confirmation_timeout", "aborted", None),
    7: ("confirmation_timeout", "aborted", None),
    8: ("aborted_by_system", "aborted", None),
    9: ("invalidated", "invalidated", None),
    10: ("conflict", "conflict", None),
    11: ("pending_aborted_by_system", "aborted", None),
    12: ("completed", "completed", 1),
    15: ("completed", "completed", 2),
    16: ("pending_aborted_by_system", "aborted", None),
    1234: ("completed", "completed", 1),
}

PREFERENCES = [
    {
        "discord_uid": 1001,
        "last_chosen_races": json.dumps(["bw_zerg", "sc2_terran", "bw_dragon"]),
        "last_chosen_vetoes": json.dumps([KHIONE, "Unknown Map LE", "[SC:Evo] Holy World (홀리월드)"]),
    },
    {"discord_uid": 1002, "last_chosen_races": "not json", "last_chosen_vetoes": None},
    {"discord_uid": 9999, "last_chosen_races": "[]", "last_chosen_vetoes": "[]"},
]


def _replay(rid: int, path: str, **over: Any) -> dict[str, Any]:
    row = {
        "id": rid,
        "replay_path": path,
        "replay_hash": f"{rid:020x}",
        "replay_date": T0,
        "player_1_name": "Alpha",
        "player_2_name": "Bravo",
        "player_1_race": "스1 저그",
        "player_2_race": "Protoss",
        "result": 1,
        "player_1_handle": "2-S2-1-111",
        "player_2_handle": "3-S2-1-222",
        "observers": "[]",
        "map_name": KHIONE,
        "duration": 700,
        "game_privacy": "Normal",
        "game_speed": "Faster",
        "game_duration_setting": "Infinite",
        "locked_alliances": "Yes",
        "cache_handles": json.dumps(["https://eu-s2-depot.classic.blizzard.com/abc.s2ma"]),
        "uploaded_at": T0 + timedelta(hours=1),
    }
    row.update(over)
    return row


REPLAYS = [
    _replay(1, "r/1a"),
    _replay(2, "r/1b", observers="not json"),
    _replay(3, "r/orphan"),
    _replay(4, "r/14"),
]

ACTION_LOGS = [
    {"id": 1, "discord_uid": 1001, "player_name": "Alpha", "setting_name": "country", "old_value": "FR",
     "new_value": "DE", "changed_at": T0, "changed_by": "player"},
    {"id": 2, "discord_uid": 1002, "player_name": "Bravo", "setting_name": "remaining_aborts", "old_value": "3",
     "new_value": "1", "changed_at": T0, "changed_by": "admin:555"},
    {"id": 3, "discord_uid": 9999, "player_name": "Ghost", "setting_name": "country", "old_value": None,
     "new_value": "US", "changed_at": T0, "changed_by": "system"},
]  # fmt: skip
SKIPPED_ACTIONS = {"3"}

ADMIN_ACTIONS = [
    {"id": 1, "admin_discord_uid": 555, "admin_username": "boss", "action_type": "resolve_match",
     "target_player_uid": None, "target_match_id": 9, "action_details": json.dumps({"winner": "invalidate"}),
     "reason": "both claimed", "performed_at": T0 + timedelta(days=2)},
    {"id": 2, "admin_discord_uid": None, "admin_username": None, "action_type": "ban",
     "target_player_uid": 1003, "target_match_id": None, "action_details": "{}", "reason": None,
     "performed_at": T0},
]  # fmt: skip
SKIPPED_ADMIN_ACTIONS = {"2"}

ADMINS_FILE = [
    {"discord_id": "555", "name": "Boss", "role": "owner"},
    {"discord_id": 556, "name": "Helper", "role": "admin"},
    {"discord_id": 557, "name": "Mod", "role": "moderator"},
]

COMMAND_CALLS = [{"id": 1, "discord_uid": 1001, "player_name": "Alpha", "command": "/queue", "called_at": T0}]


def build_legacy(url: str) -> None:
    """Create EvoLadderBot's tables at ``url`` and fill them with the rows above."""
    engine = create_engine(sync_url(url))
    try:
        old.legacy_metadata.create_all(engine)
        with engine.begin() as conn:
            for table, rows in (
                (old.players, PLAYERS),
                (old.mmrs_1v1, RATINGS),
                (old.matches_1v1, MATCHES),
                (old.preferences_1v1, PREFERENCES),
                (old.replays, REPLAYS),
                (old.player_action_logs, ACTION_LOGS),
                (old.admin_actions, ADMIN_ACTIONS),
                (old.command_calls, COMMAND_CALLS),
            ):
                conn.execute(insert(table), rows)
    finally:
        engine.dispose()
