"""``create_app(ladder)``: the web front-end as an ASGI app over a built (and started) ladder.

Nothing is created at import time; every app has its own state, templates and metrics registry, so
tests and several apps in one process never share anything by accident.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from evoladder.app import Ladder
from evoladder.domain.errors import NotFound
from evoladder.web.deps import page_locale
from evoladder.web.metrics import LatencyMiddleware
from evoladder.web.openapi import with_race_codes
from evoladder.web.routes import api, health, live, pages, stats
from evoladder.web.state import HERE, WebOptions, WebState
from evoladder.web.view import html_error

JSON_PREFIXES = ("/api/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/redoc")

DESCRIPTION = """Read-only JSON API of the SC: Evo Complete ladder.

Players are identified by an opaque public id; Discord ids, BattleTags (unless the ladder publishes
them) and ban reasons are never returned. Reads carry `ETag` and `Cache-Control`; send the tag back in
`If-None-Match` to get `304 Not Modified`. Bad parameters get `422` with the field in `detail[].loc`.
"""


def _field(loc: tuple[object, ...] | list[object]) -> str:
    """``("query", "country", 0)`` -> ``country``: the parameter's name, not its list index."""
    return str(loc[1] if len(loc) > 1 else loc[0])


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(JSON_PREFIXES)


def create_app(ladder: Ladder, options: WebOptions | None = None) -> FastAPI:
    """The web app over ``ladder`` (which the caller starts and stops; the app does not own it)."""
    state = WebState.build(ladder, options or WebOptions.from_settings(ladder.settings))
    app = FastAPI(
        title="evoladder",
        version="1",
        description=DESCRIPTION,
        openapi_tags=[{"name": "api v1", "description": "Ladder reads."}, {"name": "health"}],
    )
    app.state.web = state
    app.add_middleware(LatencyMiddleware, metrics=state.metrics)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(health.router)
    app.include_router(pages.router)
    app.include_router(stats.router)
    app.include_router(live.router)
    _install_error_pages(app, state)
    with_race_codes(app, [r.code for r in ladder.pack.races], [x.code for x in ladder.pack.seasons])
    return app


def _install_error_pages(app: FastAPI, state: WebState) -> None:
    """JSON errors under the API and probes; an HTML page in the visitor's language elsewhere."""

    def html(request: Request, status: int, key: str) -> Response:
        locale = page_locale(request, request.query_params.get("lang"))
        return html_error(request, state, locale, status, state.catalogs.t(locale, key))

    async def not_found(request: Request, exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "Not found."}, status_code=404)
        return html(request, 404, "web.error.not_found")

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if _wants_json(request) or exc.status_code not in (404, 405):
            return await http_exception_handler(request, exc)
        return html(request, exc.status_code, "web.error.not_found" if exc.status_code == 404 else "web.error.method")

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if _wants_json(request):
            return await request_validation_exception_handler(request, exc)
        fields = ", ".join(sorted({_field(e.get("loc") or ("?",)) for e in exc.errors()}))
        locale = page_locale(request, None if "lang" in fields else request.query_params.get("lang"))
        message = state.catalogs.t(locale, "web.error.invalid", fields=fields)
        return html_error(request, state, locale, 422, message)

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
