"""The embedded server: uvicorn on the ladder's loop, over a real socket, stopped by its owner."""

from __future__ import annotations

import socket

import httpx
import pytest

from evoladder.app import Ladder
from evoladder.web import WebOptions, create_app
from evoladder.web.server import WebServer


async def test_server_listens_on_the_loop_and_stops_cleanly(ladder: Ladder) -> None:
    server = WebServer(create_app(ladder, WebOptions(expect_replay_workers=False)), "127.0.0.1", 0)
    task = await server.start()
    try:
        assert server.port != 0 and server.url == f"http://127.0.0.1:{server.port}/"
        async with httpx.AsyncClient(base_url=server.url) as client:
            assert (await client.get("/healthz")).json()["status"] == "ok"
            assert (await client.get("/")).status_code == 200
    finally:
        await server.stop()
    assert task.done() and not task.cancelled() and task.exception() is None
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", server.port)) != 0  # nothing listens any more


async def test_a_taken_port_is_a_plain_os_error(ladder: Ladder) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = WebServer(create_app(ladder, WebOptions(expect_replay_workers=False)), "127.0.0.1", port)
        with pytest.raises(OSError):
            await server.start()
