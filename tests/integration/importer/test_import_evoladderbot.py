"""Importing an EvoLadderBot database: every code, the checks, a no-op rerun, a killed run, old ids.

Each test runs on SQLite (old and new) and on PostgreSQL (the old database in its own schema).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from import_support import NOW, Pair
from legacy_db import (
    EXPECTED_STATES,
    MATCHES,
    SKIPPED_ACTIONS,
    SKIPPED_ADMIN_ACTIONS,
    SKIPPED_MATCHES,
    SKIPPED_PLAYERS,
    SKIPPED_RATINGS,
    T0,
)
from sqlalchemy import create_engine, insert, select, text

from evoladder.importer import ImportRefused, import_evoladderbot
from evoladder.importer.db import open_source
from evoladder.store import tables as t
from evoladder.store.engine import sync_url

SNAPSHOT_TABLES = (
    "players", "ratings", "matches", "preferences", "replays", "action_log", "audit_log", "staff",
    "abort_counts", "import_issues", "ladder_meta",
)  # fmt: skip


def rows(url: str, table: str, **where: Any) -> list[dict[str, Any]]:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            tab = t.metadata.tables[table]
            stmt = select(tab).order_by(*tab.primary_key.columns)
            for key, value in where.items():
                stmt = stmt.where(tab.c[key] == value)
            return [dict(r) for r in conn.execute(stmt).mappings()]
    finally:
        engine.dispose()


def snapshot(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every table the importer writes, minus the timestamps of its own bookkeeping."""
    snap = {name: rows(url, name) for name in SNAPSHOT_TABLES}
    for row in snap["import_issues"]:
        row.pop("id")
    snap["import_issues"].sort(key=lambda r: (r["source_table"], r["source_key"], r["reason"]))
    return snap


def issues(url: str, kind: str) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for row in rows(url, "import_issues", kind=kind):
        found.setdefault((row["source_table"], row["source_key"]), []).append(row["reason"])
    return found


