"""The site in a real browser (Debian's chromium via Playwright) over a seeded ladder served by uvicorn:
the leaderboard and its filters in the URL, paging, a player's chart, a match, the live queue panel
pushed over SSE, the language switcher. Each page leaves a screenshot in test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from evoladder.i18n import Catalogs, Locale
from evoladder.services.queue import QueueRequest
from served_ladder import FIRST_ID, ServedLadder
from services_support import postgres_schema

pytestmark = pytest.mark.browser

CATALOGS = Catalogs.load()
SNOWFLAKE = str(FIRST_ID)[:12]  # every seeded Discord id starts with this; no page may show it


def t(key: str, locale: Locale = Locale.EN, **values: object) -> str:
    return CATALOGS.t(locale, key, **values)


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def api(page: Any, served: ServedLadder, path: str) -> Any:
    response = page.request.get(served.url + path)
    assert response.status == 200, (path, response.status)
    return response.json()


def board_names(page: Any) -> list[str]:
    """The players of the board's rows, in order, as the public ids their links point to."""
    links = page.locator("table.board tbody tr th[scope=row] a")
    return [href.rsplit("/", 1)[1] for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))")]


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["player"]["id"] for row in rows]


def query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def private(page: Any) -> None:
    assert SNOWFLAKE not in page.content(), "a Discord id reached the page"


def test_leaderboard_filters_live_in_the_url(page: Any, served: ServedLadder, shot: Any) -> None:
    page.goto(served.url + "/")
    expect(page.locator("h1")).to_have_text(t("web.leaderboard.title"))
    everyone = api(page, served, "/api/v1/leaderboard")
    assert board_names(page) == ids(everyone["rows"])
    assert len(board_names(page)) > 10
    private(page)
    shot(page, "leaderboard")

    page.check("input[name=race][value=bw_zerg]")
    page.select_option("#f-country", ["KR"])
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?*race=bw_zerg*")
    assert query(page)["race"] == ["bw_zerg"] and query(page)["country"] == ["KR"]
    filtered = api(page, served, "/api/v1/leaderboard?race=bw_zerg&country=KR")
    names = board_names(page)
    assert names == ids(filtered["rows"])
    assert 0 < len(names) < len(everyone["rows"])
    assert {row["race"] for row in filtered["rows"]} == {"bw_zerg"}
    assert {row["player"]["country"] for row in filtered["rows"]} == {"KR"}
    expect(page.locator("input[name=race][value=bw_zerg]")).to_be_checked()  # the form shows the URL's filters
    shot(page, "leaderboard-filtered")

    shared = page.url  # a filtered view can be shared: the same URL in a new page shows the same rows
    other = page.context.new_page()
    other.goto(shared)
    assert board_names(other) == names
    other.close()


def test_paging(page: Any, served: ServedLadder, shot: Any) -> None:
    page.goto(served.url + "/")
    page.select_option("#f-size", "20")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**page_size=20*")
    first = api(page, served, "/api/v1/leaderboard?page_size=20")
    assert first["total_pages"] >= 2, "the seed must fill more than one page"
    assert board_names(page) == ids(first["rows"])

    page.click("nav.pager a[rel=next]")
    page.wait_for_url("**page=2*")
    assert query(page)["page"] == ["2"] and query(page)["page_size"] == ["20"]
    second = api(page, served, "/api/v1/leaderboard?page_size=20&page=2")
    assert board_names(page) == ids(second["rows"])
    assert page.locator("table.board tbody tr td").first.inner_text().strip() == "21"
    shot(page, "leaderboard-page-2")

    page.click("nav.pager a[rel=prev]")
    page.wait_for_url("**page=1*")
    assert board_names(page) == ids(first["rows"])


def _regular(page: Any, served: ServedLadder, games: int = 3) -> dict[str, Any]:
    """The top row whose player has several games in that race (so the chart has a line)."""
    rows = api(page, served, "/api/v1/leaderboard?page_size=200")["rows"]
    return next(r for r in rows if r["wins"] + r["losses"] + r["draws"] >= games)


