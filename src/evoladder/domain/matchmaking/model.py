"""Values the matcher reads and writes: queue entries in, proposed matches and leftovers out.

Everything is a frozen dataclass validated on construction, so a strategy can trust its input and
the service can hand the output straight to the store. Sides are named by ``Game``: a match is
always one BW race (``player1``) against one SC2 race (``player2``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from evoladder.domain.errors import InvalidInput
from evoladder.domain.games import Game as Game
from evoladder.domain.ids import MapName, PlayerId, RaceCode, RegionCode, ServerCode

MAX_VETOES = 4
"""A player may veto at most this many maps (the old ladder's rule)."""

RACE_PREFIXES = {"bw": "bw_", "sc2": "sc2_"}
"""Race codes of the data pack start with their game; checked so a race cannot sit on the wrong side."""


@dataclass(frozen=True, slots=True)
class RacePick:
    """One race a player queues with, and that race's current MMR."""

    race: RaceCode
    mmr: int


@dataclass(frozen=True, slots=True)
class MapChoice:
    """A map of the season pool. ``kind`` optionally ties it to one game (see ``MapKindRule``)."""

    name: MapName
    kind: Game | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueEntry:
    """One queued player as the matcher sees them.

    A player queues with a BW race, an SC2 race, or one of each ("both"); a "both" player may be
    placed on either side. ``waves_waited`` counts the waves this player has already been left over
    in (0 on the first wave); the service increments it (see ``WaveResult.carried_over``).

    Raises ``InvalidInput`` when no race is given, a race code names the other game, more than
    ``MAX_VETOES`` maps are vetoed, or ``waves_waited`` is negative.
    """

    player_id: PlayerId
    region: RegionCode
    joined_at: datetime
    bw: RacePick | None = None
    sc2: RacePick | None = None
    vetoes: frozenset[MapName] = field(default_factory=frozenset)
    waves_waited: int = 0

    def __post_init__(self) -> None:
        if self.bw is None and self.sc2 is None:
            raise InvalidInput(
                f"Player {self.player_id} must queue with a BW race, an SC2 race, or both.",
                field="races",
                reason="no_race",
                player_id=self.player_id,
            )
        for game, pick in ((Game.BW, self.bw), (Game.SC2, self.sc2)):
            if pick is not None and not pick.race.startswith(RACE_PREFIXES[game.value]):
                raise InvalidInput(
                    f"Race {pick.race!r} cannot be queued as the {game.value} race.",
                    field=game.value,
                    reason="race_of_other_game",
                    race=pick.race,
                )
        if len(self.vetoes) > MAX_VETOES:
            raise InvalidInput(
                f"At most {MAX_VETOES} map vetoes are allowed, got {len(self.vetoes)}.",
                field="vetoes",
                reason="too_many_vetoes",
                limit=MAX_VETOES,
                count=len(self.vetoes),
            )
        if self.waves_waited < 0:
            raise InvalidInput(
                f"waves_waited must be >= 0, got {self.waves_waited}.",
                field="waves_waited",
                reason="negative",
                value=self.waves_waited,
            )

    @property
    def is_both(self) -> bool:
        return self.bw is not None and self.sc2 is not None

    def pick(self, side: Game) -> RacePick | None:
        """The race and MMR this player would play on ``side``, or None if they cannot take it."""
        return self.bw if side is Game.BW else self.sc2

    def waited_one_more(self) -> QueueEntry:
        """The same entry one wave older: what the service queues again after a wave left it over."""
        return replace(self, waves_waited=self.waves_waited + 1)


@dataclass(frozen=True, slots=True)
class ProposedMatch:
    """A pair proposed by a wave. Player 1 plays the BW race, player 2 the SC2 race.

    The MMRs are the ones the pair was judged on; the service re-checks live state before creating
    the match (a player may have left the queue meanwhile).
    """

    player1: PlayerId
    player2: PlayerId
    race1: RaceCode
    race2: RaceCode
    mmr1: int
    mmr2: int
    map_name: MapName
    server: ServerCode

    @property
    def mmr_gap(self) -> int:
        return abs(self.mmr1 - self.mmr2)


@dataclass(frozen=True, slots=True)
class WaveResult:
    """What one wave decided: the pairs, and every entry that was not paired (in input order)."""

    matches: tuple[ProposedMatch, ...]
    leftovers: tuple[QueueEntry, ...]

    @property
    def matched_players(self) -> frozenset[PlayerId]:
        return frozenset(p for m in self.matches for p in (m.player1, m.player2))

    def carried_over(self) -> tuple[QueueEntry, ...]:
        """The leftovers aged by one wave, ready to be queued for the next wave."""
        return tuple(entry.waited_one_more() for entry in self.leftovers)