def test_full_import_brings_everything_over_and_passes_the_checks(pair: Pair) -> None:
    report = import_evoladderbot(pair.options())
    assert report.ok, [c for c in report.checks if not c.ok]
    assert {c.name for c in report.checks} >= {
        "ratings equal the old MMR",
        "W-L-D counts equal the old counts",
        "leaderboard order equals the old order (MMR, last played, id)",
    }
    url = pair.target_url

    players = {p["id"]: p for p in rows(url, "players")}
    assert set(players) == {1001, 1002, 1003, 1004, 1006}
    alpha = players[1001]
    assert (alpha["in_game_name"], alpha["country"], alpha["region"], alpha["tos_accepted"]) == (
        "Alpha", "DE", "EUW", True,
    )  # fmt: skip
    assert alpha["tos_changed_at"] == T0 and alpha["setup_completed_at"] == T0.replace(minute=5)
    assert alpha["quick_start_read_at"] is not None and alpha["shield_battery_ack_at"] is not None
    assert players[1002]["quick_start_read_at"] is None and players[1002]["active_match_id"] is None
    assert players[1003]["is_banned"] and players[1003]["country"] is None and players[1003]["region"] is None
    assert players[1004]["in_game_name"] == "DeltaWithAVeryLongInGameNameOver"
    assert players[1004]["setup_completed_at"] == T0.replace(minute=5)
    assert players[1006]["setup_completed_at"] is None and not players[1006]["tos_accepted"]
    aborts = {r["player_id"]: (r["month"], r["count"]) for r in rows(url, "abort_counts")}
    assert aborts == {1002: ("2026-03", 2), 1003: ("2026-03", -7)}  # 1 left of 3; 10 left of 3

    ratings = {r["id"]: r for r in rows(url, "ratings")}
    assert set(ratings) == {10, 11, 12, 13, 14, 15}
    assert (ratings[15]["player_id"], ratings[15]["race"], ratings[15]["mmr"]) == (1004, "sc2_zerg", 1700)
    assert (ratings[10]["games_won"], ratings[10]["games_lost"], ratings[10]["games_drawn"]) == (10, 5, 1)

    matches = {m["id"]: m for m in rows(url, "matches")}
    assert set(matches) == set(EXPECTED_STATES)
    for mid, (_label, state, result) in EXPECTED_STATES.items():
        assert (matches[mid]["state"], matches[mid]["result"]) == (state, result), mid
    m1 = matches[1]
    assert (m1["mmr1"], m1["mmr2"], m1["delta1"], m1["delta2"], m1["mmr_after1"], m1["counted"]) == (
        1600, 1550, 18, -18, 1618, True,
    )  # fmt: skip
    assert (m1["report1"], m1["report2"], m1["map_name"], m1["server"], m1["result_source"]) == (
        1, 1, "Khione SEL", "EUC", "reports",
    )  # fmt: skip
    assert matches[3]["delta1"] == 3 and matches[3]["result"] == 0
    assert (matches[4]["abort_reason"], matches[4]["aborted_by"]) == ("player", 1001)
    assert (matches[5]["abort_reason"], matches[5]["aborted_by"]) == ("player", 1002)
    assert (matches[6]["abort_reason"], matches[6]["unconfirmed"]) == ("timeout", [1001])
    assert matches[6]["confirmed2_at"] is not None and matches[6]["confirmed1_at"] is None
    assert matches[7]["unconfirmed"] == [1001, 1002]
    assert (matches[8]["abort_reason"], matches[8]["aborted_by"], matches[8]["unconfirmed"]) == ("timeout", None, None)
    assert matches[9]["resolved_at"] is not None and matches[9]["result_source"] == "admin"
    assert (matches[10]["report1"], matches[10]["report2"], matches[10]["delta1"]) == (1, 2, None)
    assert matches[12]["result_source"] == "admin" and matches[12]["resolved_at"] is not None
    assert (matches[15]["map_name"], matches[15]["server"]) == ("Old Forgotten LE", "MARS")
    assert matches[16]["report1"] == 1 and matches[16]["state"] == "aborted"
    assert (matches[1234]["player1_id"], matches[1234]["race1"], matches[1234]["delta1"]) == (1004, "sc2_zerg", 20)

    prefs = {p["player_id"]: p for p in rows(url, "preferences")}
    assert prefs[1001]["last_races"] == ["bw_zerg", "sc2_terran"]
    assert prefs[1001]["map_vetoes"] == ["Khione SEL", "[SC:Evo] Holy World (홀리월드)"]
    assert prefs[1002]["last_races"] == [] and 9999 not in prefs

    replays = {r["id"]: r for r in rows(url, "replays")}
    assert (replays[1]["match_id"], replays[1]["uploader_id"], replays[1]["status"]) == (1, 1001, "imported")
    assert (replays[2]["match_id"], replays[2]["uploader_id"]) == (1, 1002)
    assert replays[3]["match_id"] is None and replays[4]["match_id"] is None  # orphan; match 14 skipped
    summary = replays[1]["summary"]
    assert summary["replay_hash"] == f"{1:020x}" and replays[1]["sha256"] == f"blake2b80:{1:020x}"
    assert summary["players"][0] == {"name": "Alpha", "race": "스1 저그", "handle": "2-S2-1-111"}
    assert summary["settings"]["game_speed"] == "Faster" and summary["cache_handles"]

    assert [a["id"] for a in rows(url, "action_log")] == [1, 2]
    assert rows(url, "action_log")[1]["actor"] == "admin:555"
    audit = rows(url, "audit_log")
    assert [(a["id"], a["admin_id"], a["target_match_id"], a["request_id"]) for a in audit] == [
        (1, 555, 9, "evoladderbot:1")
    ]
    assert audit[0]["new_value"]["details"] == {"winner": "invalidate"}
    staff = {s["discord_id"]: s["role"] for s in rows(url, "staff")}
    assert staff == {555: "owner", 556: "admin"}

    skipped = issues(url, "skipped")
    expected = (
        {("players", k) for k in SKIPPED_PLAYERS}
        | {("mmrs_1v1", k) for k in SKIPPED_RATINGS}
        | {("matches_1v1", k) for k in SKIPPED_MATCHES}
        | {("player_action_logs", k) for k in SKIPPED_ACTIONS}
        | {("admin_actions", k) for k in SKIPPED_ADMIN_ACTIONS}
        | {("preferences_1v1", "9999"), ("admins_file", "557")}
    )
    assert set(skipped) == expected
    assert skipped[("matches_1v1", "13")] == ["unknown match_result code 5"]
    assert skipped[("matches_1v1", "14")] == ["player 2 (9999) was not imported"]
    assert skipped[("mmrs_1v1", "17")] == ["unknown race 'bw_dragon'"]
    adjusted = issues(url, "adjusted")
    assert "unknown map 'Unknown Map LE' in last_chosen_vetoes; left out" in adjusted[("preferences_1v1", "1001")]
    assert "unknown race 'bw_dragon' in last_chosen_races; left out" in adjusted[("preferences_1v1", "1001")]
    assert any("pending in EvoLadderBot" in r for r in adjusted[("matches_1v1", "11")])
    assert any("not in our data pack" in r for r in adjusted[("matches_1v1", "15")])
    assert any("unknown country 'QQ'" in r for r in adjusted[("players", "3")])

    states = report.by_label()  # by old codes, so skipped match 14 (a completed one) counts too
    assert states["completed"] == 6 and states["pending_aborted_by_system"] == 2 and states["unknown code"] == 1
    assert sum(states.values()) == len(MATCHES)
    counts = {c.old_table: c for c in report.counts}
    assert (counts["matches_1v1"].old_rows, counts["matches_1v1"].new_rows, counts["matches_1v1"].skipped) == (
        17, 15, 2,
    )  # fmt: skip
    meta = {m["key"]: m["value"] for m in rows(url, "ladder_meta")}
    assert meta["rating_model"] == "elo" and "import.evoladderbot.completed_at" in meta


