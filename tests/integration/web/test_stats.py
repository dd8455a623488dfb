"""Ladder stats: the BW-vs-SC2 matrix, map win rates, matches per day, active players, the MMR
histogram and letter cut-offs, on seeded matches with hand-computed expectations (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from web_support import IDS, play, seed

from evoladder.app import Ladder
from evoladder.clock import ManualClock
from evoladder.domain.ids import PlayerId
from evoladder.services.matches import MatchRequest
from evoladder.services.stats import Matchup, rebin

A, B, C, D = IDS


async def _decided(ladder: Ladder, key: str, p1: PlayerId, r1: str, p2: PlayerId, r2: str, result: int,
                   map_name: str) -> int:  # fmt: skip
    m = await ladder.matches.create(MatchRequest(p1, r1, p2, r2, map_name, None, key))
    for pid in (p1, p2):
        await ladder.matches.confirm(m.id, pid)
    for pid in (p1, p2):
        await ladder.matches.report(m.id, pid, result)
    return m.id


@pytest.fixture
async def stats_ladder(ladder: Ladder, clock: ManualClock) -> tuple[Ladder, str, str]:
    """The shared seed (5 decided matches on 2026-03-10, all on Khione SEL) plus, on 2026-03-11:

    6. sc2_terran (A) vs bw_zerg (B) on map 2, player 2 (the BW side) wins
    7. sc2_terran (B) vs bw_zerg (C) on map 2, player 1 (the SC2 side) wins
    8. bw_zerg (A) vs sc2_zerg (D), aborted: not decided
    9. bw_protoss (C) vs sc2_protoss (D), still in progress: not decided
    """
    await seed(ladder, clock)
    pool = [m.name for m in ladder.pack.map_pool()]
    m1 = "Khione SEL"
    m2 = next(n for n in pool if n != m1)
    clock.advance(days=1, minutes=5)  # 2026-03-11 14:35
    await _decided(ladder, "s6", A, "sc2_terran", B, "bw_zerg", 2, m2)
    await _decided(ladder, "s7", B, "sc2_terran", C, "bw_zerg", 1, m2)
    aborted = await ladder.matches.create(MatchRequest(A, "bw_zerg", D, "sc2_zerg", m1, None, "s8"))
    await ladder.matches.abort(aborted.id, A)
    await ladder.matches.create(MatchRequest(C, "bw_protoss", D, "sc2_protoss", m1, None, "s9"))
    return ladder, m1, m2


def _cell(body: dict[str, Any], bw: str, sc2: str) -> dict[str, Any]:
    i = body["bw_races"].index(bw) * len(body["sc2_races"]) + body["sc2_races"].index(sc2)
    cell: dict[str, Any] = body["race_matrix"][i]
    assert (cell["bw_race"], cell["sc2_race"]) == (bw, sc2)
    return cell


def _counts(cell: dict[str, Any]) -> tuple[int, int, int, int]:
    return cell["games"], cell["bw_wins"], cell["sc2_wins"], cell["draws"]


async def test_race_matrix_is_oriented_from_the_bw_side(stats_ladder: tuple[Ladder, str, str],
                                                        client: httpx.AsyncClient) -> None:  # fmt: skip
    body = (await client.get("/api/v1/stats")).json()
    assert body["bw_races"] == ["bw_terran", "bw_zerg", "bw_protoss"]
    assert body["sc2_races"] == ["sc2_terran", "sc2_zerg", "sc2_protoss"]
    # Z1 v T2: seeds 1 and 2 (BW won), 6 (BW in slot 2 won), 7 (SC2 in slot 1 won)
    zt = _cell(body, "bw_zerg", "sc2_terran")
    assert _counts(zt) == (4, 3, 1, 0) and zt["bw_win_rate"] == 0.75
    low, high = zt["bw_win_rate_ci95"]
    assert 0 < low < 0.75 < high < 1
    assert _counts(_cell(body, "bw_protoss", "sc2_zerg")) == (1, 0, 0, 1)  # seed 3: a draw, BW in slot 1
    assert _counts(_cell(body, "bw_zerg", "sc2_protoss")) == (1, 0, 1, 0)  # seed 4: SC2 won
    assert _counts(_cell(body, "bw_terran", "sc2_terran")) == (1, 1, 0, 0)  # seed 5
    empty = _cell(body, "bw_protoss", "sc2_protoss")  # match 9 is in progress: not decided
    assert _counts(empty) == (0, 0, 0, 0) and empty["bw_win_rate"] is None and empty["bw_win_rate_ci95"] is None
    assert _counts(_cell(body, "bw_zerg", "sc2_zerg")) == (0, 0, 0, 0)  # match 8 was aborted
    assert _counts(body["overall"]) == (7, 4, 2, 1)
    assert body["same_game_games"] == 0


async def test_map_win_rates_by_matchup(stats_ladder: tuple[Ladder, str, str], client: httpx.AsyncClient) -> None:
    _, m1, m2 = stats_ladder
    body = (await client.get("/api/v1/stats")).json()
    assert [m["map"] for m in body["maps"]] == [m1, m2]  # most games first
    first, second = body["maps"]
    assert _counts(first["total"]) == (5, 3, 1, 1)
    assert _counts(second["total"]) == (2, 1, 1, 0) and second["total"]["bw_win_rate"] == 0.5
    order = [(m["bw_race"], m["sc2_race"]) for m in body["race_matrix"]]
    assert [(m["bw_race"], m["sc2_race"]) for m in second["matchups"]] == order
    on_m2 = {(m["bw_race"], m["sc2_race"]): _counts(m) for m in second["matchups"]}
    assert on_m2[("bw_zerg", "sc2_terran")] == (2, 1, 1, 0)
    assert sum(g for g, *_ in on_m2.values()) == 2
    on_m1 = {(m["bw_race"], m["sc2_race"]): _counts(m) for m in first["matchups"]}
    assert on_m1[("bw_zerg", "sc2_terran")] == (2, 2, 0, 0)


async def test_matches_per_day_and_active_players(stats_ladder: tuple[Ladder, str, str],
                                                  client: httpx.AsyncClient) -> None:  # fmt: skip
    body = (await client.get("/api/v1/stats", params={"days": 3})).json()
    assert body["days"] == 3
    days = [(d["day"], d["created"], d["decided"]) for d in body["matches_per_day"]]
    assert days == [("2026-03-09", 0, 0), ("2026-03-10", 5, 5), ("2026-03-11", 4, 2)]
    assert body["active_players_by_region"] == {"KRJ": 2, "EUW": 1, "NAE": 1}
    # over the last day only: D's last game was on the 10th (seed 5), the others played on the 11th
    day = (await client.get("/api/v1/stats", params={"days": 1})).json()
    assert [(d["day"], d["created"]) for d in day["matches_per_day"]] == [("2026-03-11", 4)]
    assert day["active_players_by_region"] == {"KRJ": 2, "EUW": 1}


async def test_histogram_and_letter_cutoffs_follow_the_live_board(stats_ladder: tuple[Ladder, str, str],
                                                                  client: httpx.AsyncClient) -> None:  # fmt: skip
    body = (await client.get("/api/v1/stats")).json()
    rows = (await client.get("/api/v1/leaderboard", params={"page_size": 500})).json()["rows"]
    mmrs = [r["mmr"] for r in rows]
    # ranked entries: A zerg1/zerg2/terran2, B terran2/protoss1/zerg1, C protoss2/terran1/zerg1, D terran2
    assert body["ranked_entries"] == len(rows) == 10
    hist = body["mmr_histogram"]
    assert sum(b["entries"] for b in hist["buckets"]) == 10
    for b in hist["buckets"]:
        assert b["high"] - b["low"] == hist["width"]
        assert b["entries"] == sum(b["low"] <= m < b["high"] for m in mmrs)
    # 10 ranked entries: S 0, A 0, B 2, C 3, D 3, E 2, F 0 (floor shares, remainder to D then C)
    cut = {c["letter"]: c for c in body["letter_cutoffs"]}
    assert [cut[x]["entries"] for x in "SABCDEF"] == [0, 0, 2, 3, 3, 2, 0]
    assert (cut["C"]["first_position"], cut["C"]["last_position"]) == (3, 5)
    for letter in "BCDE":
        c = cut[letter]
        assert c["top_mmr"] == mmrs[c["first_position"] - 1] and c["min_mmr"] == mmrs[c["last_position"] - 1]
        assert rows[c["last_position"] - 1]["letter"] == letter
    assert cut["S"]["min_mmr"] is None and cut["S"]["first_position"] is None


async def test_stats_are_cached_for_a_short_time(stats_ladder: tuple[Ladder, str, str], clock: ManualClock,
                                                 client: httpx.AsyncClient) -> None:  # fmt: skip
    ladder, *_ = stats_ladder
    state = client._transport.app.state.web  # type: ignore[attr-defined]
    first = await client.get("/api/v1/stats")
    assert first.headers["cache-control"] == "public, max-age=30"
    again = await client.get("/api/v1/stats", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    await play(ladder, "later", A, "bw_zerg", B, "sc2_terran", 1)
    assert (await client.get("/api/v1/stats")).json()["overall"]["games"] == 7  # still the cached figures
    assert state.stats.computed == 1
    clock.advance(seconds=31)
    fresh = (await client.get("/api/v1/stats")).json()
    assert fresh["overall"]["games"] == 8 and state.stats.computed == 2


async def test_stats_page_renders_accessible_localized_tables(stats_ladder: tuple[Ladder, str, str],
                                                              client: httpx.AsyncClient) -> None:  # fmt: skip
    page = await client.get("/stats")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "75%" in html  # Z1 v T2
    assert html.count('<rect class="bar"') >= 2  # the MMR histogram and matches per day
    assert 'class="marker"' in html  # letter cut-offs drawn on the histogram
    assert 'role="img"' in html and "<desc" in html
    ko = await client.get("/stats", params={"lang": "ko"})
    assert "래더 통계" in ko.text and "종족 상성" in ko.text
    client.cookies.clear()  # the switcher remembered Korean
    zh = await client.get("/stats", headers={"Accept-Language": "zh-CN"})
    assert "天梯统计" in zh.text


async def test_stats_parameters_are_validated(ladder: Ladder, client: httpx.AsyncClient) -> None:
    bad = await client.get("/api/v1/stats", params={"days": 0})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "days"]
    assert (await client.get("/api/v1/stats", params={"days": 91})).status_code == 422
    assert (await client.get("/stats", params={"days": "x"})).status_code == 422
    empty = (await client.get("/api/v1/stats")).json()  # an empty ladder has zeros, not errors
    assert empty["overall"]["games"] == 0 and empty["mmr_histogram"]["buckets"] == []
    assert len(empty["matches_per_day"]) == 14
    assert (await client.get("/stats")).status_code == 200


def test_rebin_picks_a_nice_width_and_fills_gaps() -> None:
    h = rebin([(1450, 2), (1475, 1), (1525, 3)], 25)
    assert h.width == 25 and h.buckets == ((1450, 2), (1475, 1), (1500, 0), (1525, 3))
    wide = rebin([(500, 1), (1510, 4), (2475, 2)], 25)
    assert wide.width == 100 and len(wide.buckets) <= 32 and wide.total == 7
    assert wide.buckets[0] == (500, 1) and dict(wide.buckets)[1500] == 4
    assert rebin([], 25).buckets == ()


def test_wilson_interval_narrows_with_the_sample() -> None:
    small = Matchup("bw_zerg", "sc2_terran", games=4, bw_wins=3, sc2_wins=1).bw_win_interval
    large = Matchup("bw_zerg", "sc2_terran", games=400, bw_wins=300, sc2_wins=100).bw_win_interval
    assert small is not None and large is not None
    assert small[1] - small[0] > large[1] - large[0] and large[0] < 0.75 < large[1]