def test_player_chart_is_drawn_and_a_match_opens(page: Any, served: ServedLadder, shot: Any) -> None:
    row = _regular(page, served, games=2)
    name = row["player"]["name"]
    page.goto(served.url + "/?page_size=200")
    page.locator(f"table.board tbody a[href='/players/{row['player']['id']}']").first.click()
    page.wait_for_url(f"**/players/{row['player']['id']}*")
    expect(page.locator("h1")).to_contain_text(name)

    line = page.locator(f"#race-{row['race']}").locator("xpath=..").locator("svg.chart polyline.line")
    expect(line).to_be_visible()
    points = line.get_attribute("points").split()
    games = row["wins"] + row["losses"] + row["draws"]
    assert len(points) == games + 1 or len(points) == games, points  # one vertex per stored rating change
    box = line.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 0
    svg_box = page.locator("svg.chart").first.bounding_box()
    assert svg_box is not None and svg_box["width"] > 0 and svg_box["height"] > 0
    private(page)
    shot(page, "player")

    link = page.locator("a[href^='/matches/']").first
    href = link.get_attribute("href")
    match_id = int(href.rsplit("/", 1)[1])
    link.click()
    page.wait_for_url(f"**/matches/{match_id}")
    expect(page.locator("h1")).to_have_text(t("web.match.title", id=match_id))
    match = api(page, served, f"/api/v1/matches/{match_id}")
    body = page.locator("main").inner_text()
    sides = [match["player_1"]["player"], match["player_2"]["player"]]
    assert all(side["name"] in body for side in sides) and match["map"] in body
    assert row["player"]["id"] in {side["id"] for side in sides}
    assert page.locator(f"main a[href='/players/{row['player']['id']}']").count() >= 1
    private(page)
    shot(page, "match")


def test_live_panel_follows_a_wave_without_reloading(page: Any, served: ServedLadder, shot: Any) -> None:
    page.goto(served.url + "/live")
    state = page.locator("#live-state")
    expect(state).to_have_text(state.get_attribute("data-live"))  # the EventSource is open
    summary = page.locator("#live-body .live-summary strong")
    expect(summary).to_have_text(t("web.live.waiting", count=0))
    page.evaluate("window.__notReloaded = true")

    assert served.ladder is not None
    queue = served.ladder.queue
    a, b = served.seeded.ids[0], served.seeded.ids[3]  # both KR / KRJ
    served.run(queue.join(QueueRequest(a, bw_race="bw_zerg")))
    expect(summary).to_have_text(t("web.live.waiting", count=1))
    served.run(queue.join(QueueRequest(b, sc2_race="sc2_protoss")))
    expect(summary).to_have_text(t("web.live.waiting", count=2))
    shot(page, "live-queue")

    report = served.run(queue.run_wave())
    assert len(report.created) == 1
    expect(summary).to_have_text(t("web.live.waiting", count=0))
    expect(page.locator(f"#live-body a[href='/matches/{report.created[0]}']")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True  # pushed over SSE, not a reload
    private(page)
    shot(page, "live-match")
    served.run(served.ladder.matches.abort(report.created[0], a))  # leave the ladder as it was


def test_language_switcher(page: Any, served: ServedLadder, shot: Any) -> None:
    page.goto(served.url + "/?race=bw_zerg")
    page.click("nav.languages a[hreflang=ko]")
    page.wait_for_url("**lang=ko*")
    assert query(page)["race"] == ["bw_zerg"]  # the switcher keeps the view's filters
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_have_text(t("web.leaderboard.title", Locale.KO))
    expect(page.locator("nav.languages a[hreflang=ko]")).to_have_attribute("aria-current", "true")
    shot(page, "leaderboard-ko")

    page.click("header nav a[href='/live']")  # the choice sticks (cookie) on the next page, without ?lang
    page.wait_for_url("**/live")
    expect(page.locator("h1")).to_have_text(t("web.live.title", Locale.KO))
    shot(page, "live-ko")

    page.goto(served.url + "/?lang=zh-Hans")
    expect(page.locator("h1")).to_have_text(t("web.leaderboard.title", Locale.ZH_HANS))
    page.goto(served.url + "/?lang=en")
    expect(page.locator("h1")).to_have_text(t("web.leaderboard.title"))


@pytest.mark.postgres
def test_on_postgres(page: Any, tmp_path: Path, shot: Any) -> None:
    from evoladder.store.schema import upgrade

    with postgres_schema() as url:
        upgrade(url)
        served = ServedLadder(url, tmp_path, players=6, matches=18).start()
        try:
            page.goto(served.url + "/")
            everyone = api(page, served, "/api/v1/leaderboard")
            assert board_names(page) == ids(everyone["rows"]) != []
            shot(page, "leaderboard-postgres")
            row = _regular(page, served, games=2)
            page.locator(f"table.board tbody a[href='/players/{row['player']['id']}']").first.click()
            page.wait_for_url(f"**/players/{row['player']['id']}*")
            box = page.locator("svg.chart polyline.line").first.bounding_box()
            assert box is not None and box["width"] > 0 and box["height"] > 0
            private(page)
            shot(page, "player-postgres")
        finally:
            served.stop()
