"""The web shows a localized "simulated players" banner on a demo ladder, and none on a real one."""

from __future__ import annotations

import httpx
import pytest

from evoladder.app import Ladder
from evoladder.services.demo_guard import DemoGuard
from evoladder.web import WebOptions, create_app


def client(ladder: Ladder) -> httpx.AsyncClient:
    app = create_app(ladder, WebOptions(expect_replay_workers=False))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ladder.test")


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "Demo ladder: simulated players."), ("ko", "데모 래더"), ("zh-Hans", "演示天梯")],
)
async def test_a_demo_ladder_shows_the_banner_in_the_pages_language(ladder: Ladder, lang: str, text: str) -> None:
    await DemoGuard(ladder.ctx).claim_for_demo()
    async with client(ladder) as c:
        page = await c.get("/", params={"lang": lang})
    assert page.status_code == 200
    assert 'class="demo-banner"' in page.text and text in page.text


async def test_a_real_ladder_has_no_banner(ladder: Ladder) -> None:
    async with client(ladder) as c:
        page = await c.get("/")
    assert page.status_code == 200
    assert "demo-banner" not in page.text and "Demo ladder" not in page.text
