"""JSON responses for reads: serialise a schema once, tag it, and answer 304 when the client has it."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from evoladder.web import caching


def json_read(request: Request, model: BaseModel, cache_control: str, *, etag: str | None = None) -> Response:
    """``etag`` known up front (the board's version) skips serialising on a 304; else the body is hashed."""
    if etag is not None and caching.matches(request, etag):
        return caching.not_modified(etag, cache_control)
    body = model.model_dump_json().encode()
    etag = etag or caching.body_tag(body)
    if caching.matches(request, etag):
        return caching.not_modified(etag, cache_control)
    return caching.stamp(Response(body, media_type="application/json"), etag, cache_control)
