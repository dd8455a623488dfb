"""EvoLadderBot's tables, as the importer reads them (and as tests and the benchmark create them).

Written from the schema reference (docs/importer.md quotes the facts used). Only the columns the
importer reads, plus the ones a faithful test database needs, are declared. Timestamps are
``LegacyTimestamp``: TIMESTAMPTZ on PostgreSQL, ISO text on SQLite, returned *raw* so that
``mapping.parse_timestamp`` can read the lenient variants old rows hold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Integer, MetaData, Table, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class LegacyTimestamp(TypeDecorator[Any]):
    """TIMESTAMPTZ on PostgreSQL, ISO text on SQLite (e.g. ``2025-11-03T22:29:00+0000``).

    Binding a ``datetime`` on SQLite writes that text form; a ``str`` is written verbatim (tests use
    it for the odd variants). Reading returns what the driver gives (text or datetime), unparsed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Text())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if dialect.name == "sqlite" and isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M:%S%z")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return value


legacy_metadata = MetaData()

players = Table(
    "players",
    legacy_metadata,
    Column("id", Integer, primary_key=True),
    Column("discord_uid", BigInteger, nullable=False, unique=True),
    Column("discord_username", Text),
    Column("player_name", Text),
    Column("battletag", Text),
    Column("alt_player_name_1", Text),
    Column("alt_player_name_2", Text),
    Column("country", Text),
    Column("region", Text),
    Column("accepted_tos", Boolean),
    Column("accepted_tos_date", LegacyTimestamp),
    Column("completed_setup", Boolean),
    Column("completed_setup_date", LegacyTimestamp),
    Column("activation_code", Text),
    Column("created_at", LegacyTimestamp),
    Column("updated_at", LegacyTimestamp),
    Column("remaining_aborts", Integer, server_default="3"),
    Column("player_state", Text),
    Column("shield_battery_bug", Boolean),
    Column("is_banned", Boolean),
    Column("read_quick_start_guide", Boolean),
)

mmrs_1v1 = Table(
    "mmrs_1v1",
    legacy_metadata,
    Column("id", Integer, primary_key=True),
    Column("discord_uid", BigInteger, nullable=False),
    Column("player_name", Text),
    Column("race", Text, nullable=False),
    Column("mmr", Integer),
    Column("games_played", Integer),
    Column("games_won", Integer),
    Column("games_lost", Integer),
    Column("games_drawn", Integer),
    Column("last_played", LegacyTimestamp),
)

matches_1v1 = Table(
    "matches_1v1",
    legacy_metadata,
    Column("id", Integer, primary_key=True),
    Column("player_1_discord_uid", BigInteger),
    Column("player_2_discord_uid", BigInteger),
    Column("player_1_race", Text),
    Column("player_2_race", Text),
    Column("player_1_mmr", Integer),
    Column("player_2_mmr", Integer),
    Column("player_1_report", Integer),
    Column("player_2_report", Integer),
    Column("match_result", Integer),
    Column("mmr_change", Integer),
    Column("map_played", Text),
    Column("server_used", Text),
    Column("played_at", LegacyTimestamp),
    Column("updated_at", LegacyTimestamp),
    Column("player_1_replay_path", Text),
    Column("player_2_replay_path", Text),
    Column("player_1_replay_time", LegacyTimestamp),
    Column("player_2_replay_time", LegacyTimestamp),
)

preferences_1v1 = Table(
    "preferences_1v1",
    legacy_metadata,
    Column("discord_uid", BigInteger, primary_key=True, autoincrement=False),
    Column("last_chosen_races", Text),
    Column("last_chosen_vetoes", Text),
)

replays = Table(
    "replays",
    legacy_metadata,
    Column("id", Integer, primary_key=True),
    Column("replay_path", Text, unique=True),
    Column("replay_hash", Text),
    Column("replay_date", LegacyTimestamp),
    Column("player_1_name", Text),
    Column("player_2_name", Text),
    Column("player_1_race", Text),
    Column("player_2_race", Text),
    Column("result", Integer),
    Column("player_1_handle", Text),
    Column("player_2_handle", Text),
    Column("observers", Text),
    Column("map_name", Text),
    Column("duration", Integer),
    Column("game_privacy", Text),
    Column("game_speed", Text),
    Column("game_duration_setting", Text),
    Column("locked_alliances", Text),
    Column("cache_handles", Text),
    Column("uploaded_at", LegacyTimestamp),
)

player_action_logs = Table(
    "player_action_logs",
    legacy_metadata,
    Column("id", Integer, primary_key=True),
    Column("discord_uid", BigInteger),
    Column("player_name", Text),
    Column("setting_name", Text),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("changed_at", LegacyTimestamp),
    Column("changed_by", Text),
)

admin_actions = Table(
    "admin_actions",
    legacy_metadata,
    Column("id", Integer, primary_key=True),
    Column("admin_discord_uid", BigInteger),
    Column("admin_username", Text),
    Column("action_type", Text),
    Column("target_player_uid", BigInteger),
    Column("target_match_id", Integer),
    Column("action_details", Text),
    Column("reason", Text),
    Column("performed_at", LegacyTimestamp),
)

command_calls = Table(
    "command_calls",
    legacy_metadata,
    Column("id", Integer, primary_key=True),
    Column("discord_uid", BigInteger),
    Column("player_name", Text),
    Column("command", Text),
    Column("called_at", LegacyTimestamp),
)
"""Declared so test databases look real; the importer does not read it (a raw command log)."""
