"""A deliberately naive leaderboard: the rules written out the slow, obvious way.

Used as the reference the real index must match exactly. It shares no code with the index except
``allocate_rank_counts`` (itself pinned on hand-computed values) and the value types.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from evoladder.domain.leaderboard import BoardFilter, BoardRow, EntryRecord, Page, PlayerRecord
from evoladder.domain.ranks import RANKED_LETTERS, Letter, allocate_rank_counts

WINDOW = timedelta(days=14)


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold()).strip()


def is_ranked(entry: EntryRecord, now: datetime) -> bool:
    return entry.games_played >= 1 and entry.last_played is not None and now - entry.last_played <= WINDOW


def ranked_order(entries: dict[int, EntryRecord], now: datetime) -> list[EntryRecord]:
    ranked = [e for e in entries.values() if is_ranked(e, now)]
    # three stable sorts, least significant first: id asc, then last played desc, then MMR desc
    ranked.sort(key=lambda e: e.entry_id)
    ranked.sort(key=lambda e: e.last_played, reverse=True)  # type: ignore[arg-type, return-value]
    ranked.sort(key=lambda e: e.mmr, reverse=True)
    return ranked


def letters_by_position(n: int) -> list[Letter]:
    counts = allocate_rank_counts(n)
    out: list[Letter] = []
    for letter in RANKED_LETTERS:
        out.extend([letter] * counts[letter])
    return out


def player_of(players: dict[int, PlayerRecord], pid: int) -> PlayerRecord:
    return players.get(pid) or PlayerRecord(pid, str(pid))  # type: ignore[arg-type]


def naive_rows(
    entries: dict[int, EntryRecord], players: dict[int, PlayerRecord], now: datetime, f: BoardFilter
) -> list[BoardRow]:
    order = ranked_order(entries, now)
    letters = letters_by_position(len(order))
    prefix = fold(f.name_prefix)
    rows: list[BoardRow] = []
    for k, e in enumerate(order):
        p = player_of(players, e.player_id)
        if f.countries and p.country not in f.countries:
            continue
        if f.races and e.race not in f.races:
            continue
        if f.letters and letters[k] not in f.letters:
            continue
        if prefix and not any(fold(name).startswith(prefix) for name in (p.name, *p.alt_names)):
            continue
        assert e.last_played is not None
        rows.append(
            BoardRow(
                position=k + 1,
                letter=letters[k],
                entry_id=e.entry_id,
                player_id=e.player_id,
                name=p.name,
                country=p.country,
                race=e.race,
                mmr=e.mmr,
                games_played=e.games_played,
                games_won=e.games_won,
                games_lost=e.games_lost,
                games_drawn=e.games_drawn,
                win_rate=e.games_won / e.games_played,
                last_played=e.last_played,
            )
        )
    if f.best_race_only:
        seen: set[int] = set()
        best = []
        for row in rows:
            if row.player_id not in seen:
                seen.add(row.player_id)
                best.append(row)
        rows = best
    return rows


def naive_page(
    entries: dict[int, EntryRecord],
    players: dict[int, PlayerRecord],
    now: datetime,
    f: BoardFilter,
    page: int = 1,
    page_size: int = 40,
) -> Page:
    rows = naive_rows(entries, players, now, f)
    total = len(rows)
    chosen = rows[(page - 1) * page_size : page * page_size] if page >= 1 else []
    return Page(
        rows=tuple(chosen),
        page=page,
        page_size=page_size,
        total_entries=total,
        total_pages=max(1, (total + page_size - 1) // page_size),
        ranked_count=len(ranked_order(entries, now)),
    )
