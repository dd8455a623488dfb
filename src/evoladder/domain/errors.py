"""Typed errors raised by the domain and the services.

Each error carries a stable ``code`` (front-ends map it to localized text) and ``params`` used to
fill that text, plus an English ``message`` for logs and the CLI. Raising one of these means the
action was refused and nothing changed.
"""

from __future__ import annotations

from typing import Any


class LadderError(Exception):
    """Base class: a refused action. ``code`` is stable and meant for translation tables."""

    code: str = "error"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params: dict[str, Any] = params

    def __str__(self) -> str:
        return self.message


class InvalidInput(LadderError):
    """A value supplied by a user failed validation (name, code, number out of range...)."""

    code = "invalid_input"

    def __init__(self, message: str, *, field: str, **params: Any) -> None:
        super().__init__(message, field=field, **params)
        self.field = field


class NotFound(LadderError):
    """The player, match or other object named does not exist."""

    code = "not_found"


class IllegalTransition(LadderError):
    """The match cannot do that in its current state (report on an aborted match, confirm twice...)."""

    code = "illegal_transition"


class NotAParticipant(LadderError):
    """The acting player is not one of the match's two players."""

    code = "not_a_participant"


class AbortLimitReached(LadderError):
    """The player has used all their aborts for this calendar month."""

    code = "abort_limit"


class PlayerBusy(LadderError):
    """The player is already queueing or in an active match."""

    code = "player_busy"


class Forbidden(LadderError):
    """The acting user may not do this (banned, not an admin, terms not accepted, setup missing)."""

    code = "forbidden"


class Conflict(LadderError):
    """A concurrent change won; the action could not be applied and may be retried."""

    code = "conflict"
