"""The two games of SC: Evo Complete. A match is always one of each."""

from __future__ import annotations

from enum import StrEnum


class Game(StrEnum):
    """Which game's units a race plays (and which kind of map a map is): Brood War or StarCraft II."""

    BW = "bw"
    SC2 = "sc2"

    @property
    def other(self) -> Game:
        return Game.SC2 if self is Game.BW else Game.BW
