"""Turn chosen pairs into ``ProposedMatch`` values: draw the map, look up the server.

Shared by every strategy so the map draw consumes the RNG the same way everywhere: pairs are
visited in (BW player id, SC2 player id) order and each draws once from its allowed maps.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from evoladder.domain.ids import MapName, RegionCode, ServerCode
from evoladder.domain.matchmaking.maps import MapPool
from evoladder.domain.matchmaking.model import ProposedMatch, QueueEntry, WaveResult
from evoladder.domain.matchmaking.protocol import ServerFor
from evoladder.domain.matchmaking.roster import Roster


def assemble(
    roster: Roster,
    given: Sequence[QueueEntry],
    pairs: Iterable[tuple[int, int]],
    pool: MapPool,
    server_for: ServerFor,
    rng: random.Random,
) -> WaveResult:
    """``pairs`` holds (BW player, SC2 player) roster positions; each position at most once.

    A pair with no map left is dropped and both players stay queued (strategies filter such pairs
    out beforehand, so this is a guard). Leftovers keep the order of ``given``. The draw is
    ``rng.choice`` over the allowed maps in name order, exactly as ``MapPool.draw``.
    """
    servers: dict[tuple[RegionCode, RegionCode], ServerCode] = {}
    allowed: dict[int, tuple[MapName, ...]] = {}
    matches: list[ProposedMatch] = []
    for p, q in sorted(pairs):
        a, b = roster.entries[p], roster.entries[q]
        assert a.bw is not None, "a BW role without a BW race"
        assert b.sc2 is not None, "an SC2 role without an SC2 race"
        vetoed = int(roster.veto[p]) | int(roster.veto[q])
        if vetoed not in allowed:
            allowed[vetoed] = pool.allowed(vetoed, 0)
        if not allowed[vetoed]:
            continue
        map_name = rng.choice(allowed[vetoed])
        key = (a.region, b.region)
        if key not in servers:
            servers[key] = server_for(*key)
        matches.append(
            ProposedMatch(
                player1=a.player_id,
                player2=b.player_id,
                race1=a.bw.race,
                race2=b.sc2.race,
                mmr1=a.bw.mmr,
                mmr2=b.sc2.mmr,
                map_name=map_name,
                server=servers[key],
            )
        )
    result = WaveResult(matches=tuple(matches), leftovers=())
    matched = result.matched_players
    return WaveResult(matches=result.matches, leftovers=tuple(e for e in given if e.player_id not in matched))