def test_a_second_run_changes_nothing(pair: Pair) -> None:
    assert import_evoladderbot(pair.options()).ok
    before = snapshot(pair.target_url)
    again = import_evoladderbot(pair.options(now=NOW.replace(day=20)))
    assert again.ok
    assert again.stats.read == {} and again.stats.written == {}
    assert snapshot(pair.target_url) == before


@pytest.mark.parametrize("fail_at", [1, 3, 6, 9, 12])
def test_a_run_killed_midway_completes_when_run_again(pair: Pair, fail_at: int) -> None:
    """Batches of 2 rows; the run dies inside batch ``fail_at`` (before its COMMIT), then runs again."""
    with pair.another_target() as reference:
        assert import_evoladderbot(pair.options(reference, batch_size=2)).ok
        expected = snapshot(reference)

    def die(phase: str, batch: int) -> None:
        if batch == fail_at:
            raise KeyboardInterrupt(f"killed in {phase} batch {batch}")

    with pytest.raises(KeyboardInterrupt):
        import_evoladderbot(pair.options(batch_size=2, before_commit=die))
    partial = snapshot(pair.target_url)
    assert partial != expected
    report = import_evoladderbot(pair.options(batch_size=2))
    assert report.ok
    got = snapshot(pair.target_url)
    for snap in (got, expected):  # bookkeeping: when each marker moved
        for row in snap["ladder_meta"]:
            row.pop("updated_at")
    assert got == expected


def test_old_match_numbers_stay_and_new_matches_follow_them(pair: Pair) -> None:
    assert import_evoladderbot(pair.options()).ok
    engine = create_engine(sync_url(pair.target_url))
    try:
        with engine.begin() as conn:
            new_id = conn.execute(
                insert(t.matches)
                .values(
                    idempotency_key="new-1", player1_id=1001, player2_id=1002, race1="bw_zerg", race2="sc2_terran",
                    mmr1=1500, mmr2=1500, map_name="Khione SEL", server="EUC", state="created", created_at=NOW,
                    confirm_deadline=NOW, rating_model="elo", counted=False, version=1,
                )
                .returning(t.matches.c.id)
            ).scalar_one()  # fmt: skip
            found = conn.execute(select(t.matches.c.player1_id).where(t.matches.c.id == 1234)).scalar_one()
    finally:
        engine.dispose()
    assert new_id == 1235 and found == 1004


def test_the_old_database_is_only_read(pair: Pair) -> None:
    def fingerprint() -> str:
        engine = open_source(pair.legacy_url)
        try:
            with engine.connect() as conn:
                dump = [
                    conn.execute(text(f"SELECT * FROM {name} ORDER BY 1")).all()
                    for name in ("players", "mmrs_1v1", "matches_1v1", "preferences_1v1", "replays")
                ]
        finally:
            engine.dispose()
        return hashlib.sha256(repr(dump).encode()).hexdigest()

    before = fingerprint()
    if pair.backend == "sqlite":
        legacy_file = Path(sync_url(pair.legacy_url).database or "")
        mtime = legacy_file.stat().st_mtime_ns
    assert import_evoladderbot(pair.options()).ok
    assert fingerprint() == before
    if pair.backend == "sqlite":
        assert legacy_file.stat().st_mtime_ns == mtime
    engine = open_source(pair.legacy_url)
    try:
        with pytest.raises(Exception, match=r"(?i)read.only|readonly"), engine.begin() as conn:
            conn.execute(text("DELETE FROM players"))
    finally:
        engine.dispose()


def test_a_ladder_with_its_own_data_is_refused(pair: Pair) -> None:
    engine = create_engine(sync_url(pair.target_url))
    try:
        with engine.begin() as conn:
            conn.execute(insert(t.players).values(id=42, created_at=NOW, updated_at=NOW, version=1))
    finally:
        engine.dispose()
    with pytest.raises(ImportRefused, match="already has players"):
        import_evoladderbot(pair.options())
