"""Stats and live service results -> their schemas (see ``present`` for the privacy rule they follow)."""

from __future__ import annotations

from collections.abc import Sequence

from evoladder.domain.match import Match
from evoladder.services.queue import QueueStatus
from evoladder.services.stats import LadderStats, Matchup
from evoladder.web import stats_schemas as ss
from evoladder.web.present import Presenter

LIVE_MATCHES = 20


def matchup(m: Matchup) -> ss.MatchupOut:
    return ss.MatchupOut(
        bw_race=m.bw_race or None,
        sc2_race=m.sc2_race or None,
        games=m.games,
        bw_wins=m.bw_wins,
        sc2_wins=m.sc2_wins,
        draws=m.draws,
        bw_win_rate=m.bw_win_rate,
        bw_win_rate_ci95=m.bw_win_interval,
    )


def stats(st: LadderStats) -> ss.StatsOut:
    h = st.histogram
    return ss.StatsOut(
        computed_at=st.computed_at,
        days=st.days,
        matches_per_day=[ss.DayOut(day=d.day, created=d.created, decided=d.decided) for d in st.per_day],
        active_players_by_region=dict(st.active_by_region),
        bw_races=list(st.bw_races),
        sc2_races=list(st.sc2_races),
        race_matrix=[matchup(m) for m in st.matrix],
        overall=matchup(st.overall),
        same_game_games=st.same_game_games,
        maps=[
            ss.MapStatsOut(map=m.map_name, total=matchup(m.total), matchups=[matchup(x) for x in m.matchups])
            for m in st.maps
        ],
        mmr_histogram=ss.HistogramOut(
            width=h.width, buckets=[ss.BucketOut(low=low, high=low + h.width, entries=n) for low, n in h.buckets]
        ),
        letter_cutoffs=[
            ss.CutoffOut(
                letter=c.letter,
                entries=c.count,
                first_position=c.first_position,
                last_position=c.last_position,
                top_mmr=c.top_mmr,
                min_mmr=c.min_mmr,
            )
            for c in st.cutoffs
        ],
        ranked_entries=st.ranked_count,
    )


def live(presenter: Presenter, queue: QueueStatus, active: Sequence[Match]) -> ss.LiveOut:
    """The queue and the newest ``LIVE_MATCHES`` matches in progress (``active`` is oldest first)."""
    newest = sorted(active, key=lambda m: (m.created_at, m.id), reverse=True)[:LIVE_MATCHES]
    return ss.LiveOut(
        queue=presenter.queue(queue),
        matches_in_progress=len(active),
        matches=[
            ss.LiveMatchOut(
                id=m.id,
                state=m.state.value,
                created_at=m.created_at,
                map=m.map_name,
                server=m.server,
                player_1=presenter.ref(m.player1),
                race_1=m.race1,
                player_2=presenter.ref(m.player2),
                race_2=m.race2,
            )
            for m in newest
        ],
    )
