"""EvoLadderBot import: 20,000 players, 80,000 ratings, 500,000 matches, end to end, timed.

Run: ``uv run python bench/bench_import.py [--players 20000] [--matches 500000] [--pg] [--batch 5000]``.
Writes ``bench/results/import.json`` and prints a table. Target: under 60 s on the 2-core machine.

1. Generates an old EvoLadderBot SQLite database in a temporary folder (the legacy tables of
   ``evoladder.importer.legacy_schema``; timestamps as the ISO text the old SQLite variant stored):
   4 ratings a player, every old match code in realistic shares, a preference row per player,
   one replay record per 10 matches, a profile log row per player, 2,000 admin actions.
2. Runs ``import_evoladderbot`` (the code behind ``evoladder import evoladderbot``) in a fresh child
   process into an empty SQLite ladder (and, with ``--pg``, into a fresh schema of the test
   PostgreSQL at 127.0.0.1:5432 reading the same SQLite file), then reruns it (the no-op).
3. Reports wall time per phase (copy, report, checks), rows per second and the child's peak RSS
   (``ru_maxrss``: the high-water mark of resident memory, generation excluded).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "import.json"
PG_BASE = os.environ.get("EVOLADDER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
RACES_BW = ("bw_terran", "bw_zerg", "bw_protoss")
RACES_SC2 = ("sc2_terran", "sc2_zerg", "sc2_protoss")
MAPS = ("Khione SEL", "Keres Passage SEL", "[SC:Evo] Radeon (라데온)", "[SC:Evo] Sylphid (실피드)", "Pylon SEL")
SERVERS = ("USW", "USC", "USE", "BRZ", "EUC", "SNG", "AUS", "KOR", "TWN")
REGIONS = ("NAW", "NAC", "NAE", "EUW", "EUE", "KRJ", "SEA", "OCE", "SAM", "CHN")
COUNTRIES = ("US", "DE", "KR", "FR", "BR", "CN", "RU", "PL", "SE", "CA", "XX", "ZZ")
# (share, match_result, report 1, report 2): the old codes in rough production proportions
CODES = (
    (0.40, 1, 1, 1), (0.40, 2, 2, 2), (0.02, 0, 0, 0), (0.04, -1, -3, -1), (0.04, -1, -4, -1),
    (0.02, -1, -4, -4), (0.02, -1, -1, -1), (0.02, -2, 1, 2), (0.02, 1, 1, 2), (0.01, -1, 1, 2),
    (0.01, None, None, None),
)  # fmt: skip
T0 = datetime(2025, 9, 1, tzinfo=UTC)


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+0000")


def generate(path: Path, n_players: int, n_matches: int, seed: int = 11) -> dict[str, int]:
    """Write the old database with sqlite3 executemany (fast; the importer's own tables define it)."""
    from sqlalchemy import create_engine

    from evoladder.importer.legacy_schema import legacy_metadata

    engine = create_engine(f"sqlite:///{path}")
    legacy_metadata.create_all(engine)
    engine.dispose()
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    uids = [100_000_000_000 + i * 7919 for i in range(n_players)]
    db.executemany(
        "INSERT INTO players (id, discord_uid, discord_username, player_name, battletag, alt_player_name_1,"
        " country, region, accepted_tos, accepted_tos_date, completed_setup, completed_setup_date, created_at,"
        " updated_at, remaining_aborts, player_state, shield_battery_bug, is_banned, read_quick_start_guide)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            (i + 1, uid, f"user{i}", f"Player{i}", f"Player{i}#{1000 + i % 9000}", f"Alt{i}" if i % 5 == 0 else None,
             COUNTRIES[i % len(COUNTRIES)], REGIONS[i % len(REGIONS)], 1, iso(T0), 1, iso(T0 + timedelta(minutes=3)),
             iso(T0), iso(T0 + timedelta(days=i % 30)), i % 4, "idle", i % 3 == 0, i % 500 == 0, i % 2 == 0)
            for i, uid in enumerate(uids)
        ),
    )  # fmt: skip
    ratings = []
    for i, uid in enumerate(uids):
        for k, race in enumerate(rng.sample(RACES_BW + RACES_SC2, 4)):
            w, lost, d = rng.randint(0, 60), rng.randint(0, 60), rng.randint(0, 3)
            lp = iso(T0 + timedelta(days=rng.randint(0, 80), seconds=rng.randint(0, 86_399))) if w + lost else None
            ratings.append((i * 4 + k + 1, uid, f"Player{i}", race, int(rng.gauss(1500, 200)), w + lost + d, w, lost,
                            d, lp))  # fmt: skip
    db.executemany("INSERT INTO mmrs_1v1 VALUES (?,?,?,?,?,?,?,?,?,?)", ratings)
    weights = [c[0] for c in CODES]
    batch: list[tuple[Any, ...]] = []
    for mid in range(1, n_matches + 1):
        p1, p2 = rng.sample(uids, 2)
        _, result, r1, r2 = rng.choices(CODES, weights)[0]
        played = T0 + timedelta(seconds=mid * 13)
        has_replay = mid % 10 == 0
        batch.append(
            (mid, p1, p2, rng.choice(RACES_BW), rng.choice(RACES_SC2), rng.randint(1100, 1900),
             rng.randint(1100, 1900), r1, r2, result, rng.randint(-40, 40) if result in (0, 1, 2) else 0,
             MAPS[mid % len(MAPS)], SERVERS[mid % len(SERVERS)], iso(played),
             iso(played + timedelta(hours=2)) if (result, r1, r2) in ((1, 1, 2), (-1, 1, 2)) else None,
             f"replays/{mid}.SC2Replay" if has_replay else None, None,
             iso(played + timedelta(minutes=20)) if has_replay else None, None)
        )  # fmt: skip
        if len(batch) == 50_000:
            db.executemany(f"INSERT INTO matches_1v1 VALUES ({','.join('?' * 19)})", batch)
            batch.clear()
    db.executemany(f"INSERT INTO matches_1v1 VALUES ({','.join('?' * 19)})", batch)
    db.executemany(
        "INSERT INTO preferences_1v1 VALUES (?,?,?)",
        ((uid, json.dumps(["bw_zerg", "sc2_terran"]), json.dumps([MAPS[i % 5], "Retired Map LE"][: 1 + (i % 20 == 0)]))
         for i, uid in enumerate(uids)),
    )  # fmt: skip
    n_replays = n_matches // 10
    db.executemany(
        f"INSERT INTO replays VALUES ({','.join('?' * 20)})",
        ((k, f"replays/{k * 10}.SC2Replay", f"{k:020x}", iso(T0), "A", "B", "Zerg", "Terran", 1, "2-S2-1-1",
          "2-S2-1-2", "[]", MAPS[k % 5], 700, "Normal", "Faster", "Infinite", "Yes", "[]", iso(T0))
         for k in range(1, n_replays + 1)),
    )  # fmt: skip
    db.executemany(
        "INSERT INTO player_action_logs VALUES (?,?,?,?,?,?,?,?)",
        ((i + 1, uid, f"Player{i}", "country", "US", "DE", iso(T0), "player") for i, uid in enumerate(uids)),
    )
    db.executemany(
        "INSERT INTO admin_actions VALUES (?,?,?,?,?,?,?,?,?)",
        (
            (k, uids[0], "boss", "adjust_mmr", uids[k % n_players], None, '{"delta": 5}', "bench", iso(T0))
            for k in range(1, 2001)
        ),
    )
    db.commit()
    db.close()
    return {
        "players": n_players,
        "ratings": len(ratings),
        "matches": n_matches,
        "preferences": n_players,
        "replays": n_replays,
        "action_logs": n_players,
        "admin_actions": 2000,
    }


