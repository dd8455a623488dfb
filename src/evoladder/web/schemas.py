"""Response schemas of the JSON API, one per use.

Privacy rule: these models are the only shapes that leave the web, and none has a field for a
Discord id, a Discord username, a ban reason, a toon handle, an uploader or an admin's id. Players
appear as ``PlayerRef`` under their public id. ``battletag`` exists on ``PlayerOut`` only and is
``null`` unless ``EVOLADDER_WEB_PUBLISH_BATTLETAGS`` is on. ``extra="forbid"`` makes a presenter that
passes a field we did not declare fail loudly instead of leaking it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlayerRef(Schema):
    id: str = Field(description="Public player id (opaque, stable); never the Discord id.")
    name: str
    country: str | None = Field(default=None, description="ISO 3166 alpha-2 code, or XX / ZZ.")


class LeaderboardRow(Schema):
    position: int = Field(description="Global position among ranked entries (1-based), whatever the filters.")
    letter: str
    player: PlayerRef
    race: str
    mmr: int
    games_played: int
    wins: int
    losses: int
    draws: int
    win_rate: float | None
    last_played: datetime


class LeaderboardFilters(Schema):
    races: list[str]
    countries: list[str]
    ranks: list[str]
    best_race: bool
    name: str
    season: str = Field(description="The season shown: the current one (live) or a closed one (final standings).")


class LeaderboardPage(Schema):
    rows: list[LeaderboardRow]
    page: int
    page_size: int
    total_entries: int = Field(description="Entries matching the filters.")
    total_pages: int
    ranked_count: int = Field(description="Ranked entries on the whole board.")
    version: int = Field(description="Board version; changes whenever a reader could see a change.")
    filters: LeaderboardFilters


class RaceStanding(Schema):
    race: str
    mmr: int
    letter: str
    status: Literal["ranked", "no_games", "inactive", "banned"]
    position: int | None
    ranked_count: int
    percentile: float | None
    top_percent: float | None
    games_played: int
    wins: int
    losses: int
    draws: int
    win_rate: float | None
    last_played: datetime | None
    ranked_until: datetime | None


class MatchSummary(Schema):
    """One of a player's matches, from that player's side."""

    id: int
    at: datetime
    race: str
    opponent: PlayerRef
    opponent_race: str
    map: str
    server: str
    state: str
    outcome: Literal["win", "loss", "draw"] | None
    mmr_before: int
    mmr_change: int | None


class HeadToHeadRecord(Schema):
    opponent: PlayerRef
    games: int
    wins: int
    losses: int
    draws: int
    win_rate: float | None
    last_played: datetime | None


class PlayerOut(Schema):
    id: str
    name: str
    alt_names: list[str]
    country: str | None
    region: str | None
    banned: bool
    battletag: str | None = Field(default=None, description="Null unless the ladder publishes BattleTags.")


class PlayerProfileOut(Schema):
    player: PlayerOut
    races: list[RaceStanding]
    recent_matches: list[MatchSummary]
    head_to_head: list[HeadToHeadRecord]


class HistoryPointOut(Schema):
    at: datetime
    mmr: int
    change: int
    source: str
    match_id: int | None


class RaceHistory(Schema):
    race: str
    points: list[HistoryPointOut]


class PlayerHistoryOut(Schema):
    player: PlayerRef
    races: list[RaceHistory]


class PlayerMatchesOut(Schema):
    player: PlayerRef
    matches: list[MatchSummary]
    limit: int


class MatchSide(Schema):
    player: PlayerRef
    race: str
    mmr_before: int
    mmr_change: int | None
    mmr_after: int | None
    confirmed: bool


class ReplayCheckOut(Schema):
    check: str
    verdict: str
    message_code: str


class ReplayOut(Schema):
    id: int
    status: str
    overall: str | None
    result: str | None = Field(description="player_1, player_2 or draw when the replay passed every check.")
    checks: list[ReplayCheckOut]
    download_url: str | None = Field(description="Only when the ladder allows replay downloads.")


class MatchOut(Schema):
    id: int
    state: str
    created_at: datetime
    completed_at: datetime | None
    map: str
    server: str
    player_1: MatchSide
    player_2: MatchSide
    result: Literal["player_1", "player_2", "draw"] | None
    result_source: str | None
    abort_reason: str | None
    replays: list[ReplayOut]


class QueueStatusOut(Schema):
    waiting: int
    by_race: dict[str, int]
    by_region: dict[str, int]
    next_wave_at: datetime
    seconds_to_next_wave: float


class Check(Schema):
    status: Literal["ok", "down", "not_run_here"]
    detail: str | None = None


class HealthOut(Schema):
    status: Literal["ok", "unavailable"]
    checks: dict[str, Check] = Field(default_factory=dict)
