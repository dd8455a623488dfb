"""Errors the parser pool raises besides ``ReplayUnreadable`` (which says the file itself is bad).

Both are ``LadderError``s so front-ends can translate them by ``code`` without importing workers.
"""

from __future__ import annotations

from evoladder.domain.errors import LadderError


class ParserBusy(LadderError):
    """Too many parses are already pending; nothing was queued. Try again in a few seconds."""

    code = "parser_busy"

    def __init__(self, pending: int, limit: int) -> None:
        super().__init__(
            "The replay checker is busy right now; please try again in a few seconds.",
            pending=pending,
            limit=limit,
        )


class ReplayParseFailed(LadderError):
    """Parsing did not finish: the worker timed out, crashed, or the pool is not running.

    ``reason`` is one of ``timeout``, ``worker_died``, ``protocol`` or ``not_running``. Unlike
    ``ReplayUnreadable`` this says nothing certain about the file; the worker involved has already
    been replaced. The pool never retries on its own (a file that crashes one worker would likely
    crash the next), so a caller that wants a retry does it once, deliberately.
    """

    code = "replay_parse_failed"

    def __init__(self, reason: str, detail: str = "") -> None:
        text = f"The replay could not be checked ({reason}{': ' + detail if detail else ''})."
        super().__init__(text, reason=reason, detail=detail)
        self.reason = reason
        self.detail = detail
