"""The ranked leaderboard, kept in memory and updated in place after every committed change.

The ranked entries live in flat numpy arrays in board order (position = index + 1): a letter is a
range of positions, every filter is a vectorised pass, and a match result is a memmove of the
entries between the old and the new place. At 1M entries a filtered page costs ~0.6 ms (p99 ~3 ms)
and a match ~0.13 ms; a Python sorted list or SortedList needs ~185 ms per filtered page (a Python
scan), and Polars ~5 ms per change (a re-sort). ``README.md`` in this folder records the decision,
the rules as implemented, the measured figures and how several processes keep the same board.

Layers: ``model`` (values), ``board`` (the :class:`Leaderboard` API), ``build`` (stepped build),
``_state`` (mutations and invariants), ``_query`` (reads), ``_order`` / ``_expiry`` / ``_names`` /
``_radix`` / ``_columns`` (the structures).
"""

from evoladder.domain.leaderboard.board import Leaderboard
from evoladder.domain.leaderboard.build import BoardBuild
from evoladder.domain.leaderboard.model import (
    ACTIVITY_WINDOW,
    DEFAULT_PAGE_SIZE,
    BoardFilter,
    BoardRow,
    EntryRecord,
    EntryView,
    FilterValues,
    Page,
    PlayerRecord,
    RankStatus,
)

__all__ = [
    "ACTIVITY_WINDOW",
    "DEFAULT_PAGE_SIZE",
    "BoardBuild",
    "BoardFilter",
    "BoardRow",
    "EntryRecord",
    "EntryView",
    "FilterValues",
    "Leaderboard",
    "Page",
    "PlayerRecord",
    "RankStatus",
]
