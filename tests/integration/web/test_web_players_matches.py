"""Player and match pages and their API: identity, standings, SVG chart, recent matches, head-to-head."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from web_support import Seeded, client_for

from evoladder.app import Ladder
from evoladder.domain.ids import MatchId
from evoladder.domain.replay_intake import ReplayStatus
from evoladder.store import replays as replay_store
from evoladder.web import WebOptions


async def public_id(client: httpx.AsyncClient, name: str) -> str:
    rows = (await client.get("/api/v1/leaderboard", params={"name": name})).json()["rows"]
    return str(rows[0]["player"]["id"])


async def test_player_api_has_standings_recent_matches_and_head_to_head(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    alpha = await public_id(client, "Alpha")
    r = await client.get(f"/api/v1/players/{alpha}")
    assert r.status_code == 200
    body = r.json()
    assert body["player"] == {
        "id": alpha, "name": "Alpha", "alt_names": [], "country": "KR", "region": "KRJ", "banned": False,
        "battletag": None,
    }  # fmt: skip
    zerg = next(x for x in body["races"] if x["race"] == "bw_zerg")
    assert (zerg["wins"], zerg["losses"], zerg["draws"], zerg["games_played"]) == (2, 1, 0, 3)
    assert zerg["status"] == "ranked" and zerg["position"] >= 1 and 0 <= zerg["percentile"] <= 100
    assert [m["outcome"] for m in body["recent_matches"]] == ["loss", "draw", "win", "win"]
    assert body["recent_matches"][0]["opponent"]["name"] == "Charlie"
    # head-to-head: Alpha vs Bravo = W2 D1 (3 games), vs Charlie = L1
    h2h = {h["opponent"]["name"]: (h["games"], h["wins"], h["losses"], h["draws"]) for h in body["head_to_head"]}
    assert h2h == {"Bravo": (3, 2, 0, 1), "Charlie": (1, 0, 1, 0)}
    assert body["head_to_head"][0]["opponent"]["name"] == "Bravo"  # most games first

    hist = (await client.get(f"/api/v1/players/{alpha}/history", params={"race": "bw_zerg"})).json()
    assert [len(r["points"]) for r in hist["races"]] == [3]
    assert hist["races"][0]["points"][-1]["mmr"] == zerg["mmr"]
    matches = (await client.get(f"/api/v1/players/{alpha}/matches", params={"limit": 2})).json()
    assert len(matches["matches"]) == 2 and matches["limit"] == 2

    for bad in ("nope", "aaaaaaaaaaaaa", "x" * 40):
        assert (await client.get(f"/api/v1/players/{bad}")).status_code in (404, 422)
    assert (await client.get("/players/aaaaaaaaaaaaa")).status_code == 404


async def test_player_page_draws_one_svg_chart_per_race_with_a_point_per_change(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    alpha = await public_id(client, "Alpha")
    history = (await client.get(f"/api/v1/players/{alpha}/history")).json()["races"]
    r = await client.get(f"/players/{alpha}")
    assert r.status_code == 200
    html = r.text
    assert "<h1>" in html and "Alpha" in html and "Recent matches" in html and "Head-to-head" in html
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) == len(history) == 2
    for race, svg in zip(history, svgs, strict=True):
        assert 'viewBox="0 0 ' in svg and 'width="100%"' in svg and 'role="img"' in svg and "<title" in svg
        points = re.search(r'<polyline[^>]*points="([^"]*)"', svg)
        assert points is not None
        assert len(points.group(1).split()) == len(race["points"])
    assert re.search(r'href="/matches/\d+"', html)
    assert r.headers["etag"] and r.headers["cache-control"] == "public, max-age=10"
    again = await client.get(f"/players/{alpha}", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


async def test_match_page_and_api_show_result_changes_and_replay_verdicts(
    client: httpx.AsyncClient, seeded: Seeded, ladder: Ladder
) -> None:
    mid = seeded.matches[0]
    data = b"MPQ\x1a" + b"replay-bytes" * 10
    stored = await ladder.replays.storage.put(data)
    verdict = {
        "overall": "warn",
        "reported_result": None,
        "checks": [
            {"check": "map", "verdict": "pass", "message_code": "map.ok", "message": "Played on Khione SEL."},
            {"check": "players", "verdict": "warn", "message_code": "players.unlinked",
             "message": f"toon 2-S2-1-424242 / {seeded.battletags[0]}", "details": {"toon": "2-S2-1-424242"}},
        ],
    }  # fmt: skip
    async with ladder.db.write() as conn:
        rec, _ = await replay_store.insert_upload(
            conn, sha256=stored.sha256, size_bytes=len(data), match_id=MatchId(mid), uploader_id=seeded.ids[0],
            uploaded_at=datetime(2026, 3, 10, 13, tzinfo=UTC),
        )  # fmt: skip
        await replay_store.finish(
            conn, rec.id, status=ReplayStatus.PARSED, parsed_at=datetime(2026, 3, 10, 13, tzinfo=UTC),
            summary={"players": [{"toon": "2-S2-1-424242"}]}, verdict=verdict,
        )  # fmt: skip

    body = (await client.get(f"/api/v1/matches/{mid}")).json()
    assert body["state"] == "completed" and body["result"] == "player_1" and body["map"] == "Khione SEL"
    assert body["player_1"]["player"]["name"] == "Alpha" and body["player_1"]["mmr_change"] > 0
    assert body["player_2"]["mmr_change"] < 0 and body["player_1"]["race"] == "bw_zerg"
    [replay] = body["replays"]
    assert replay["overall"] == "warn" and replay["download_url"] is None
    assert [(c["check"], c["verdict"]) for c in replay["checks"]] == [("map", "pass"), ("players", "warn")]
    assert "424242" not in (await client.get(f"/api/v1/matches/{mid}")).text

    page = await client.get(f"/matches/{mid}")
    assert page.status_code == 200
    assert "Match #" in page.text and "Khione SEL" in page.text and "Alpha won" in page.text
    assert "passed with a warning" in page.text and "Download the replay file" not in page.text
    assert (await client.get(f"/matches/{mid}/replays/{rec.id}/file")).status_code == 404

    async with client_for(ladder, WebOptions(replay_downloads=True, expect_replay_workers=False)) as allowed:
        link = (await allowed.get(f"/api/v1/matches/{mid}")).json()["replays"][0]["download_url"]
        assert link == f"/matches/{mid}/replays/{rec.id}/file"
        assert "Download the replay file" in (await allowed.get(f"/matches/{mid}")).text
        got = await allowed.get(link)
        assert got.status_code == 200 and got.content == data
        assert "attachment" in got.headers["content-disposition"]
        assert (await allowed.get(f"/matches/{seeded.matches[1]}/replays/{rec.id}/file")).status_code == 404

    assert (await client.get("/api/v1/matches/99999")).status_code == 404
    missing = await client.get("/matches/99999")
    assert missing.status_code == 404 and "There is nothing at this address." in missing.text
