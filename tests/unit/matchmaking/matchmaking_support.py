"""Builders and hypothesis strategies shared by the matchmaking tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from evoladder.domain.ids import MapName, PlayerId, RaceCode, RegionCode, ServerCode
from evoladder.domain.matchmaking import (
    BaselineMatcher,
    Game,
    GlobalMatcher,
    GlobalParams,
    MapChoice,
    MatcherConfig,
    MatchingStrategy,
    QueueEntry,
    RacePick,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
MAPS = tuple(MapName(n) for n in ("Alpha", "Bravo", "Charlie", "Delta", "Echo"))
POOL = tuple(MapChoice(name) for name in MAPS)
REGIONS = tuple(RegionCode(r) for r in ("EUW", "NAE", "KRJ"))


def entry(
    pid: int,
    *,
    bw: int | None = None,
    sc2: int | None = None,
    waves: int = 0,
    vetoes: tuple[str, ...] = (),
    region: str = "EUW",
) -> QueueEntry:
    """A queue entry; ``bw``/``sc2`` are MMRs (None: not queued with that game)."""
    return QueueEntry(
        player_id=PlayerId(pid),
        region=RegionCode(region),
        joined_at=T0 - timedelta(seconds=45 * waves),
        bw=RacePick(RaceCode("bw_zerg"), bw) if bw is not None else None,
        sc2=RacePick(RaceCode("sc2_terran"), sc2) if sc2 is not None else None,
        vetoes=frozenset(MapName(v) for v in vetoes),
        waves_waited=waves,
    )


def server_for(a: RegionCode, b: RegionCode) -> ServerCode:
    """A deterministic stand-in cross-table whose answer reveals its arguments."""
    return ServerCode(f"{a}>{b}")


def strategies() -> list[MatchingStrategy]:
    return [BaselineMatcher(), GlobalMatcher()]


def small_band_global() -> GlobalMatcher:
    """Our matcher with tiny bands and few candidates, to exercise cuts, rounds and the sweep."""
    return GlobalMatcher(MatcherConfig(matcher=GlobalParams(band_size=4, candidates_per_side=1, rounds=2)))


@st.composite
def queues(draw: st.DrawFn, max_size: int = 30) -> list[QueueEntry]:
    """Random queues: any mix of BW-only, SC2-only and both; vetoes that sometimes leave no map."""
    n = draw(st.integers(0, max_size))
    ids = draw(st.lists(st.integers(1, 10**6), min_size=n, max_size=n, unique=True))
    mmr = st.integers(800, 2200)
    out = []
    for pid in ids:
        kind = draw(st.sampled_from([Game.BW, Game.SC2, None]))
        out.append(
            entry(
                pid,
                bw=draw(mmr) if kind is not Game.SC2 else None,
                sc2=draw(mmr) if kind is not Game.BW else None,
                waves=draw(st.integers(0, 6)),
                vetoes=tuple(draw(st.lists(st.sampled_from(MAPS), max_size=4, unique=True))),
                region=draw(st.sampled_from(REGIONS)),
            )
        )
    return out
