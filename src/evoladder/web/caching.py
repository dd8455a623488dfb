"""HTTP caching for reads: ``ETag`` + ``Cache-Control``, and 304 on a matching ``If-None-Match``.

Leaderboard reads derive their tag from the board's ``version`` (bumped by every change a reader
could see) plus the query and language, so a repeat costs the filter pass and no rendering. Other
reads hash the rendered body: still a 304 without sending it again.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

BOARD = "public, no-cache"
"""The board changes with every match: caches may keep it but must revalidate (cheap, by ETag)."""
PAGE = "public, max-age=10"
"""Profiles and matches: a few seconds of staleness is fine for spectators."""
LIVE = "no-store"
"""Queue status and probes: never cached."""


def tag(*parts: object) -> str:
    """A strong entity tag from ``parts``."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=12).hexdigest()
    return f'"{digest}"'


def body_tag(body: bytes) -> str:
    return f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


def matches(request: Request, etag: str) -> bool:
    """``If-None-Match`` names ``etag`` (weak comparison, as RFC 9110 asks for GET) or is ``*``."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    return any(t.strip() == "*" or t.strip().removeprefix("W/") == wanted for t in header.split(","))


def not_modified(etag: str, cache_control: str, vary: str | None = None) -> Response:
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if vary:
        headers["Vary"] = vary
    return Response(status_code=304, headers=headers)


def stamp(response: Response, etag: str, cache_control: str, vary: str | None = None) -> Response:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = cache_control
    if vary:
        response.headers["Vary"] = vary
    return response


class BodyCache:
    """Rendered leaderboard bodies by ETag (board version + query + language), a few hundred at most.

    Why: spectators ask for the same few views (page 1, a race, a country) many times between two
    matches; a repeat within one board version is then a dictionary hit instead of a filter pass,
    40 row models and a template or JSON render. A new board version changes every key, so a stale
    body can never be served; old entries simply age out.
    """

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._bodies: dict[str, tuple[bytes, str]] = {}

    def get(self, etag: str) -> tuple[bytes, str] | None:
        return self._bodies.get(etag)

    def put(self, etag: str, body: bytes, media_type: str) -> None:
        if len(self._bodies) >= self.size:
            del self._bodies[next(iter(self._bodies))]  # the oldest insertion
        self._bodies[etag] = (body, media_type)


def bodies(request: Request) -> BodyCache:
    """This app's body cache (made on first use, kept on ``app.state``)."""
    found: BodyCache | None = getattr(request.app.state, "body_cache", None)
    if found is None:
        found = request.app.state.body_cache = BodyCache()
    return found
