"""Hot data in memory: players and their ratings.

Filled from the database (all at start, or one player on first use) and updated only with rows
returned by committed transactions, so it never shows a change that did not happen. This process
is the only writer of a deployment's ladder data; the compare-and-set updates still make a stale
entry harmless (a miss reloads it).
"""

from __future__ import annotations

from collections.abc import Iterable

from evoladder.domain.ids import PlayerId, RaceCode
from evoladder.domain.player import Player, Rating


class PlayerCache:
    def __init__(self) -> None:
        self._players: dict[PlayerId, Player] = {}
        self._ratings: dict[PlayerId, dict[RaceCode, Rating]] = {}
        self._complete: set[PlayerId] = set()

    def player(self, player_id: PlayerId) -> Player | None:
        return self._players.get(player_id)

    def ratings(self, player_id: PlayerId) -> dict[RaceCode, Rating] | None:
        """The player's ratings, or None when they were never loaded."""
        if player_id not in self._complete:
            return None
        return dict(self._ratings.get(player_id, {}))

    def rating(self, player_id: PlayerId, race: RaceCode) -> Rating | None:
        return self._ratings.get(player_id, {}).get(race)

    def put_player(self, player: Player) -> None:
        self._players[player.id] = player

    def put_loaded(self, player: Player, ratings: Iterable[Rating]) -> None:
        """A player with ALL their ratings, as read in one query."""
        self._players[player.id] = player
        self._ratings[player.id] = {r.race: r for r in ratings}
        self._complete.add(player.id)

    def put_ratings(self, ratings: Iterable[Rating]) -> None:
        for r in ratings:
            self._ratings.setdefault(r.player_id, {})[r.race] = r

    def forget(self, player_id: PlayerId) -> None:
        self._players.pop(player_id, None)
        self._ratings.pop(player_id, None)
        self._complete.discard(player_id)

    def all_players(self) -> list[Player]:
        return list(self._players.values())

    def __len__(self) -> int:
        return len(self._players)
