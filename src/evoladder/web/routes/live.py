"""The live queue: ``/live`` (the panel, server-rendered), ``/live/events`` (SSE), ``/api/v1/live`` (JSON).

The page works without JavaScript (the snapshot at load). ``static/live.js`` opens an
``EventSource`` on ``/live/events`` and swaps in each pushed panel; the panel's HTML is rendered
here, in the visitor's language, so the script translates nothing and decides nothing.

Why Starlette's ``StreamingResponse`` and not sse-starlette: the wire format is a few lines
(``live.sse``), and what matters (one shared wake-up per change, a slot cap, ending every stream on
shutdown) is ours to write either way; Starlette already cancels the generator on disconnect.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from evoladder.web import caching, present_stats, reads_api
from evoladder.web.deps import LocaleDep, PresenterDep, State
from evoladder.web.live import EventStream
from evoladder.web.present import Presenter
from evoladder.web.state import WebState
from evoladder.web.stats_schemas import LiveOut
from evoladder.web.view import VARY, Page

router = APIRouter()
PANEL = "live_panel.html"


def _snapshot(state: WebState, presenter: Presenter) -> Callable[[], LiveOut]:
    ladder = state.ladder
    return lambda: present_stats.live(presenter, ladder.queue.status(), ladder.matches.active_matches())


def _races(state: WebState) -> list[str]:
    return [r.code for r in state.ladder.pack.races]


@router.get("/api/v1/live", response_model=LiveOut, tags=["api v1"], summary="Live queue and matches")
async def api_live(request: Request, state: State, presenter: PresenterDep) -> Response:
    """Players waiting by race and region, the next wave, and the matches in progress (this process)."""
    return reads_api.json_read(request, _snapshot(state, presenter)(), caching.LIVE)


@router.get("/live", include_in_schema=False)
async def live_page(request: Request, state: State, presenter: PresenterDep, locale: LocaleDep) -> Response:
    page = Page(request, state, locale)
    context = {"live": _snapshot(state, presenter)(), "panel": PANEL, "races": _races(state)}
    response = page.render("live.html", context)
    response.headers["Cache-Control"] = caching.LIVE
    return response


@router.get("/live/events", include_in_schema=False)
async def live_events(request: Request, state: State, presenter: PresenterDep, locale: LocaleDep) -> Response:
    """``text/event-stream``: a ``snapshot`` event (the panel's HTML) now and after each change."""
    hub = state.live
    if not hub.try_open():
        headers = {"Retry-After": "30", "Cache-Control": caching.LIVE}
        return Response("Too many live streams; try again shortly.\n", status_code=503, headers=headers)
    page = Page(request, state, locale)
    template = state.templates.env.get_template(PANEL)
    races = _races(state)

    def render(snap: LiveOut) -> str:
        return template.render({**page.helpers(), "live": snap, "races": races})

    response = EventStream(hub.stream(locale.value, _snapshot(state, presenter), render), hub)
    response.headers["Vary"] = VARY
    return response
