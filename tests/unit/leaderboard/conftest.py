"""Fixtures for the leaderboard tests: the old bot's 1,099-row MMR snapshot as index input."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from evoladder.domain.ids import PlayerId, RaceCode
from evoladder.domain.leaderboard import EntryRecord, PlayerRecord

SNAPSHOT = Path("reference/evoladderbot-data/mmrs_1v1_snapshot.csv")


@dataclass(frozen=True)
class Snapshot:
    entries: list[EntryRecord]
    players: list[PlayerRecord]
    now: datetime  # the latest last_played + 1 hour: every row is inside the 14-day window


def _when(text: str) -> datetime:
    # "2025-10-20 16:24:30+00" / "2025-10-21 00:47:55.350824+00": Postgres' short "+00" offset
    return datetime.fromisoformat(text + ":00" if text.endswith("+00") else text)


@pytest.fixture(scope="session")
def snapshot(shared_dir: Path) -> Snapshot:
    with (shared_dir / SNAPSHOT).open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    entries = [
        EntryRecord(
            entry_id=int(r["id"]),
            player_id=PlayerId(int(r["discord_uid"])),
            race=RaceCode(r["race"]),
            mmr=int(r["mmr"]),
            games_played=int(r["games_played"]),
            games_won=int(r["games_won"]),
            games_lost=int(r["games_lost"]),
            games_drawn=int(r["games_drawn"]),
            last_played=_when(r["last_played"]),
        )
        for r in rows
    ]
    # player_name is a stale per-row copy: 46 players have two. The board keeps one name per player:
    # the one on the player's most recently played row (ties: highest id); the others become
    # alternative names, so a search by an old name still finds the player.
    newest: dict[int, tuple[datetime, int, str]] = {}
    all_names: dict[int, set[str]] = {}
    for r, e in zip(rows, entries, strict=True):
        assert e.last_played is not None
        uid = int(r["discord_uid"])
        newest[uid] = max(
            newest.get(uid, (e.last_played, e.entry_id, r["player_name"])),
            (e.last_played, e.entry_id, r["player_name"]),
        )
        all_names.setdefault(uid, set()).add(r["player_name"])
    players = [
        PlayerRecord(PlayerId(uid), name, tuple(sorted(all_names[uid] - {name})))
        for uid, (_, _, name) in newest.items()
    ]
    latest = max(e.last_played for e in entries if e.last_played is not None)
    return Snapshot(entries, players, latest + timedelta(hours=1))
