"""The OpenAPI document, completed with what only the ladder knows: its data pack's race codes.

Race parameters are plain strings in the route signatures because the valid codes come from the
ladder's data pack at run time (a ladder for another mod has other races). The document served at
``/openapi.json`` lists them as an ``enum``, so clients (and schemathesis) know the valid values
instead of learning them from 422s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI


def _enum_strings(schema: dict[str, Any], values: list[str]) -> None:
    """Put ``values`` as the enum of every string in ``schema`` (a string, an array of them, or a nullable one)."""
    if schema.get("type") == "string":
        schema["enum"] = values
    if isinstance(schema.get("items"), dict):
        _enum_strings(schema["items"], values)
    for option in schema.get("anyOf", []):
        _enum_strings(option, values)


def with_race_codes(app: FastAPI, races: Sequence[str]) -> None:
    """Make ``app.openapi()`` list ``races`` as the values of every ``race`` query parameter."""
    build = app.openapi
    codes = sorted(races)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    for param in operation.get("parameters", []):
                        if param.get("in") == "query" and param.get("name") == "race":
                            _enum_strings(param.get("schema", {}), codes)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