def child(source: str, target: str, batch: int) -> dict[str, Any]:
    """One import (then one rerun) in this fresh process; returns timings and the peak RSS."""
    from evoladder.datapack import load_pack
    from evoladder.importer import Importer, ImportOptions, build_report, run_checks
    from evoladder.importer.db import source_tables

    started = time.perf_counter()
    options = ImportOptions(source_url=source, target_url=target, pack=load_pack("evo_complete"), batch_size=batch)
    importer = Importer(options)
    src, dst = importer.open()
    opened = time.perf_counter()
    stats = importer.run()
    copied = time.perf_counter()
    present = source_tables(src)
    report = build_report(src, dst, present, stats)
    reported = time.perf_counter()
    checks = run_checks(src, dst, present)
    checked = time.perf_counter()
    importer.close()
    rss_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rerun = Importer(ImportOptions(source_url=source, target_url=target, pack=options.pack, batch_size=batch))
    rerun.open()
    t_rerun = time.perf_counter()
    again = rerun.run()
    rerun_s = time.perf_counter() - t_rerun
    rerun.close()
    return {
        "upgrade_and_open_s": round(opened - started, 2),
        "copy_s": round(copied - opened, 2),
        "report_s": round(reported - copied, 2),
        "checks_s": round(checked - reported, 2),
        "total_s": round(checked - started, 2),
        "rows_read": sum(stats.read.values()),
        "rows_per_s": round(sum(stats.read.values()) / (copied - opened)),
        "batches": stats.batches,
        "issues": stats.issues,
        "checks_ok": all(c.ok for c in checks),
        "checks": {c.name: c.detail for c in checks},
        "match_states": report.by_label(),
        "peak_rss_mb": round(rss_first / 1024, 1),
        "rerun_s": round(rerun_s, 2),
        "rerun_rows_read": sum(again.read.values()),
    }


def run_child(source: str, target: str, batch: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", source, target, "--batch", str(batch)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=20_000)
    parser.add_argument("--matches", type=int, default=500_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--pg", action="store_true", help="also import into PostgreSQL")
    parser.add_argument("--child", nargs=2, metavar=("SOURCE", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.batch)))
        return
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "load_at_start": os.getloadavg(),
        "batch_size": args.batch,
    }
    with tempfile.TemporaryDirectory() as tmp:
        source_path = Path(tmp) / "evoladderbot.db"
        t = time.perf_counter()
        results["old_rows"] = generate(source_path, args.players, args.matches)
        results["generate_s"] = round(time.perf_counter() - t, 1)
        results["old_db_mb"] = round(source_path.stat().st_size / 2**20, 1)
        print(f"old database: {results['old_rows']} ({results['old_db_mb']} MB) in {results['generate_s']} s")
        runs = {"sqlite": f"sqlite:///{Path(tmp) / 'ladder.db'}"}
        schema = None
        if args.pg:
            import psycopg

            schema = f"bench_import_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_BASE, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            runs["postgres"] = f"{PG_BASE}?options=-csearch_path%3D{schema}"
        try:
            for name, target in runs.items():
                got = run_child(f"sqlite:///{source_path}", target, args.batch)
                results[name] = got
                print(
                    f"{name:<9} total {got['total_s']:>6} s (copy {got['copy_s']} s, report {got['report_s']} s,"
                    f" checks {got['checks_s']} s)  {got['rows_per_s']:>7} rows/s  peak RSS {got['peak_rss_mb']} MB"
                    f"  checks {'ok' if got['checks_ok'] else 'FAILED'}  rerun {got['rerun_s']} s"
                )
        finally:
            if schema:
                with psycopg.connect(PG_BASE, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    results["load_at_end"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
