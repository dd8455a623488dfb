"""Every filter and their combinations on a small board whose order is worked out by hand.

Board at NOW (entry id: player, race, MMR, last played):

    pos letter id  player            race          MMR   last played
    1   B      8   P4 Charlie US     sc2_terran    2100  -13 d
    2   B      1   P1 Alpha   DE     bw_zerg       2000  -1 d
    3   C      3   P2 Bravo   KR     bw_terran     1900  -1 d     } same MMR: latest game first,
    4   C      4   P2 Bravo   KR     sc2_zerg      1900  -3 d     } then the lower id (4 before 5)
    5   C      5   P3 alpine  DE     bw_protoss    1900  -3 d     }
    6   D      2   P1 Alpha   DE     sc2_terran    1800  -2 d
    7   D      6   P3 alpine  DE     sc2_protoss   1700  -5 d
    8   D      7   P4 Charlie US     bw_zerg       1600  -1 h
    9   E      9   P5 Delta   (none) bw_terran     1500  -14 d exactly: still ranked (inclusive)
    10  E      10  P5 Delta   (none) sc2_zerg      1400  -10 d

Unranked: 11 (P6 Echo KR, bw_zerg 2500, -15 d: inactive), 12 (P6, no games), 13 (P1 bw_terran,
0 games but a recent time: no games). Letters for n = 10: floors B..E 2 (2.1), S/A/F 0; remainder 2
-> D, C: B2 C3 D3 E2. Alternative names: P1 "Ace", P3 "Zed", P4 "Alfa", P5 "Ärger".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from evoladder.domain.ids import CountryCode, PlayerId, RaceCode
from evoladder.domain.leaderboard import BoardFilter, EntryRecord, Leaderboard, PlayerRecord, RankStatus
from evoladder.domain.ranks import Letter

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
PLAYERS = [
    PlayerRecord(PlayerId(1), "Alpha", ("Ace",), CountryCode("DE")),
    PlayerRecord(PlayerId(2), "Bravo", (), CountryCode("KR")),
    PlayerRecord(PlayerId(3), "alpine", ("Zed",), CountryCode("DE")),
    PlayerRecord(PlayerId(4), "Charlie", ("Alfa",), CountryCode("US")),
    PlayerRecord(PlayerId(5), "Delta", ("Ärger",), None),
    PlayerRecord(PlayerId(6), "Echo", (), CountryCode("KR")),
]
ROWS: list[tuple[int, int, str, int, int, datetime | None]] = [
    (1, 1, "bw_zerg", 2000, 10, NOW - DAY),
    (2, 1, "sc2_terran", 1800, 10, NOW - 2 * DAY),
    (3, 2, "bw_terran", 1900, 10, NOW - DAY),
    (4, 2, "sc2_zerg", 1900, 10, NOW - 3 * DAY),
    (5, 3, "bw_protoss", 1900, 10, NOW - 3 * DAY),
    (6, 3, "sc2_protoss", 1700, 10, NOW - 5 * DAY),
    (7, 4, "bw_zerg", 1600, 10, NOW - timedelta(hours=1)),
    (8, 4, "sc2_terran", 2100, 10, NOW - 13 * DAY),
    (9, 5, "bw_terran", 1500, 10, NOW - 14 * DAY),
    (10, 5, "sc2_zerg", 1400, 10, NOW - 10 * DAY),
    (11, 6, "bw_zerg", 2500, 10, NOW - 15 * DAY),
    (12, 6, "sc2_terran", 1500, 0, None),
    (13, 1, "bw_terran", 1000, 0, NOW - DAY),
]
ENTRIES = [
    EntryRecord(eid, PlayerId(pid), RaceCode(race), mmr, games, games // 2, games - games // 2, 0, lp)
    for eid, pid, race, mmr, games, lp in ROWS
]
SC2 = frozenset({RaceCode("sc2_terran"), RaceCode("sc2_zerg"), RaceCode("sc2_protoss")})


@pytest.fixture
def board() -> Leaderboard:
    return Leaderboard.build(ENTRIES, PLAYERS, NOW)


def ids(board: Leaderboard, f: BoardFilter, page: int = 1, page_size: int = 40) -> list[int]:
    return [row.entry_id for row in board.query(f, page, page_size, now=NOW).rows]


def test_unfiltered_order_positions_and_letters(board: Leaderboard) -> None:
    page = board.query(now=NOW)
    assert [r.entry_id for r in page.rows] == [8, 1, 3, 4, 5, 2, 6, 7, 9, 10]
    assert [r.position for r in page.rows] == list(range(1, 11))
    assert "".join(r.letter for r in page.rows) == "BBCCCDDDEE"
    assert (page.total_entries, page.total_pages, page.ranked_count) == (10, 1, 10)
    first = page.rows[0]
    assert (first.name, first.country, first.race, first.mmr) == ("Charlie", "US", "sc2_terran", 2100)
    assert (first.games_won, first.games_lost, first.games_drawn, first.win_rate) == (5, 5, 0, 0.5)
    assert page.rows[8].country is None


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (BoardFilter(countries=frozenset({CountryCode("DE")})), [1, 5, 2, 6]),
        (BoardFilter(countries=frozenset({CountryCode("DE"), CountryCode("KR")})), [1, 3, 4, 5, 2, 6]),
        (BoardFilter(countries=frozenset({CountryCode("ZZ")})), []),  # nobody from there
        (BoardFilter(races=frozenset({RaceCode("bw_zerg")})), [1, 7]),
        (BoardFilter(races=frozenset({RaceCode("bw_zerg"), RaceCode("sc2_zerg")})), [1, 4, 7, 10]),
        (BoardFilter(races=frozenset({RaceCode("no_such_race")})), []),
        (BoardFilter(letters=frozenset({Letter.C})), [3, 4, 5]),
        (BoardFilter(letters=frozenset({Letter.B, Letter.E})), [8, 1, 9, 10]),
        (BoardFilter(letters=frozenset({Letter.S, Letter.A})), []),  # no S or A at n = 10
        (BoardFilter(letters=frozenset({Letter.U})), []),  # unranked entries are not on the board
        (BoardFilter(letters=frozenset({Letter.B, Letter.C, Letter.D, Letter.E})), [8, 1, 3, 4, 5, 2, 6, 7, 9, 10]),
        (BoardFilter(best_race_only=True), [8, 1, 3, 5, 9]),
        (BoardFilter(best_race_only=True, races=SC2), [8, 4, 2, 6, 10]),
        # best race chosen AFTER the letter filter: P1's bw_zerg (B) is outside C/D, so its
        # sc2_terran (D) is its best row here; the same for P4's bw_zerg behind its B sc2_terran
        (BoardFilter(best_race_only=True, letters=frozenset({Letter.C, Letter.D})), [3, 5, 2, 7]),
        (BoardFilter(best_race_only=True, letters=frozenset({Letter.D}), races=frozenset({RaceCode("bw_zerg")})), [7]),
        (BoardFilter(best_race_only=True, letters=frozenset({Letter.B, Letter.D})), [8, 1, 6]),
        (BoardFilter(name_prefix="al"), [8, 1, 5, 2, 6, 7]),  # Alpha, alpine, and Charlie's alt "Alfa"
        (BoardFilter(name_prefix="AL", best_race_only=True), [8, 1, 5]),
        (BoardFilter(name_prefix="alp"), [1, 5, 2, 6]),
        (BoardFilter(name_prefix="  alpha  "), [1, 2]),  # trimmed
        (BoardFilter(name_prefix="ze"), [5, 6]),  # alt name
        (BoardFilter(name_prefix="äRG"), [9, 10]),  # case-folding beyond ASCII
        (BoardFilter(name_prefix="alphabet"), []),
        (BoardFilter(name_prefix="echo"), []),  # Echo has no ranked entry
        (
            BoardFilter(
                countries=frozenset({CountryCode("DE")}),
                races=frozenset({RaceCode("sc2_terran"), RaceCode("sc2_protoss")}),
                letters=frozenset({Letter.D}),
            ),
            [2, 6],
        ),
        (BoardFilter(countries=frozenset({CountryCode("KR")}), best_race_only=True, name_prefix="b"), [3]),
        (
            BoardFilter(countries=frozenset({CountryCode("US"), CountryCode("DE")}), races=SC2, best_race_only=True),
            [8, 2, 6],
        ),
    ],
)
def test_filters(board: Leaderboard, f: BoardFilter, expected: list[int]) -> None:
    page = board.query(f, now=NOW)
    assert [r.entry_id for r in page.rows] == expected
    assert page.total_entries == len(expected)
    assert page.ranked_count == 10


def test_rows_keep_global_positions_under_filters(board: Leaderboard) -> None:
    rows = board.query(BoardFilter(countries=frozenset({CountryCode("DE")})), now=NOW).rows
    assert [(r.position, r.letter) for r in rows] == [(2, Letter.B), (5, Letter.C), (6, Letter.D), (7, Letter.D)]


def test_pages(board: Leaderboard) -> None:
    assert ids(board, BoardFilter(), page=1, page_size=3) == [8, 1, 3]
    assert ids(board, BoardFilter(), page=4, page_size=3) == [10]
    for page in (5, 100, 0, -1):
        out = board.query(BoardFilter(), page, 3, now=NOW)
        assert (out.rows, out.total_entries, out.total_pages) == ((), 10, 4)
    letters = BoardFilter(letters=frozenset({Letter.B, Letter.D}))  # two separate runs of positions
    assert ids(board, letters, page=1, page_size=3) == [8, 1, 2]
    assert ids(board, letters, page=2, page_size=3) == [6, 7]
    empty = board.query(BoardFilter(countries=frozenset({CountryCode("ZZ")})), now=NOW)
    assert (empty.total_entries, empty.total_pages) == (0, 1)
    with pytest.raises(ValueError, match="page_size"):
        board.query(BoardFilter(), 1, 0, now=NOW)


def test_filter_values(board: Leaderboard) -> None:
    values = board.filter_values(now=NOW)
    assert values.countries == ("DE", "KR", "US")  # P5 has none; P6 (KR) is unranked but P2 is KR
    assert values.races == ("bw_protoss", "bw_terran", "bw_zerg", "sc2_protoss", "sc2_terran", "sc2_zerg")
    assert values.letters == (Letter.B, Letter.C, Letter.D, Letter.E)


def test_unranked_views(board: Leaderboard) -> None:
    inactive = board.entry_view(PlayerId(6), RaceCode("bw_zerg"), now=NOW)
    assert inactive is not None
    assert (inactive.status, inactive.letter, inactive.position, inactive.entry.mmr) == (
        RankStatus.INACTIVE,
        Letter.U,
        None,
        2500,
    )
    for pid, race in ((6, "sc2_terran"), (1, "bw_terran")):
        view = board.entry_view(PlayerId(pid), RaceCode(race), now=NOW)
        assert view is not None and view.status is RankStatus.NO_GAMES and view.ranked_until is None
    assert board.entry_view(PlayerId(99), RaceCode("bw_zerg"), now=NOW) is None
    assert board.entry_view(PlayerId(5), RaceCode("bw_zerg"), now=NOW) is None
    views = board.player_views(PlayerId(1), now=NOW)
    assert [(v.entry.entry_id, v.position) for v in views] == [(1, 2), (2, 6), (13, None)]
    edge = board.entry_view(PlayerId(5), RaceCode("bw_terran"), now=NOW)
    assert edge is not None and edge.position == 9 and edge.ranked_until == NOW
