"""Probes and metrics: ``/healthz`` (the process answers), ``/readyz`` (it can serve), ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from evoladder.services import health
from evoladder.web import caching
from evoladder.web import schemas as s
from evoladder.web.deps import State

router = APIRouter(tags=["health"])
NO_STORE = {"Cache-Control": caching.LIVE}


@router.get("/healthz", response_model=s.HealthOut, summary="Liveness")
async def healthz() -> JSONResponse:
    """The event loop answers. Never touches the database, so a slow database does not kill the process."""
    return JSONResponse(s.HealthOut(status="ok").model_dump(mode="json"), headers=NO_STORE)


@router.get(
    "/readyz",
    response_model=s.HealthOut,
    responses={503: {"model": s.HealthOut, "description": "Not ready: a check is down."}},
    summary="Readiness",
)
async def readyz(state: State) -> JSONResponse:
    """The database answers a ``SELECT 1`` and, in the process that parses replays, a parser is alive."""
    db = await health.database(state.ladder.ctx)
    checks = {"database": s.Check(status="ok" if db.ok else "down", detail=db.detail)}
    if state.options.expect_replay_workers:
        workers = health.replay_workers(state.ladder.replays)
        checks["replay_workers"] = s.Check(status="ok" if workers.ok else "down", detail=workers.detail)
    else:
        checks["replay_workers"] = s.Check(status="not_run_here", detail="this process does not parse replays")
    ready = all(c.status != "down" for c in checks.values())
    body = s.HealthOut(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ready else 503, headers=NO_STORE)


@router.get("/metrics", include_in_schema=False)
async def metrics(state: State) -> Response:
    """Prometheus text exposition format."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)
