"""Matchmaking: who plays whom in a wave, on which map and server. Pure domain code.

The service collects the queue every ``MatcherConfig.wave_interval_seconds``, calls
``strategy.run_wave(entries, pool, server_for, rng)``, re-checks each ``ProposedMatch`` against live
state, creates the matches, and queues ``result.carried_over()`` (leftovers one wave older).

Two strategies share that contract (``MatchingStrategy``): ``BaselineMatcher``, the old bot's
greedy rules kept as a yardstick, and ``GlobalMatcher``, ours (min-cost global pairing).

Modules: ``model`` (values), ``config`` (every parameter), ``protocol`` (the strategy contract),
``window`` (window and wait functions), ``maps`` (pool, vetoes, draw), ``roster`` (queue as
arrays), ``candidates`` (acceptable pairs), ``greedy`` (vectorised greedy matching), ``assignment``
(min-cost matching), ``repair`` (no double use of "both" players), ``augment`` and ``blossom``
(fit more pairs in), ``assemble`` (map and server for chosen pairs), ``baseline`` and
``global_matcher`` (the strategies).
"""

from evoladder.domain.matchmaking.baseline import BaselineMatcher, stronger_side
from evoladder.domain.matchmaking.config import BaselineParams, GlobalParams, MapKindRule, MatcherConfig
from evoladder.domain.matchmaking.global_matcher import GlobalMatcher
from evoladder.domain.matchmaking.maps import MapPool
from evoladder.domain.matchmaking.model import (
    MAX_VETOES,
    Game,
    MapChoice,
    ProposedMatch,
    QueueEntry,
    RacePick,
    WaveResult,
)
from evoladder.domain.matchmaking.protocol import MatchingStrategy, ServerFor

__all__ = [
    "MAX_VETOES",
    "BaselineMatcher",
    "BaselineParams",
    "Game",
    "GlobalMatcher",
    "GlobalParams",
    "MapChoice",
    "MapKindRule",
    "MapPool",
    "MatcherConfig",
    "MatchingStrategy",
    "ProposedMatch",
    "QueueEntry",
    "RacePick",
    "ServerFor",
    "WaveResult",
    "stronger_side",
]
