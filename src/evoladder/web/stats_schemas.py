"""Response schemas of the stats and live reads (``/api/v1/stats``, ``/api/v1/live``, the SSE panel).

Kept beside ``schemas`` (same base, same ``extra="forbid"`` rule) so the slices that add them do not
edit one shared file. Stats carry no player at all; live matches name players by ``PlayerRef`` only.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from evoladder.web.schemas import PlayerRef, QueueStatusOut, Schema


class DayOut(Schema):
    day: date = Field(description="UTC day.")
    created: int = Field(description="Matches created that day.")
    decided: int = Field(description="Of those, matches decided (completed with a result).")


class MatchupOut(Schema):
    bw_race: str | None = Field(description="BW race code; null in totals over several races.")
    sc2_race: str | None
    games: int = Field(description="Decided games (draws included).")
    bw_wins: int
    sc2_wins: int
    draws: int
    bw_win_rate: float | None = Field(description="BW wins / games; null without games.")
    bw_win_rate_ci95: tuple[float, float] | None = Field(description="95 % Wilson score interval of bw_win_rate.")


class MapStatsOut(Schema):
    map: str
    total: MatchupOut
    matchups: list[MatchupOut] = Field(description="Every BW x SC2 race pair, in race_matrix order.")


class BucketOut(Schema):
    low: int = Field(description="Lowest MMR in the bucket (inclusive).")
    high: int = Field(description="Upper bound (exclusive).")
    entries: int


class HistogramOut(Schema):
    width: int
    buckets: list[BucketOut]


class CutoffOut(Schema):
    letter: str
    entries: int
    first_position: int | None
    last_position: int | None
    top_mmr: int | None = Field(description="MMR at the letter's best position.")
    min_mmr: int | None = Field(description="MMR at the letter's last position: the cut-off to hold it.")


class StatsOut(Schema):
    computed_at: datetime = Field(description="When the aggregates were read (cached for up to 30 s).")
    days: int
    matches_per_day: list[DayOut]
    active_players_by_region: dict[str, int] = Field(
        description="Players with a rated game in the last `days`, by region code (empty string: none set)."
    )
    bw_races: list[str]
    sc2_races: list[str]
    race_matrix: list[MatchupOut] = Field(description="Row-major: BW races x SC2 races; decided matches only.")
    overall: MatchupOut
    same_game_games: int = Field(description="Decided games between two races of the same game (not in the matrix).")
    maps: list[MapStatsOut]
    mmr_histogram: HistogramOut = Field(description="Ranked entries per MMR bucket.")
    letter_cutoffs: list[CutoffOut]
    ranked_entries: int


class LiveMatchOut(Schema):
    id: int
    state: str
    created_at: datetime
    map: str
    server: str
    player_1: PlayerRef
    race_1: str
    player_2: PlayerRef
    race_2: str


class LiveOut(Schema):
    queue: QueueStatusOut
    matches_in_progress: int = Field(description="Matches created or being played right now.")
    matches: list[LiveMatchOut] = Field(description="The newest matches in progress (at most 20).")
