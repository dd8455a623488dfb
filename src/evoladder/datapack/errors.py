"""Errors of the data pack layer.

A broken pack must stop the service at start with a message an editor can act on, so
``DataPackError`` always names the file and the field. Lookups of unknown codes raise ``UnknownCode``,
a ``KeyError`` so callers that treat the pack as a mapping keep working.
"""

from __future__ import annotations

from collections.abc import Iterable


class DataPackError(Exception):
    """The pack could not be loaded: a file is missing, malformed, or contradicts another."""

    def __init__(self, file: str, field: str, message: str) -> None:
        self.file = file
        self.field = field
        self.message = message
        text = f"{file}: {field}: {message}" if field else f"{file}: {message}"
        super().__init__(text)


class UnknownCode(KeyError):
    """A code (race, season, map, region, server, game region, country) the pack does not know."""

    def __init__(self, kind: str, code: object, known: Iterable[object] = (), detail: str = "") -> None:
        self.kind = kind
        self.code = code
        known_list = [str(k) for k in known]
        message = detail or f"unknown {kind} {code!r}"
        if 0 < len(known_list) <= 20:
            message += f" (known: {', '.join(known_list)})"
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        # KeyError's default str() is the repr of its argument; keep the message readable.
        return self.message


class NoModRelease(LookupError):
    """No mod release was in force on the date asked (it is before the first release)."""


class BadDepotUrl(ValueError):
    """A string is not a depot URL of a known game region (unknown host, malformed path)."""
