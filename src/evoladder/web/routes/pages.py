"""Server-rendered pages: leaderboard, player, match (and a replay download when allowed).

Each page makes the same read as its API twin (``reads``) and renders the same schema, so a page can
never show a field the API hides. Works without JavaScript: filters are a GET form, so the URL
carries them and a filtered view can be shared.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from evoladder.datapack.schema import SeasonCode
from evoladder.domain.ranks import RANKED_LETTERS
from evoladder.services import matchviews
from evoladder.web import caching
from evoladder.web.chart import ChartPoint, line_chart
from evoladder.web.deps import BoardQueryDep, LocaleDep, MatchIdPath, PlayerIdDep, PresenterDep, State
from evoladder.web.routes import reads
from evoladder.web.view import VARY, Page, when

router = APIRouter(include_in_schema=False)
PAGE_SIZES = (20, 40, 100, 200)


@router.get("/")
async def leaderboard(
    request: Request, state: State, presenter: PresenterDep, locale: LocaleDep, q: BoardQueryDep
) -> Response:
    def tag(version: int) -> str:
        # the base URL too: pages carry absolute links (host and scheme differ behind a proxy)
        parts = (version, locale.value, request.url.query, request.cookies.get("lang"), request.base_url)
        return caching.tag("html-board", *parts)

    etag = tag(state.ladder.leaderboard.board.version)
    if caching.matches(request, etag):
        return caching.not_modified(etag, caching.BOARD, VARY)
    if (cached := caching.bodies(request).get(etag)) is not None:
        return caching.stamp(Response(cached[0], media_type=cached[1]), etag, caching.BOARD, VARY)
    result = await reads.board(state, presenter, q)
    etag = tag(result.version)
    board = state.ladder.leaderboard
    values = board.filter_values() if q.season is None else await board.season_filter_values(q.season)
    page = Page(request, state, locale)
    context = {
        "seasons": list(reversed(state.ladder.seasons.known())),
        "past_season": q.season,
        "season_names": {code: state.ladder.pack.season(code).name for code in _pack_seasons(state)},
        "board": result,
        "races": [r.code for r in state.ladder.pack.races],
        "letters": [x.value for x in RANKED_LETTERS],
        "countries": sorted(set(values.countries) | set(q.countries)),
        "page_sizes": sorted({*PAGE_SIZES, q.page_size}),
    }
    response = page.render("leaderboard.html", context)
    if "set-cookie" not in response.headers:  # a language switch sets the cookie: never replay that
        caching.bodies(request).put(etag, bytes(response.body), response.media_type or "text/html; charset=utf-8")
    return caching.stamp(response, etag, caching.BOARD, VARY)


@router.get("/players/{public_id}")
async def player(
    request: Request, state: State, presenter: PresenterDep, locale: LocaleDep, pid: PlayerIdDep
) -> Response:
    prof, out = await reads.profile(state, presenter, pid)
    page = Page(request, state, locale)
    charts = {}
    for race in prof.races:
        if not race.history:
            continue
        name = page.race_name(race.race)
        first, last = race.history[0], race.history[-1]
        charts[race.race] = line_chart(
            [ChartPoint(p.at, p.mmr) for p in race.history],
            chart_id=f"chart-{race.race}",
            title=page.t("web.player.chart.title", race=name),
            description=page.t(
                "web.player.chart.desc",
                race=name,
                points=len(race.history),
                first=first.mmr,
                last=last.mmr,
                low=min(p.mmr for p in race.history),
                high=max(p.mmr for p in race.history),
            ),
            start_label=when(first.at)[:10],
            end_label=when(last.at)[:10],
        )
    response = page.render("player.html", {"profile": out, "charts": charts})
    return _tagged(request, response)


@router.get("/matches/{match_id}")
async def match(
    request: Request, state: State, presenter: PresenterDep, locale: LocaleDep, match_id: MatchIdPath
) -> Response:
    out = await reads.match(state, presenter, match_id)
    return _tagged(request, Page(request, state, locale).render("match.html", {"match": out}))


@router.get("/matches/{match_id}/replays/{replay_id}/file")
async def replay_file(state: State, match_id: MatchIdPath, replay_id: int) -> Response:
    """The stored replay file, only when ``EVOLADDER_WEB_REPLAY_DOWNLOADS`` is on (404 otherwise)."""
    if not state.options.replay_downloads:
        raise HTTPException(status_code=404, detail="Replay downloads are not offered on this ladder.")
    data = await matchviews.replay_file(state.ladder.replays, match_id, replay_id)
    headers = {
        "Content-Disposition": f'attachment; filename="evoladder-match-{match_id}-replay-{replay_id}.SC2Replay"',
        "Cache-Control": "public, max-age=86400, immutable",
    }
    return Response(data, media_type="application/octet-stream", headers=headers)


def _tagged(request: Request, response: Response) -> Response:
    """Hash the rendered page into an ETag; a client holding it gets a 304."""
    etag = caching.body_tag(bytes(response.body))
    if caching.matches(request, etag):
        return caching.not_modified(etag, caching.PAGE, VARY)
    return caching.stamp(response, etag, caching.PAGE, VARY)


def _pack_seasons(state: State) -> list[SeasonCode]:
    return [season.code for season in state.ladder.pack.seasons]  # SeasonCode values
