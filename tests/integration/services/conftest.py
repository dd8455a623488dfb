"""Helpers to put set-up players into a ladder."""

from __future__ import annotations

import pytest

from evoladder.app import Ladder
from evoladder.domain.ids import PlayerId
from evoladder.services.players import SetupInput

NAMES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"]


async def make_player(ladder: Ladder, pid: int, region: str = "EUW") -> PlayerId:
    await ladder.players.ensure(pid, f"user{pid}")
    await ladder.players.accept_tos(PlayerId(pid))
    name = NAMES[pid % len(NAMES)]
    await ladder.players.complete_setup(PlayerId(pid), SetupInput(name, f"{name}#{1000 + pid}", "DE", region))
    return PlayerId(pid)


@pytest.fixture
def new_player():  # type: ignore[no-untyped-def]
    return make_player
