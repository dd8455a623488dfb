"""Time the stats aggregates (``store/stats.py``) on PostgreSQL with N synthetic decided matches.

``uv run python bench/bench_stats.py 1000000`` (needs the test PostgreSQL at 127.0.0.1:5432; uses a
throw-away schema). 20k players with two rated races each; matches spread over 90 days and 8 maps.
Prints each statement's time, three runs.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from evoladder.store import stats as st
from evoladder.store.schema import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from services_support import postgres_schema

PLAYERS = """
INSERT INTO players (id, in_game_name, region, tos_accepted, is_banned, created_at, updated_at, version)
SELECT g, 'p' || g, (ARRAY['KRJ', 'EUW', 'NAE', 'SEA'])[1 + g % 4], true, false, now(), now(), 1
FROM generate_series(1, 20000) g
"""
RATINGS = """
INSERT INTO ratings (player_id, race, mmr, games_played, games_won, games_lost, games_drawn, last_played)
SELECT g, r, 1000 + (random() * 1000)::int, 5, 2, 2, 1, now() - make_interval(hours => (random() * 480)::int)
FROM generate_series(1, 20000) g, unnest(ARRAY['bw_zerg', 'sc2_terran']) r
"""
MATCHES = """
INSERT INTO matches (idempotency_key, player1_id, player2_id, race1, race2, mmr1, mmr2, map_name, server, state,
                     result, counted, rating_model, created_at, confirm_deadline, version)
SELECT 'k' || g, 1 + g % 20000, 1 + (g + 1) % 20000,
       (ARRAY['bw_zerg', 'bw_terran', 'bw_protoss'])[1 + g % 3],
       (ARRAY['sc2_zerg', 'sc2_terran', 'sc2_protoss'])[1 + (g / 3) % 3],
       1500, 1500, 'M' || (1 + g % 8), 'KR', 'completed', g % 3, true, 'elo',
       now() - make_interval(days => g % 90), now(), 1
FROM generate_series(1, :n) g
"""


async def main(url: str, n: int) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        for statement in (PLAYERS, RATINGS):
            await conn.execute(text(statement))
        await conn.execute(text(MATCHES), {"n": n})
        await conn.execute(text("ANALYZE"))
    now = datetime.now(UTC)
    since = now - timedelta(days=14)
    for _ in range(3):
        times: dict[str, float] = {}
        async with engine.connect() as conn:
            for name, read in (
                ("matches_per_day", st.matches_per_day(conn, since)),
                ("active_by_region", st.active_by_region(conn, since)),
                ("outcomes_by_map", st.outcomes_by_map(conn)),
                ("mmr_buckets", st.mmr_buckets(conn, width=25, active_since=since)),
            ):
                started = time.perf_counter()
                await read
                times[name] = (time.perf_counter() - started) * 1000
        parts = ", ".join(f"{k} {v:.0f} ms" for k, v in times.items())
        print(f"matches={n}: {parts}, total {sum(times.values()):.0f} ms")
    await engine.dispose()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with postgres_schema() as url:
        upgrade(url)
        asyncio.run(main(url, count))
