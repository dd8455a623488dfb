"""No private field in any response; health, readiness and metrics; the language of the pages."""

from __future__ import annotations

import re

import httpx
from prometheus_client.parser import text_string_to_metric_families
from web_support import Seeded, client_for, play

from evoladder.app import Ladder
from evoladder.web import WebOptions


async def every_read(client: httpx.AsyncClient, seeded: Seeded) -> list[httpx.Response]:
    board = (await client.get("/api/v1/leaderboard")).json()
    ids = sorted({row["player"]["id"] for row in board["rows"]})
    paths = ["/", "/?best_race=true", "/api/v1/leaderboard", "/api/v1/queue", "/openapi.json", "/readyz", "/metrics"]
    for pid in ids:
        paths += [f"/players/{pid}", f"/api/v1/players/{pid}", f"/api/v1/players/{pid}/history",
                  f"/api/v1/players/{pid}/matches"]  # fmt: skip
    for mid in seeded.matches:
        paths += [f"/matches/{mid}", f"/api/v1/matches/{mid}"]
    responses = [await client.get(p) for p in paths]
    assert [r.request.url.path for r in responses if r.status_code != 200] == []
    return responses


async def test_no_response_carries_a_discord_id_battletag_or_username(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    responses = await every_read(client, seeded)
    assert len(responses) > 20
    for r in responses:
        for secret in seeded.secrets():
            assert secret not in r.text, (r.request.url.path, secret)
            assert secret not in str(r.headers), (r.request.url.path, secret)


async def test_battletags_appear_only_when_the_ladder_publishes_them(ladder: Ladder, seeded: Seeded) -> None:
    async with client_for(ladder, WebOptions(publish_battletags=True, expect_replay_workers=False)) as c:
        rows = (await c.get("/api/v1/leaderboard", params={"name": "Alpha"})).json()["rows"]
        body = (await c.get(f"/api/v1/players/{rows[0]['player']['id']}")).json()
        assert body["player"]["battletag"] == seeded.battletags[0]
        assert str(seeded.ids[0]) not in (await c.get(f"/players/{rows[0]['player']['id']}")).text


async def test_public_ids_are_stable_across_apps_and_players_without_setup_are_hidden(
    ladder: Ladder, seeded: Seeded, client: httpx.AsyncClient
) -> None:
    first = (await client.get("/api/v1/leaderboard")).json()["rows"]
    async with client_for(ladder) as other:
        assert (await other.get("/api/v1/leaderboard")).json()["rows"] == first
    await ladder.players.ensure(310000000000000099, "notsetupyet")
    codec = await client._transport.app.state.web.public_ids.start()  # type: ignore[attr-defined]
    hidden = codec.encode(310000000000000099)
    assert (await client.get(f"/api/v1/players/{hidden}")).status_code == 404
    assert "notsetupyet" not in (await client.get(f"/players/{hidden}")).text


async def test_health_readiness_and_metrics(ladder: Ladder, seeded: Seeded, client: httpx.AsyncClient) -> None:
    live = await client.get("/healthz")
    assert live.status_code == 200 and live.json() == {"status": "ok", "checks": {}}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"]["status"] == "ok"
    assert ready.json()["checks"]["replay_workers"]["status"] == "not_run_here"
    async with client_for(ladder, WebOptions(expect_replay_workers=True)) as strict:
        down = await strict.get("/readyz")  # this test ladder does not run the replay parsers
        assert down.status_code == 503 and down.json()["checks"]["replay_workers"]["status"] == "down"

    a, b = seeded.ids[:2]
    await play(ladder, "metrics-1", a, "bw_zerg", b, "sc2_terran", 1)
    await client.get("/api/v1/leaderboard")
    text = (await client.get("/metrics")).text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert families["evoladder_matches_created"].samples[0].value == 1  # created after the app was built
    assert families["evoladder_queue_waiting"].samples[0].value == 0
    assert families["evoladder_leaderboard_ranked_entries"].samples[0].value == 7
    assert "evoladder_replays_parsed" in families and "evoladder_replays_failed" in families
    latency = families["evoladder_http_request_duration_seconds"]
    routes = {s.labels.get("route") for s in latency.samples}
    assert "/api/v1/leaderboard" in routes and "/healthz" in routes
    assert any(s.name.endswith("_bucket") for s in latency.samples)


async def test_openapi_documents_the_api(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    player = "/api/v1/players/{public_id}"
    for path in ("/api/v1/leaderboard", player, f"{player}/history", f"{player}/matches", "/api/v1/matches/{match_id}",
                 "/api/v1/queue", "/readyz"):  # fmt: skip
        assert path in spec["paths"], path
    assert "/players/{public_id}" not in spec["paths"]  # HTML pages are not API
    row = spec["components"]["schemas"]["PlayerRef"]["properties"]
    assert set(row) == {"id", "name", "country"}


async def test_language_from_accept_language_switcher_and_cookie(client: httpx.AsyncClient, seeded: Seeded) -> None:
    ko = await client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert '<html lang="ko">' in ko.text and "순위표" in ko.text and "스1 저그" in ko.text
    zh_low = await client.get("/", headers={"Accept-Language": "fr, zh-CN;q=0.5"})
    assert '<html lang="zh-Hans">' in zh_low.text and "排行榜" in zh_low.text
    tw = await client.get("/", headers={"Accept-Language": "zh-TW"})
    assert '<html lang="en">' in tw.text

    switched = await client.get("/?lang=zh-Hans", headers={"Accept-Language": "ko"})
    assert "排行榜" in switched.text and switched.cookies.get("lang") == "zh_Hans"
    remembered = await client.get("/", headers={"Accept-Language": "ko"})  # the client kept the cookie
    assert "排行榜" in remembered.text
    client.cookies.clear()
    links = re.findall(r'<a href="([^"]*)" hreflang="([^"]+)"', ko.text)
    assert {tag for _, tag in links} == {"en", "ko", "zh-Hans", "es-419", "ru"}
    match = await client.get(f"/matches/{seeded.matches[0]}", headers={"Accept-Language": "ko"})
    assert "경기 #" in match.text
    missing = await client.get("/players/aaaaaaaaaaaaa", headers={"Accept-Language": "ko"})
    assert missing.status_code == 404 and "이 주소에는 아무것도 없습니다." in missing.text


async def test_latin_american_spanish_from_accept_language_and_the_switcher(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    es = await client.get("/", headers={"Accept-Language": "es-419,es;q=0.9,en;q=0.5"})
    assert '<html lang="es-419">' in es.text and "Clasificación" in es.text and "Jugadores clasificados" in es.text
    assert "Español (Latinoamérica)" in es.text
    mexico = await client.get("/", headers={"Accept-Language": "es-MX"})
    assert '<html lang="es-419">' in mexico.text
    match = await client.get(f"/matches/{seeded.matches[0]}", headers={"Accept-Language": "es-419"})
    assert "Partida #" in match.text
    switched = await client.get("/?lang=es-419", headers={"Accept-Language": "ko"})
    assert "Clasificación" in switched.text and switched.cookies.get("lang") == "es_419"
    client.cookies.clear()
    missing = await client.get("/players/aaaaaaaaaaaaa", headers={"Accept-Language": "es"})
    assert missing.status_code == 404 and "No hay nada en esta dirección." in missing.text
