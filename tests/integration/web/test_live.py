"""The live queue: the page without JavaScript, the JSON snapshot, Server-Sent Events over a real
socket (initial snapshot, a push after a join and after a wave, keep-alive, the stream cap,
disconnects and shutdown), and the new Prometheus series."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from web_support import IDS, Seeded

from evoladder.app import Ladder
from evoladder.services.queue import QueueRequest
from evoladder.web import WebOptions, create_app
from evoladder.web.server import WebServer
from evoladder.web.state import WebState

A, B, C, D = IDS


@pytest.fixture
async def server(ladder: Ladder) -> AsyncIterator[WebServer]:
    srv = WebServer(create_app(ladder, WebOptions(expect_replay_workers=False, max_live_streams=2)), "127.0.0.1", 0)
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


def _state(server: WebServer) -> WebState:
    state: WebState = server._server.config.app.state.web  # type: ignore[attr-defined]
    return state


async def _events(response: httpx.Response) -> AsyncIterator[tuple[str, str]]:
    """``(event, data)`` per SSE message; comments come out as ``(":", text)``."""
    event, data = "message", []
    async for line in response.aiter_lines():
        if line.startswith(":"):
            yield ":", line[1:].strip()
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        elif line == "" and data:
            yield event, "\n".join(data)
            event, data = "message", []


async def _next_snapshot(events: AsyncIterator[tuple[str, str]]) -> str:
    async with asyncio.timeout(5):
        async for event, data in events:
            if event == "snapshot":
                return data
    raise AssertionError("the stream ended")


def _waiting(html: str) -> int:
    found = re.search(r"Waiting: (\d+)", html)
    assert found, html[:300]
    return int(found.group(1))


async def test_page_works_without_javascript(seeded: Seeded, ladder: Ladder, client: httpx.AsyncClient) -> None:
    await ladder.queue.join(QueueRequest(A, bw_race="bw_zerg", sc2_race="sc2_terran"))
    page = await client.get("/live")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html = page.text
    assert "Waiting: 1" in html and 'data-events="/live/events"' in html and "/static/live.js" in html
    assert "<caption>" in html and 'scope="row"' in html
    ko = await client.get("/live", params={"lang": "ko"})
    assert "대기 중: 1명" in ko.text
    assert str(A) not in html  # the privacy rule holds here too
    js = await client.get("/static/live.js")
    assert js.status_code == 200 and "EventSource" in js.text


async def test_api_snapshot_has_queue_and_matches(seeded: Seeded, ladder: Ladder, client: httpx.AsyncClient) -> None:
    await ladder.queue.join(QueueRequest(A, bw_race="bw_zerg"))
    await ladder.queue.join(QueueRequest(B, sc2_race="sc2_terran"))
    body = (await client.get("/api/v1/live")).json()
    assert body["queue"]["waiting"] == 2
    assert body["queue"]["by_race"] == {"bw_zerg": 1, "sc2_terran": 1}
    assert body["queue"]["by_region"] == {"KRJ": 1, "EUW": 1}
    assert body["matches_in_progress"] == 0 and body["matches"] == []
    ladder.queue.inline_limit = 100  # pair in-process: no matcher process to spawn in a test
    await ladder.queue.join(QueueRequest(C, sc2_race="sc2_protoss"))
    await ladder.queue.leave(B)
    report = await ladder.queue.run_wave()
    assert len(report.created) == 1
    after = (await client.get("/api/v1/live")).json()
    assert after["queue"]["waiting"] == 0 and after["matches_in_progress"] == 1
    match = after["matches"][0]
    assert match["id"] == report.created[0] and {match["race_1"], match["race_2"]} == {"bw_zerg", "sc2_protoss"}
    assert str(A) not in str(after) and str(C) not in str(after)


async def test_sse_pushes_a_snapshot_then_updates_on_join_and_wave(seeded: Seeded, ladder: Ladder,
                                                                   server: WebServer) -> None:  # fmt: skip
    ladder.queue.inline_limit = 100
    async with httpx.AsyncClient(base_url=server.url) as client, client.stream("GET", "/live/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-store"
        events = _events(response)
        first = await _next_snapshot(events)
        assert _waiting(first) == 0 and "live-summary" in first
        await ladder.queue.join(QueueRequest(A, bw_race="bw_zerg"))
        assert _waiting(await _next_snapshot(events)) == 1
        await ladder.queue.join(QueueRequest(C, sc2_race="sc2_protoss"))
        assert _waiting(await _next_snapshot(events)) == 2
        report = await ladder.queue.run_wave()
        assert len(report.created) == 1
        after_wave = await _next_snapshot(events)
        assert _waiting(after_wave) == 0 and f'href="/matches/{report.created[0]}"' in after_wave
        assert _state(server).live.streams == 1


async def test_keep_alive_and_the_stream_cap(seeded: Seeded, ladder: Ladder, server: WebServer) -> None:
    hub = _state(server).live
    hub.keepalive_s = 0.2
    async with httpx.AsyncClient(base_url=server.url) as client:
        async with client.stream("GET", "/live/events") as one, client.stream("GET", "/live/events") as two:
            events = _events(one)
            await _next_snapshot(events)
            async with asyncio.timeout(3):
                kind, text = await anext(events)
            assert (kind, text) == (":", "keep-alive")  # nothing changed: a comment, not a repeated snapshot
            assert two.status_code == 200 and hub.streams == 2
            refused = await client.get("/live/events")
            assert refused.status_code == 503 and refused.headers["retry-after"] == "30"
        for _ in range(100):  # both clients went away: their slots come back
            if not hub.streams:
                break
            await asyncio.sleep(0.05)
        assert hub.streams == 0
        async with client.stream("GET", "/live/events") as again:
            assert again.status_code == 200
            await _next_snapshot(_events(again))


async def test_shutdown_ends_open_streams(seeded: Seeded, ladder: Ladder) -> None:
    srv = WebServer(create_app(ladder, WebOptions(expect_replay_workers=False)), "127.0.0.1", 0)
    await srv.start()
    async with httpx.AsyncClient(base_url=srv.url) as client, client.stream("GET", "/live/events") as response:
        events = _events(response)
        await _next_snapshot(events)
        async with asyncio.timeout(5):  # a stream that never hangs up must not hold the shutdown open
            await srv.stop()
        async with asyncio.timeout(5):
            async for _ in events:
                pass  # the server closed the stream
    assert srv.task is None


async def test_metrics_export_waves_queue_and_loop_lag(seeded: Seeded, ladder: Ladder, server: WebServer) -> None:
    ladder.queue.inline_limit = 100
    await ladder.queue.join(QueueRequest(A, bw_race="bw_zerg"))
    await ladder.queue.join(QueueRequest(C, sc2_race="sc2_protoss"))
    async with httpx.AsyncClient(base_url=server.url) as client:
        before = (await client.get("/metrics")).text
        assert 'evoladder_queue_waiting_by_race{race="bw_zerg"} 1.0' in before
        assert 'evoladder_queue_waiting_by_race{race="sc2_terran"} 0.0' in before
        assert "evoladder_queue_seconds_to_next_wave" in before
        await ladder.queue.run_wave()
        await asyncio.sleep(0.35)  # a few lag samples (every 0.1 s)
        async with client.stream("GET", "/live/events") as stream:
            await _next_snapshot(_events(stream))
        text = (await client.get("/metrics")).text
    assert "evoladder_wave_duration_seconds_count 1.0" in text
    assert "evoladder_wave_matcher_seconds_count 1.0" in text
    assert "evoladder_wave_matches_created_total 1.0" in text
    assert "evoladder_matches_created_total 1.0" in text
    assert 'evoladder_queue_waiting_by_race{race="bw_zerg"} 0.0' in text
    lag = re.search(r"^evoladder_event_loop_lag_seconds_count (\d+)", text, re.M)
    assert lag and float(lag.group(1)) >= 2
    assert 'route="/live/events"' not in text  # streams stay out of the latency histogram
    assert 'route="/metrics"' in text
