"""A process killed between the report's writes and COMMIT leaves nothing behind; and the
completing report's database round trips are counted."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from evoladder.app import Ladder
from evoladder.config import Settings
from evoladder.domain.ids import PlayerId
from evoladder.domain.match import MatchState
from evoladder.services.matches import MatchRequest
from evoladder.store.tables import matches, ratings

P1, P2 = PlayerId(201), PlayerId(202)

KILLER = textwrap.dedent(
    """
    import asyncio, os, sys
    from evoladder.app import build
    from evoladder.config import Settings
    from evoladder.domain.ids import PlayerId

    async def main():
        ladder = build(Settings(database_url=sys.argv[1], rating_model="elo", _env_file=None))
        await ladder.start(expiry_interval_s=3600, run_waves=False)
        async def die(conn):
            sys.stdout.write("writes sent; dying before COMMIT\\n"); sys.stdout.flush()
            os._exit(137)
        ladder.db.before_commit = die
        await ladder.matches.report(int(sys.argv[2]), PlayerId(int(sys.argv[3])), 1)

    asyncio.run(main())
    """
)


async def _ready_match(ladder: Ladder, new_player: Any) -> int:
    await new_player(ladder, P1, "EUW")
    await new_player(ladder, P2, "EUE")
    m = await ladder.matches.create(MatchRequest(P1, "bw_terran", P2, "sc2_protoss", "Khione SEL", None, "c"))
    await ladder.matches.confirm(m.id, P1)
    await ladder.matches.confirm(m.id, P2)
    await ladder.matches.report(m.id, P1, 1)
    return m.id


async def test_killed_process_applies_neither_result_nor_mmr(
    ladder: Ladder, settings: Settings, new_player: Any
) -> None:
    match_id = await _ready_match(ladder, new_player)
    proc = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", KILLER, settings.effective_database_url, str(match_id), str(P2)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 137, proc.stderr
    assert "dying before COMMIT" in proc.stdout
    async with ladder.db.read() as conn:
        row = (await conn.execute(select(matches).where(matches.c.id == match_id))).mappings().one()
        mmrs = (await conn.execute(select(ratings.c.mmr, ratings.c.games_played))).all()
    assert row["state"] == "in_progress" and row["report2"] is None and row["result"] is None
    assert sorted(tuple(r) for r in mmrs) == [(1500, 0), (1500, 0)]
    done = await ladder.matches.report(match_id, P2, 1)  # the survivor can still finish it
    assert done.state is MatchState.COMPLETED


@contextmanager
def counting(ladder: Ladder) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement.split()[0].upper())

    def on_commit(conn: Any) -> None:
        statements.append("COMMIT")

    target = ladder.db.engine.sync_engine
    event.listen(target, "before_cursor_execute", before)
    event.listen(target, "commit", on_commit)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", before)
        event.remove(target, "commit", on_commit)


async def test_completing_report_round_trips(ladder: Ladder, new_player: Any) -> None:
    match_id = await _ready_match(ladder, new_player)
    with counting(ladder) as statements:
        done = await ladder.matches.report(match_id, P2, 1)
    assert done.state is MatchState.COMPLETED
    writes = [s for s in statements if s in ("UPDATE", "INSERT", "DELETE")]
    reads = [s for s in statements if s == "SELECT"]
    # compare-and-set on the match, both ratings in one statement, both busy flags in one statement
    assert writes == ["UPDATE", "UPDATE", "UPDATE"]
    assert reads == []  # the active match and the players come from memory
    assert statements.count("COMMIT") == 1
