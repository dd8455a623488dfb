"""Player and rating values as the rules and front-ends see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from evoladder.domain.ids import CountryCode, MatchId, PlayerId, RaceCode, RegionCode


@dataclass(frozen=True, slots=True)
class Player:
    """A player's profile. ``version`` increases on every stored change (compare-and-set)."""

    id: PlayerId
    discord_username: str | None
    created_at: datetime
    updated_at: datetime
    in_game_name: str | None = None
    battletag: str | None = None
    alt_names: tuple[str, ...] = ()
    country: CountryCode | None = None
    region: RegionCode | None = None
    language: str | None = None
    tos_accepted: bool = False
    tos_changed_at: datetime | None = None
    setup_completed_at: datetime | None = None
    is_banned: bool = False
    ban_reason: str | None = None
    active_match_id: MatchId | None = None
    version: int = 1
    quick_start_read_at: datetime | None = None
    """When the player acknowledged the quick-start guide (``None``: ask before their first queue)."""
    shield_battery_ack_at: datetime | None = None
    """When the player acknowledged the BW Shield Battery lag notice (``None``: show it)."""

    @property
    def setup_completed(self) -> bool:
        return self.setup_completed_at is not None

    @property
    def display_name(self) -> str:
        return self.in_game_name or self.discord_username or str(self.id)


@dataclass(frozen=True, slots=True)
class Rating:
    """One player's standing with one race."""

    player_id: PlayerId
    race: RaceCode
    mmr: int
    games_played: int = 0
    games_won: int = 0
    games_lost: int = 0
    games_drawn: int = 0
    last_played: datetime | None = None
    entry_id: int = 0
    rd: float | None = None
    volatility: float | None = None

    @property
    def win_rate(self) -> float | None:
        """Wins over decided-or-drawn games, or ``None`` before the first game."""
        return self.games_won / self.games_played if self.games_played else None
