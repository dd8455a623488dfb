"""The leaderboard: an in-memory ranked index the service keeps in step with committed rows.

Contract:

* **Reads see every earlier write.** There is no cache and no TTL: ``upsert_entry`` and
  ``update_player`` change the index before they return, and the next ``query`` sees it.
* **Time only moves forward.** Every read takes ``now`` and first drops the entries whose last game
  left the 14-day window. The index keeps the latest ``now`` it has seen; an earlier ``now`` (a
  caller whose clock read lagged) is treated as that latest one, so an entry never flickers back.
* **Writes are idempotent row replacements.** An upsert carries the whole committed row, so
  applying the same row twice, or replaying rows committed while a build was running, is harmless.
* **Single-threaded.** Call it from one thread (the event loop); it is not locked.
* **Deterministic.** The order is a pure function of the rows: ``(-mmr, -last_played, entry_id)``.
  Two processes that build from the same committed rows and apply the same committed changes hold
  identical boards, position for position, whatever order they received concurrent changes to
  *different* entries in; so several web/bot processes can each keep their own copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from evoladder.domain.ids import PlayerId, RaceCode
from evoladder.domain.leaderboard._query import entry_view, filter_values, run_query
from evoladder.domain.leaderboard._state import BoardState
from evoladder.domain.leaderboard.model import (
    DEFAULT_PAGE_SIZE,
    BoardFilter,
    EntryRecord,
    EntryView,
    FilterValues,
    Page,
    PlayerRecord,
    from_micros,
    to_micros,
)

NO_FILTER = BoardFilter()


class Leaderboard:
    """In-memory ranked index of player-race entries. Build it with :meth:`build` or ``BoardBuild``."""

    def __init__(self, now: datetime) -> None:
        """An empty board whose clock starts at ``now``."""
        self._state = BoardState(to_micros(now))

    @classmethod
    def _from_state(cls, state: BoardState) -> Leaderboard:
        board = cls.__new__(cls)
        board._state = state
        return board

    @classmethod
    def build(cls, entries: Iterable[EntryRecord], players: Iterable[PlayerRecord], now: datetime) -> Leaderboard:
        """Build in one call (blocks for the whole build; on a loop use ``BoardBuild.steps``)."""
        from evoladder.domain.leaderboard.build import BoardBuild

        return BoardBuild(now).run(entries, players)

    # -- writes ----------------------------------------------------------------------------------

    def upsert_entry(self, entry: EntryRecord) -> None:
        """Apply one committed entry row (a match result, an admin MMR change, a new race).

        Raises ``ValueError`` (and changes nothing) if the id is known under another player or race,
        or the player already has another id for that race.
        """
        self._state.upsert(entry)

    def upsert_entries(self, entries: Iterable[EntryRecord]) -> None:
        """Apply several rows, e.g. both sides of a match, in order."""
        for entry in entries:
            self._state.upsert(entry)

    def update_player(self, player: PlayerRecord) -> None:
        """Create or replace a player's name, alternative names and country (all its entries follow)."""
        self._state.set_player(player)

    def remove_player(self, player_id: PlayerId) -> int:
        """Take all of a player's entries off the board (a ban); returns how many were known.

        The player's name and country stay known. Upserting the entries again brings them back.
        """
        return self._state.remove_player_entries(player_id)

    def advance(self, now: datetime) -> None:
        """Move the clock to ``now`` and drop entries that became inactive (reads do this themselves)."""
        self._state.advance(to_micros(now))

    # -- reads -----------------------------------------------------------------------------------

    def query(
        self,
        filters: BoardFilter = NO_FILTER,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        *,
        now: datetime,
    ) -> Page:
        """One page of the board as of ``now``; raises ``ValueError`` if ``page_size < 1``."""
        self._state.advance(to_micros(now))
        return run_query(self._state, filters, page, page_size)

    def filter_values(self, *, now: datetime) -> FilterValues:
        """Countries, races and letters present among the ranked entries as of ``now``."""
        self._state.advance(to_micros(now))
        return filter_values(self._state)

    def entry_view(self, player_id: PlayerId, race: RaceCode, *, now: datetime) -> EntryView | None:
        """One entry's standing as of ``now`` (``None`` if the player has no entry for ``race``)."""
        self._state.advance(to_micros(now))
        state = self._state
        pidx, race_idx = state.pid_index.get(player_id), state.race_index.get(race)
        if pidx is None or race_idx is None:
            return None
        s = int(state.players["slots"][pidx, race_idx])
        return entry_view(state, s) if s >= 0 else None

    def player_views(self, player_id: PlayerId, *, now: datetime) -> tuple[EntryView, ...]:
        """All of a player's entries as of ``now``: ranked ones by position, then the rest by MMR."""
        self._state.advance(to_micros(now))
        state = self._state
        pidx = state.pid_index.get(player_id)
        if pidx is None:
            return ()
        views = [entry_view(state, s) for s in state.player_slots(pidx)]
        return tuple(sorted(views, key=lambda v: (v.position is None, v.position or 0, -v.entry.mmr, v.entry.race)))

    @property
    def ranked_count(self) -> int:
        """Ranked entries as of the latest ``now`` seen (call :meth:`advance` first for another time)."""
        return self._state.order.n

    @property
    def now(self) -> datetime:
        """The latest ``now`` the board has seen."""
        return from_micros(self._state.now_us)

    @property
    def version(self) -> int:
        """Increases with every change a reader could see (for callers that cache rendered pages)."""
        return self._state.version

    def __len__(self) -> int:
        """Entries known, ranked or not."""
        return self._state.slots.size
