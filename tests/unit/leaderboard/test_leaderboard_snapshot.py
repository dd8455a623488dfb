"""The old bot's MMR snapshot as a board, with expectations checked by hand (and with a separate
Polars sort of the CSV while writing this test, not with this code).

The CSV has 1,099 data rows (not 1,098: its last line has no newline) for 263 players. 16 rows have
0 games. ``player_name`` is a per-row copy and 46 players have two; a player is shown under the name
of its most recently played row, and the other name is an alternative name. Every ``last_played``
is between 2025-10-20 16:24:30 and 2025-10-25 00:18:40 UTC, so with ``now`` = latest + 1 h all of
them are inside the window: 1,099 - 16 = 1,083 ranked entries.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import Snapshot
from evoladder.domain.ids import PlayerId, RaceCode
from evoladder.domain.leaderboard import BoardFilter, Leaderboard, RankStatus
from evoladder.domain.ranks import Letter

BIG_BATCH = datetime(2025, 10, 21, 0, 47, 55, 350824, tzinfo=UTC)  # 870 rows share this exact time


def board_of(snapshot: Snapshot) -> Leaderboard:
    return Leaderboard.build(snapshot.entries, snapshot.players, snapshot.now)


def test_counts_and_letters(snapshot: Snapshot) -> None:
    board = board_of(snapshot)
    assert len(snapshot.entries) == len(board) == 1099
    page = board.query(now=snapshot.now)
    assert page.ranked_count == page.total_entries == 1083
    assert page.total_pages == 28  # ceil(1083 / 40)
    # 1083: floors S10 A75 B..E 227 F86 = 1079; remainder 4 -> D, C, E, B
    expected = {Letter.S: 10, Letter.A: 75, Letter.B: 228, Letter.C: 228, Letter.D: 228, Letter.E: 228, Letter.F: 86}
    for letter, count in expected.items():
        assert board.query(BoardFilter(letters=frozenset({letter})), now=snapshot.now).total_entries == count


def test_top_three_boundaries_and_last(snapshot: Snapshot) -> None:
    board = board_of(snapshot)
    rows = board.query(now=snapshot.now).rows
    top = [(r.position, r.entry_id, r.name, r.race, r.mmr, r.letter) for r in rows[:3]]
    assert top == [
        (1, 1146, "ExaGamma", "sc2_zerg", 2480, Letter.S),
        (2, 1309, "Tera", "sc2_zerg", 2447, Letter.S),
        (3, 493, "Gamma", "sc2_protoss", 2440, Letter.S),  # its older rows say "ProtossPylon"
    ]
    assert (rows[9].position, rows[9].entry_id, rows[9].letter) == (10, 1303, Letter.S)  # last S
    assert (rows[10].position, rows[10].entry_id, rows[10].letter) == (11, 1345, Letter.A)  # first A
    last = board.query(page=28, now=snapshot.now).rows
    assert len(last) == 1083 - 27 * 40 == 3
    assert (last[-1].position, last[-1].entry_id, last[-1].name, last[-1].mmr, last[-1].letter) == (
        1083,
        1105,
        "HeroLord",
        800,
        Letter.F,
    )


def test_tie_at_1775_breaks_by_last_played_then_id(snapshot: Snapshot) -> None:
    board = board_of(snapshot)
    rows = board.query(page=10, now=snapshot.now).rows  # positions 361..400
    tie = [(r.position, r.entry_id) for r in rows if r.mmr == 1775]
    # four rows of the big batch (same microsecond) by id ascending, then 16:24:59, then 16:24:46
    assert tie == [(376, 851), (377, 1168), (378, 1342), (379, 1558), (380, 518), (381, 469)]


def test_filters_on_the_snapshot(snapshot: Snapshot) -> None:
    board, now = board_of(snapshot), snapshot.now
    bw_zerg = board.query(BoardFilter(races=frozenset({RaceCode("bw_zerg")})), now=now)
    assert bw_zerg.total_entries == 175
    assert [(r.position, r.entry_id, r.name) for r in bw_zerg.rows[:2]] == [(40, 1375, "Mega"), (46, 1017, "TeraZetta")]
    best = board.query(BoardFilter(best_race_only=True), now=now)
    assert best.total_entries == 256  # players with at least one ranked entry
    assert [r.entry_id for r in best.rows[:4]] == [1146, 1309, 493, 753]
    giga = board.query(BoardFilter(name_prefix="gIGA"), now=now)
    assert giga.total_entries == 77
    assert [(r.position, r.name) for r in giga.rows[:3]] == [(28, "GigaTera"), (80, "GigaPeta"), (90, "GigaZetta")]
    giga_best = board.query(BoardFilter(name_prefix="giga", best_race_only=True), now=now)
    assert giga_best.total_entries == 17
    # "ProtossPylon" is nobody's current name, only an old (alternative) name of three players
    old_name = board.query(BoardFilter(name_prefix="protossp"), now=now)
    assert old_name.total_entries == 16
    old_best = board.query(BoardFilter(name_prefix="PROTOSSP", best_race_only=True), now=now)
    assert [(r.position, r.player_id, r.name) for r in old_best.rows] == [
        (3, 100000022, "Gamma"),
        (112, 100000040, "Legend"),
        (513, 100000026, "Tera"),
    ]
    values = board.filter_values(now=now)
    assert values.countries == ()  # the snapshot has no countries
    assert values.races == ("bw_protoss", "bw_terran", "bw_zerg", "sc2_protoss", "sc2_terran", "sc2_zerg")
    assert values.letters == (Letter.S, Letter.A, Letter.B, Letter.C, Letter.D, Letter.E, Letter.F)


def test_window_moves_with_now(snapshot: Snapshot) -> None:
    board = board_of(snapshot)
    # exactly 14 days after the big batch it is still in (inclusive): 883 ranked rows
    edge = BIG_BATCH + timedelta(days=14)
    assert board.query(now=edge).total_entries == 883
    # S 8.83 -> 8, A 61.81 -> 61, B..E 185.43 -> 185, F 70.64 -> 70; sum 879, remainder 4 -> D C E B
    assert board.query(BoardFilter(letters=frozenset({Letter.B})), now=edge).total_entries == 186
    # one microsecond later the batch is gone: 13 rows played later remain
    after = board.query(now=edge + timedelta(microseconds=1))
    assert after.total_entries == 13
    assert after.rows[0].entry_id == 2648
    view = board.entry_view(PlayerId(100000135), RaceCode("sc2_zerg"), now=edge)
    assert view is not None and view.status is RankStatus.INACTIVE and view.position is None
    assert view.letter is Letter.U and view.entry.mmr == 2480  # unranked still shows its MMR


def test_entry_view_on_the_snapshot(snapshot: Snapshot) -> None:
    board = board_of(snapshot)
    view = board.entry_view(PlayerId(100000135), RaceCode("sc2_zerg"), now=snapshot.now)
    assert view is not None
    assert (view.position, view.letter, view.status, view.ranked_count) == (1, Letter.S, RankStatus.RANKED, 1083)
    assert view.top_percent == 100 / 1083
    assert view.percentile == 100 * 1082 / 1083
    assert view.ranked_until == BIG_BATCH + timedelta(days=14)
    no_games = board.entry_view(PlayerId(218147282875318274), RaceCode("bw_terran"), now=snapshot.now)
    assert no_games is not None and no_games.status is RankStatus.NO_GAMES and no_games.position is None
    assert board.entry_view(PlayerId(100000135), RaceCode("no_such_race"), now=snapshot.now) is None
