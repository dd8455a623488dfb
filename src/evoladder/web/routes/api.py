"""The read-only JSON API, versioned under ``/api/v1``. OpenAPI at ``/openapi.json``, docs at ``/docs``.

Every read carries ``ETag`` and ``Cache-Control`` and answers 304 to a matching ``If-None-Match``.
Bad parameters get FastAPI's 422 whose ``detail[].loc`` names the field.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from evoladder.web import caching, reads_api
from evoladder.web import schemas as s
from evoladder.web.deps import BoardQueryDep, MatchIdPath, PlayerIdDep, PresenterDep, State
from evoladder.web.routes import reads

router = APIRouter(prefix="/api/v1", tags=["api v1"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown player or match."}}


@router.get("/leaderboard", response_model=s.LeaderboardPage, responses=NOT_FOUND, summary="A page of the leaderboard")
async def leaderboard(request: Request, state: State, presenter: PresenterDep, q: BoardQueryDep) -> Response:
    """Same filters and rules as the Discord leaderboard; positions are global whatever the filters."""
    etag = caching.tag("api-board", state.ladder.leaderboard.board.version, request.url.query)
    if caching.matches(request, etag):
        return caching.not_modified(etag, caching.BOARD)
    cached = caching.bodies(request).get(etag)
    if cached is None:
        result = await reads.board(state, presenter, q)
        etag = caching.tag("api-board", result.version, request.url.query)
        cached = (result.model_dump_json().encode(), "application/json")
        caching.bodies(request).put(etag, *cached)
    return caching.stamp(Response(cached[0], media_type=cached[1]), etag, caching.BOARD)


@router.get("/players/{public_id}", response_model=s.PlayerProfileOut, responses=NOT_FOUND, summary="A player")
async def player(request: Request, state: State, presenter: PresenterDep, pid: PlayerIdDep) -> Response:
    """Identity, per race standing, recent matches and head-to-head records."""
    _, out = await reads.profile(state, presenter, pid)
    return reads_api.json_read(request, out, caching.PAGE)


@router.get(
    "/players/{public_id}/history", response_model=s.PlayerHistoryOut, responses=NOT_FOUND, summary="MMR history"
)
async def player_history(
    request: Request,
    state: State,
    presenter: PresenterDep,
    pid: PlayerIdDep,
    race: Annotated[str | None, Query(max_length=16, description="Only this race.")] = None,
) -> Response:
    """Every stored rating change per race (latest 2,000 points), oldest first."""
    if race is not None and race.lower() not in {r.code for r in state.ladder.pack.races}:
        raise RequestValidationError(
            [{"type": "value_error", "loc": ("query", "race"), "msg": f"unknown race {race!r}", "input": race}]
        )
    prof = await reads.public_profile(state, pid, recent=1)
    out = presenter.history(prof)
    if race is not None:
        out = out.model_copy(update={"races": [r for r in out.races if r.race == race.lower()]})
    return reads_api.json_read(request, out, caching.PAGE)


@router.get(
    "/players/{public_id}/matches", response_model=s.PlayerMatchesOut, responses=NOT_FOUND, summary="Recent matches"
)
async def player_matches(
    request: Request,
    state: State,
    presenter: PresenterDep,
    pid: PlayerIdDep,
    limit: Annotated[int, Query(ge=1, le=100, description="How many of the newest matches.")] = 20,
) -> Response:
    prof = await reads.public_profile(state, pid, recent=limit)
    out = s.PlayerMatchesOut(player=presenter.ref(pid), matches=[presenter.recent(r) for r in prof.recent], limit=limit)
    return reads_api.json_read(request, out, caching.PAGE)


@router.get("/matches/{match_id}", response_model=s.MatchOut, responses=NOT_FOUND, summary="A match")
async def match(request: Request, state: State, presenter: PresenterDep, match_id: MatchIdPath) -> Response:
    """Players, races, map, server, result, MMR changes and the replays' verdicts."""
    return reads_api.json_read(request, await reads.match(state, presenter, match_id), caching.PAGE)


@router.get("/queue", response_model=s.QueueStatusOut, summary="Queue status")
async def queue(request: Request, state: State, presenter: PresenterDep) -> Response:
    """Players waiting by race and region, and the time to the next wave (this process's queue)."""
    out = presenter.queue(state.ladder.queue.status())
    return reads_api.json_read(request, out, caching.LIVE)
