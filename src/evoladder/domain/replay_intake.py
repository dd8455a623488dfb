"""What happens to an uploaded replay, as plain values and pure rules: intake checks, the stored
record and its status, and the verdicts for files that never reach verification.

Why intake checks live here, before any storage or parsing: a front-end must be able to refuse a
file that is obviously not a replay (empty, too large, not an MPQ archive) at once, with a clear
message, and without writing anything. Everything that passes is stored and recorded first and
judged later, so a file the parser cannot read still ends as a record an admin can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from evoladder.domain.errors import InvalidInput, LadderError
from evoladder.domain.ids import MatchId, PlayerId
from evoladder.domain.rating import Outcome
from evoladder.domain.verification import Winner

MPQ_MAGIC = (b"MPQ\x1a", b"MPQ\x1b")
"""An MPQ archive header, or the user-data header SC2 replays start with."""


class ReplayStatus(StrEnum):
    """``pending`` rows are the job queue; the others are final.

    ``imported`` is a record brought over from EvoLadderBot: its summary holds the old bot's reading
    of the file (which was not fetched), so it is never parsed or judged here.
    """

    PENDING = "pending"
    PARSED = "parsed"
    UNREADABLE = "unreadable"
    FAILED = "failed"
    IMPORTED = "imported"


class ReplayEffect(StrEnum):
    """What a parsed replay's verdict did to its match."""

    COMPLETED = "completed"
    """It passed every check and finished the match (result and MMR for both players)."""
    CONFLICT = "conflict"
    """It passed every check but contradicts a manual report: an admin decides."""
    EVIDENCE = "evidence"
    """It passed every check and is attached to a match already settled or in conflict."""
    ALREADY_APPLIED = "already_applied"
    """Another replay had already reported the same result."""
    NOT_APPLIED = "not_applied"
    """Not every check passed, so it changed nothing (a person confirms the result)."""
    MATCH_CLOSED = "match_closed"
    """It passed every check but the match could no longer take a result from a replay."""


class ReplayBusy(LadderError):
    """The replay checker's queue is full. The upload is saved; it is checked automatically later."""

    code = "replay_busy"

    def __init__(self, replay_id: int) -> None:
        super().__init__(
            "The replay checker is busy right now. Your replay is saved and will be checked automatically "
            "in a few seconds; you can also upload it again.",
            replay_id=replay_id,
        )
        self.replay_id = replay_id


def check_upload(data: bytes, max_bytes: int) -> None:
    """Refuse, before anything is stored, bytes that cannot be a replay. Raises ``InvalidInput``."""
    if not data:
        raise InvalidInput("The file is empty.", field="replay", reason="empty")
    if len(data) > max_bytes:
        raise InvalidInput(
            f"The file is too large for a replay ({len(data) / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes / 1_048_576:.1f} MB).",
            field="replay",
            reason="too_large",
            size=len(data),
            limit=max_bytes,
        )
    if not data.startswith(MPQ_MAGIC):
        raise InvalidInput(
            "This is not a StarCraft II replay (.SC2Replay) file.", field="replay", reason="not_a_replay"
        )


@dataclass(frozen=True, slots=True)
class ReplayRecord:
    """One upload: which file (by content hash), for which match, by whom, and how it was judged.

    ``summary`` is ``ReplaySummary.to_dict()``; ``verdict`` is ``Verdict.to_dict()`` (or the
    single-check verdicts below for files that were not read). Both are ``None`` while pending.
    """

    id: int
    sha256: str
    size_bytes: int
    match_id: MatchId | None
    uploader_id: PlayerId | None
    status: ReplayStatus
    uploaded_at: datetime
    summary: dict[str, Any] | None = None
    verdict: dict[str, Any] | None = None
    parsed_at: datetime | None = None
    attempts: int = 0
    error: str | None = None
    effect: ReplayEffect | None = None

    @property
    def overall(self) -> str | None:
        """The worst check verdict (``pass``, ``warn``, ``needs_admin``, ``fail``); None while pending."""
        return None if self.verdict is None else str(self.verdict.get("overall"))

    @property
    def reported_result(self) -> str | None:
        """``player_1``, ``player_2`` or ``draw`` when the replay passed every check."""
        return None if self.verdict is None else self.verdict.get("reported_result")


def not_read_verdict(code: str, message: str, reason: str) -> dict[str, Any]:
    """A verdict for a replay that was stored but not read: one ``build`` check, ``needs_admin``.

    Same layout as ``Verdict.to_dict()`` so readers need one code path.
    """
    check = {
        "check": "build",
        "verdict": "needs_admin",
        "message_code": code,
        "message": message,
        "details": {"reason": reason},
    }
    return {"checks": [check], "winner": "unknown", "overall": "needs_admin", "passed": False, "reported_result": None}


def unreadable_verdict(reason: str) -> dict[str, Any]:
    message = f"The replay could not be read ({reason}). It is saved; an admin will look at it."
    return not_read_verdict("build.unreadable", message, reason)


def failed_verdict(reason: str) -> dict[str, Any]:
    message = f"The replay could not be checked ({reason}). It is saved; an admin will look at it."
    return not_read_verdict("build.check_failed", message, reason)


_OUTCOMES = {Winner.PLAYER_1: Outcome.PLAYER1_WON, Winner.PLAYER_2: Outcome.PLAYER2_WON, Winner.DRAW: Outcome.DRAW}


def outcome_for(winner: Winner | str | None) -> Outcome | None:
    """The match outcome a verified winner stands for (None for unknown)."""
    if winner is None:
        return None
    try:
        return _OUTCOMES.get(Winner(winner))
    except ValueError:
        return None
