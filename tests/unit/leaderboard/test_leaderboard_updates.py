"""Incremental changes: match results, admin adjustments, renames, time passing, and the build API."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from leaderboard_oracle import naive_page
from test_leaderboard_filters import ENTRIES, NOW, PLAYERS

from evoladder.domain.ids import CountryCode, PlayerId, RaceCode
from evoladder.domain.leaderboard import BoardBuild, BoardFilter, EntryRecord, Leaderboard, PlayerRecord, RankStatus
from evoladder.domain.ranks import Letter

BY_ID = {e.entry_id: e for e in ENTRIES}


@pytest.fixture
def board() -> Leaderboard:
    return Leaderboard.build(ENTRIES, PLAYERS, NOW)


def order(board: Leaderboard, now: datetime = NOW) -> list[int]:
    return [r.entry_id for r in board.query(page_size=100, now=now).rows]


def test_a_match_moves_both_entries_and_the_next_read_sees_it(board: Leaderboard) -> None:
    later = NOW + timedelta(minutes=5)
    # P5's sc2_zerg (last, 1400) beats P2's bw_terran (3rd, 1900): +/- 40
    winner = replace(BY_ID[10], mmr=1440, games_played=11, games_won=6, last_played=later)
    loser = replace(BY_ID[3], mmr=1860, games_played=11, games_lost=6, last_played=later)
    version = board.version
    board.upsert_entries([winner, loser])
    assert board.version > version
    # 5 minutes on, entry 9 (exactly 14 days old at NOW) has left the board
    assert order(board, later) == [8, 1, 4, 5, 3, 2, 6, 7, 10]
    assert order(board, later) == [
        r.entry_id for r in naive_page({**BY_ID, 10: winner, 3: loser}, {}, later, BoardFilter(), 1, 100).rows
    ]
    view = board.entry_view(PlayerId(2), RaceCode("bw_terran"), now=later)
    # n = 9: B..E 1.89 -> 1 each, sum 4, remainder 5 -> D C E B, then F(0) > S+A(0)? no -> F:
    # B2 C2 D2 E2 F1, so position 5 is the first D
    assert view is not None and (view.position, view.letter, view.entry.mmr) == (5, Letter.D, 1860)


def test_ties_resolve_by_latest_game_then_id(board: Leaderboard) -> None:
    # entry 5 climbs to 2000 with a game now: level with entry 1 (2000, -1 d) but more recent
    board.upsert_entry(replace(BY_ID[5], mmr=2000, last_played=NOW))
    assert order(board)[:3] == [8, 5, 1]
    # same MMR and same time as entry 5: the lower id wins
    board.upsert_entry(replace(BY_ID[1], last_played=NOW))
    assert order(board)[:3] == [8, 1, 5]


def test_admin_adjustment_and_new_race(board: Leaderboard) -> None:
    board.upsert_entry(replace(BY_ID[9], mmr=3000, last_played=NOW))  # admin adjust: MMR and time
    assert order(board)[0] == 9
    new = EntryRecord(20, PlayerId(2), RaceCode("sc2_protoss"), 1500, 1, 1, 0, 0, NOW)
    board.upsert_entry(new)
    assert order(board) == [9, 8, 1, 3, 4, 5, 2, 6, 7, 20, 10]
    assert board.ranked_count == 11 and len(board) == 14


def test_inactive_entry_returns_and_ranked_entry_can_leave(board: Leaderboard) -> None:
    board.upsert_entry(replace(BY_ID[11], last_played=NOW))  # Echo plays again after 15 days
    assert order(board)[0] == 11
    board.upsert_entry(replace(BY_ID[11], games_played=0))  # a correction: no games after all
    view = board.entry_view(PlayerId(6), RaceCode("bw_zerg"), now=NOW)
    assert view is not None and view.status is RankStatus.NO_GAMES
    assert order(board) == [8, 1, 3, 4, 5, 2, 6, 7, 9, 10]


def test_time_expires_entries_and_never_goes_back(board: Leaderboard) -> None:
    one_us = timedelta(microseconds=1)
    assert board.query(now=NOW + one_us).total_entries == 9  # entry 9 was exactly 14 days old
    assert board.query(now=NOW).total_entries == 9  # an earlier now counts as the latest seen
    assert board.now == NOW + one_us
    # 13 days later only the games of the last 24 hours are left (ids 1, 3, 7); 1 us more drops 1 and 3
    assert order(board, NOW + timedelta(days=13)) == [1, 3, 7]
    assert order(board, NOW + timedelta(days=13) + one_us) == [7]
    board.advance(NOW + timedelta(days=14, hours=1))
    assert board.ranked_count == 0
    assert board.query(now=NOW).rows == ()
    board.upsert_entry(replace(BY_ID[2], last_played=NOW + timedelta(days=14, hours=1)))
    page = board.query(now=NOW)
    assert [(r.entry_id, r.letter) for r in page.rows] == [(2, Letter.D)]  # alone: n = 1 is a D


def test_expired_then_replayed_entry_keeps_one_expiry(board: Leaderboard) -> None:
    # entry 7 keeps playing every 10 days for 60 days: it must stay ranked throughout
    for day in range(10, 70, 10):
        when = NOW + timedelta(days=day)
        board.upsert_entry(replace(BY_ID[7], last_played=when))
        for probe in (when, when + timedelta(days=9)):
            view = board.entry_view(PlayerId(4), RaceCode("bw_zerg"), now=probe)
            assert view is not None and view.status is RankStatus.RANKED
    assert order(board, NOW + timedelta(days=69)) == [7]
    assert board.query(now=NOW + timedelta(days=75)).total_entries == 0


def test_player_changes_follow_all_entries(board: Leaderboard) -> None:
    board.update_player(PlayerRecord(PlayerId(1), "Omega", ("Alphonse",), CountryCode("KR")))
    kr = board.query(BoardFilter(countries=frozenset({CountryCode("KR")})), now=NOW)
    assert [(r.entry_id, r.name) for r in kr.rows] == [(1, "Omega"), (3, "Bravo"), (4, "Bravo"), (2, "Omega")]
    assert [r.entry_id for r in board.query(BoardFilter(countries=frozenset({CountryCode("DE")})), now=NOW).rows] == [
        5,
        6,
    ]
    assert [r.entry_id for r in board.query(BoardFilter(name_prefix="alph"), now=NOW).rows] == [1, 2]  # alt name
    assert [r.entry_id for r in board.query(BoardFilter(name_prefix="alpho"), now=NOW).rows] == [1, 2]
    assert board.query(BoardFilter(name_prefix="alpha"), now=NOW).total_entries == 0  # the old name is gone
    board.update_player(PlayerRecord(PlayerId(1), "Omega", (), None))
    assert board.query(BoardFilter(name_prefix="alph"), now=NOW).total_entries == 0
    assert board.filter_values(now=NOW).countries == ("DE", "KR", "US")
    board.update_player(PlayerRecord(PlayerId(2), "Bravo", (), None))
    assert board.filter_values(now=NOW).countries == ("DE", "US")


def test_more_alternative_names_than_vectorised_slots(board: Leaderboard) -> None:
    board.update_player(PlayerRecord(PlayerId(4), "Charlie", ("One", "Two", "Three", "Four"), CountryCode("US")))
    assert [r.entry_id for r in board.query(BoardFilter(name_prefix="fou"), now=NOW).rows] == [8, 7]
    assert [r.entry_id for r in board.query(BoardFilter(name_prefix="tw"), now=NOW).rows] == [8, 7]
    long_name = "Abcdefghijklmn"  # prefixes past 8 characters are confirmed exactly
    board.update_player(PlayerRecord(PlayerId(5), long_name, (), None))
    assert board.query(BoardFilter(name_prefix="abcdefghijk"), now=NOW).total_entries == 2
    assert board.query(BoardFilter(name_prefix="abcdefghijx"), now=NOW).total_entries == 0
    board.update_player(PlayerRecord(PlayerId(3), "\U0001d504lpine", (), CountryCode("DE")))  # outside the BMP
    assert board.query(BoardFilter(name_prefix="\U0001d504l"), now=NOW).total_entries == 2
    assert board.query(BoardFilter(name_prefix="\U0001d505l"), now=NOW).total_entries == 0


def test_refused_changes_change_nothing(board: Leaderboard) -> None:
    before = board.query(now=NOW)
    with pytest.raises(ValueError, match="another player or race"):
        board.upsert_entry(replace(BY_ID[1], race=RaceCode("sc2_zerg")))
    with pytest.raises(ValueError, match="already has entry"):
        board.upsert_entry(replace(BY_ID[1], entry_id=99, mmr=3000))
    assert board.query(now=NOW) == before
    with pytest.raises(ValueError, match="timezone-aware"):
        board.query(now=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        EntryRecord(1, PlayerId(1), RaceCode("bw_zerg"), 1500, 1, 1, 0, 0, datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="int32"):
        EntryRecord(1, PlayerId(1), RaceCode("bw_zerg"), 2**31)


def test_an_empty_board_grows_from_upserts() -> None:
    board = Leaderboard(NOW)
    assert board.query(now=NOW) == board.query(now=NOW)
    assert board.query(now=NOW).total_pages == 1 and board.filter_values(now=NOW).letters == ()
    for e in ENTRIES:
        board.upsert_entry(e)
    for p in PLAYERS:
        board.update_player(p)
    built = Leaderboard.build(ENTRIES, PLAYERS, NOW)
    assert board.query(page_size=100, now=NOW) == built.query(page_size=100, now=NOW)


def test_step_build_equals_one_call_build_and_streams() -> None:
    build = BoardBuild(NOW, chunk=2, array_chunk=3)  # tiny units: every phase runs several steps
    phases = list(build.steps(ENTRIES, PLAYERS))
    assert phases[-1] == "done" and {"players", "entries", "sort", "order", "prec", "expiry"} <= set(phases)
    reference = Leaderboard.build(ENTRIES, PLAYERS, NOW)
    for f in (BoardFilter(), BoardFilter(best_race_only=True), BoardFilter(letters=frozenset({Letter.D}))):
        assert build.result().query(f, now=NOW) == reference.query(f, now=NOW)
    streamed = BoardBuild(NOW)
    streamed.add_entries(ENTRIES[:5])
    streamed.add_players(PLAYERS)  # players may arrive after some of their entries
    streamed.add_entries(ENTRIES[5:])
    with pytest.raises(RuntimeError, match="not finished"):
        streamed.result()
    assert streamed.run().query(now=NOW) == reference.query(now=NOW)
    with pytest.raises(RuntimeError, match="finished"):
        streamed.add_entries([])


def test_build_refuses_duplicates() -> None:
    with pytest.raises(ValueError, match="twice"):
        Leaderboard.build([*ENTRIES, ENTRIES[0]], PLAYERS, NOW)
    with pytest.raises(ValueError, match="two entries"):
        Leaderboard.build([*ENTRIES, replace(ENTRIES[0], entry_id=77)], PLAYERS, NOW)


def test_build_and_upserts_agree_far_from_the_epoch() -> None:
    old = datetime(1960, 1, 1, tzinfo=UTC)  # negative microseconds must order and expire the same way
    rows = [
        EntryRecord(i, PlayerId(i), RaceCode("bw_zerg"), 1500, 1, 1, 0, 0, old - timedelta(days=i))
        for i in range(1, 30)
    ]
    built = Leaderboard.build(rows, [], old)
    grown = Leaderboard(old)
    grown.upsert_entries(rows)
    for when in (old, old + timedelta(days=5)):
        assert built.query(now=when) == grown.query(now=when)
    assert built.ranked_count == 9  # days 1..14 minus the 5 expired


def test_a_banned_player_leaves_the_board_and_comes_back_when_unbanned(board: Leaderboard) -> None:
    before = order(board)
    p2 = [e for e in ENTRIES if e.player_id == PlayerId(2)]
    assert len(p2) >= 1 and any(e.entry_id in before for e in p2)
    version = board.version
    assert board.remove_player(PlayerId(2)) == len(p2)
    assert board.version > version
    assert order(board) == [eid for eid in before if eid not in {e.entry_id for e in p2}]
    assert board.player_views(PlayerId(2), now=NOW) == ()
    assert board.remove_player(PlayerId(2)) == 0  # a second ban changes nothing
    board.upsert_entries(p2)  # unban: the committed rows come back
    assert order(board) == before
