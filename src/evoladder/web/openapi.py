"""The OpenAPI document, completed with what only the ladder knows: its data pack's race and season codes.

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


def with_race_codes(app: FastAPI, races: Sequence[str], seasons: Sequence[str] = ()) -> None:
    """Make ``app.openapi()`` list ``races`` as the values of every ``race`` query parameter (and the
    pack's ``seasons`` for every ``season`` one)."""
    build = app.openapi
    values = {"race": sorted(races), "season": list(seasons)}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    for param in operation.get("parameters", []):
                        name = param.get("name")
                        if param.get("in") == "query" and name in values and values[name]:
                            _enum_strings(param.get("schema", {}), values[name])
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
