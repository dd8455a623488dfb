"""The leaderboard's values: what goes in (entries, players, filters) and what comes out (pages, views).

Everything here is a frozen dataclass so a page handed to a front-end can never be changed under it,
and so tests can compare whole pages with ``==``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from evoladder.domain.ids import CountryCode, PlayerId, RaceCode
from evoladder.domain.ranks import Letter

ACTIVITY_WINDOW = timedelta(days=14)
"""An entry is ranked while its last game is at most this old (inclusive) and it has played at least once."""

DEFAULT_PAGE_SIZE = 40
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MMR_LIMIT = 2**31 - 1  # MMR is stored per position as int32: room for any real rating, 4 bytes to move


def to_micros(moment: datetime) -> int:
    """Exact microseconds since the Unix epoch (no float rounding); refuses naive datetimes."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the leaderboard needs timezone-aware datetimes, got naive {moment!r}")
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> datetime:
    """The UTC datetime for microseconds since the epoch (inverse of :func:`to_micros`)."""
    return EPOCH + timedelta(microseconds=micros)


def fold_name(text: str) -> str:
    """The form names are compared in: NFC, case-folded, trimmed, no NULs (so "ÄBC" finds "äbc")."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold()).strip().replace("\0", "")


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """One player-race row as committed in the database (the ``ratings`` row).

    ``entry_id`` is the row's stable id: the last tie-breaker of the order, and the identity an
    upsert replaces. ``last_played`` is the time of the last MMR change (match or admin adjustment).
    Game counts are shown as stored and not cross-checked: imported rows of the old bot have
    ``games_lost`` down to -4 and W+L+D that differ from ``games_played``; only ``games_played >= 1``
    matters for ranking.
    """

    entry_id: int
    player_id: PlayerId
    race: RaceCode
    mmr: int
    games_played: int = 0
    games_won: int = 0
    games_lost: int = 0
    games_drawn: int = 0
    last_played: datetime | None = None

    def __post_init__(self) -> None:
        if not -_MMR_LIMIT <= self.mmr <= _MMR_LIMIT:
            raise ValueError(f"MMR {self.mmr} is outside the int32 range the index stores")
        if not self.race:
            raise ValueError("an entry needs a race code")
        if self.last_played is not None:
            to_micros(self.last_played)  # refuses naive datetimes early, at the boundary

    @property
    def win_rate(self) -> float | None:
        """Wins over games played, or ``None`` before the first game (same rule as ``Rating``)."""
        return self.games_won / self.games_played if self.games_played else None


@dataclass(frozen=True, slots=True)
class PlayerRecord:
    """The player attributes the board shows and filters on; shared by all of a player's entries."""

    player_id: PlayerId
    name: str
    alt_names: tuple[str, ...] = ()
    country: CountryCode | None = None


class RankStatus(StrEnum):
    """Why an entry is or is not on the board."""

    RANKED = "ranked"
    NO_GAMES = "no_games"  # never played (or no last-played time recorded)
    INACTIVE = "inactive"  # last game older than ACTIVITY_WINDOW
    BANNED = "banned"  # the player is banned: their entries are off the board (set by the service)


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """What a reader asks for. Every part is optional and they combine with AND.

    An empty set means "no filter on this attribute", not "nothing". Unknown codes simply match
    nothing. ``Letter.U`` matches nothing either: unranked entries are not on the board (they are
    visible through :meth:`Leaderboard.entry_view`). ``best_race_only`` keeps one row per player,
    the first of that player's rows that survive *all the other filters* (race and letter
    included), which is its highest-MMR matching race. ``name_prefix`` matches the start of the
    display name or of any alternative name, case-insensitively.
    """

    countries: frozenset[CountryCode] = field(default_factory=frozenset)
    races: frozenset[RaceCode] = field(default_factory=frozenset)
    letters: frozenset[Letter] = field(default_factory=frozenset)
    best_race_only: bool = False
    name_prefix: str = ""


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One line of a leaderboard page. ``position`` is global: the rank among *all* ranked entries."""

    position: int
    letter: Letter
    entry_id: int
    player_id: PlayerId
    name: str
    country: CountryCode | None
    race: RaceCode
    mmr: int
    games_played: int
    games_won: int
    games_lost: int
    games_drawn: int
    win_rate: float | None
    last_played: datetime


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the filtered board with totals over the whole filtered board.

    ``total_pages`` is at least 1 (an empty board has one empty page, as the old bot showed). A page
    number outside ``1..total_pages`` gives no rows but the same totals.
    """

    rows: tuple[BoardRow, ...]
    page: int
    page_size: int
    total_entries: int
    total_pages: int
    ranked_count: int


@dataclass(frozen=True, slots=True)
class FilterValues:
    """The values a filter menu can offer: only those present among ranked entries right now."""

    countries: tuple[CountryCode, ...]
    races: tuple[RaceCode, ...]
    letters: tuple[Letter, ...]


@dataclass(frozen=True, slots=True)
class EntryView:
    """One entry as a profile shows it, ranked or not.

    ``position`` is ``None`` for an unranked entry: an unranked entry has no place in the order at
    all (it is not "last"). ``top_percent`` is ``100 * position / ranked_count`` ("top 1.2 %");
    ``percentile`` is the share of ranked entries strictly behind it. ``ranked_until`` is when it
    will drop off the board if it plays no more.
    """

    entry: EntryRecord
    status: RankStatus
    letter: Letter
    position: int | None
    ranked_count: int
    top_percent: float | None
    percentile: float | None
    ranked_until: datetime | None
