"""The schema, as SQLAlchemy Core tables. Alembic migrations in ``migrations/`` create it.

Conventions: Discord ids are the players' primary keys (BigInteger); race, map, country, region
and server values are the data pack's codes, validated by the services, not foreign keys (the data
pack is not stored in the database); every timestamp is a ``UTCDateTime``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from evoladder.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

players = Table(
    "players",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False, comment="Discord user id"),
    Column("discord_username", String(64), nullable=True),
    Column("in_game_name", String(32), nullable=True),
    Column("battletag", String(40), nullable=True),
    Column("alt_name_1", String(32), nullable=True),
    Column("alt_name_2", String(32), nullable=True),
    Column("country", String(2), nullable=True),
    Column("region", String(8), nullable=True),
    Column("language", String(16), nullable=True),
    Column("tos_accepted", Boolean, nullable=False, default=False),
    Column("tos_changed_at", UTCDateTime, nullable=True),
    Column("setup_completed_at", UTCDateTime, nullable=True),
    Column("is_banned", Boolean, nullable=False, default=False),
    Column("ban_reason", Text, nullable=True),
    Column("active_match_id", Integer, nullable=True, comment="set while in a created/in-progress match"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1, comment="compare-and-set counter"),
    Column("quick_start_read_at", UTCDateTime, nullable=True, comment="acknowledged the quick-start guide"),
    Column("shield_battery_ack_at", UTCDateTime, nullable=True, comment="acknowledged the BW Shield Battery notice"),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True, comment="stable leaderboard tie-breaker"),
    Column("player_id", BigInteger, ForeignKey("players.id"), nullable=False),
    Column("race", String(16), nullable=False),
    Column("mmr", Integer, nullable=False),
    Column("games_played", Integer, nullable=False, default=0),
    Column("games_won", Integer, nullable=False, default=0),
    Column("games_lost", Integer, nullable=False, default=0),
    Column("games_drawn", Integer, nullable=False, default=0),
    Column("last_played", UTCDateTime, nullable=True),
    Column("rd", Float, nullable=True, comment="rating deviation (Glicko-2); NULL under Elo"),
    Column("volatility", Float, nullable=True, comment="Glicko-2 volatility; NULL under Elo"),
    Column(
        "change_seq",
        Integer,
        nullable=False,
        default=0,
        server_default="0",
        comment="bumped by every change; the history trigger fires on it",
    ),
    Column("change_source", String(16), nullable=True),
    Column("change_match_id", Integer, nullable=True),
    Column("changed_at", UTCDateTime, nullable=True),
    UniqueConstraint("player_id", "race", name="uq_ratings_player_race"),
)

rating_history = Table(
    "rating_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("player_id", BigInteger, nullable=False),
    Column("race", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("mmr", Integer, nullable=False, comment="MMR after the change"),
    Column("delta", Integer, nullable=False, comment="MMR change (new - old)"),
    Column("played", Integer, nullable=False, comment="change in games played (0 or 1)"),
    Column("won", Integer, nullable=False, comment="change in wins"),
    Column("lost", Integer, nullable=False, comment="change in losses"),
    Column("drawn", Integer, nullable=False, comment="change in draws"),
    Column("source", String(16), nullable=False, comment="match, admin, import or season"),
    Column("match_id", Integer, nullable=True, comment="the match that caused it, if any"),
    Index("ix_rating_history_player", "player_id", "race", "at"),
    comment="every rating change, one row each, written by a trigger on ratings (migration 0004)",
)

matches = Table(
    "matches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(128), nullable=False),
    Column("player1_id", BigInteger, ForeignKey("players.id"), nullable=False),
    Column("player2_id", BigInteger, ForeignKey("players.id"), nullable=False),
    Column("race1", String(16), nullable=False),
    Column("race2", String(16), nullable=False),
    Column("mmr1", Integer, nullable=False, comment="player 1's MMR at match creation"),
    Column("mmr2", Integer, nullable=False, comment="player 2's MMR at match creation"),
    Column("rd1", Float, nullable=True, comment="player 1's rating deviation at creation (Glicko-2)"),
    Column("rd2", Float, nullable=True),
    Column("vol1", Float, nullable=True, comment="player 1's volatility at creation (Glicko-2)"),
    Column("vol2", Float, nullable=True),
    Column("map_name", String(128), nullable=False),
    Column("server", String(8), nullable=False),
    Column("channel", String(32), nullable=True, comment="in-game chat channel"),
    Column("state", String(16), nullable=False),
    Column("confirmed1_at", UTCDateTime, nullable=True),
    Column("confirmed2_at", UTCDateTime, nullable=True),
    Column("report1", Integer, nullable=True),
    Column("report2", Integer, nullable=True),
    Column("result", Integer, nullable=True, comment="0 draw, 1 player 1, 2 player 2"),
    Column("mmr_after1", Integer, nullable=True),
    Column("mmr_after2", Integer, nullable=True),
    Column("delta1", Integer, nullable=True, comment="MMR change applied to player 1"),
    Column("delta2", Integer, nullable=True, comment="MMR change applied to player 2"),
    Column("counted", Boolean, nullable=False, default=False, comment="game counts applied"),
    Column("abort_reason", String(16), nullable=True),
    Column("aborted_by", BigInteger, nullable=True),
    Column("unconfirmed", JSON, nullable=True, comment="ids that did not confirm in time"),
    Column("rating_model", String(16), nullable=False, default="elo"),
    Column("resolved_by", BigInteger, nullable=True),
    Column("resolution_reason", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("confirm_deadline", UTCDateTime, nullable=False),
    Column("confirmed_at", UTCDateTime, nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("replay_id", Integer, nullable=True, comment="the verified replay that decided it, or its evidence"),
    Column("result_source", String(16), nullable=True, comment="reports, replay or admin"),
    Column("version", Integer, nullable=False, default=1, comment="compare-and-set counter"),
    UniqueConstraint("idempotency_key", name="uq_matches_idempotency_key"),
    CheckConstraint("player1_id <> player2_id", name="distinct_players"),
    Index("ix_matches_player1", "player1_id", "created_at"),
    Index("ix_matches_player2", "player2_id", "created_at"),
    Index("ix_matches_state", "state"),
    Index("ix_matches_created", "created_at"),
)

replays = Table(
    "replays",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("match_id", Integer, ForeignKey("matches.id"), nullable=True),
    Column("uploader_id", BigInteger, ForeignKey("players.id"), nullable=True),
    Column("status", String(16), nullable=False, default="pending"),
    Column("summary", JSON, nullable=True),
    Column("verdict", JSON, nullable=True),
    Column("uploaded_at", UTCDateTime, nullable=False),
    Column("parsed_at", UTCDateTime, nullable=True),
    Column(
        "attempts", Integer, nullable=False, default=0, server_default="0", comment="parses that timed out or crashed"
    ),
    Column("error", Text, nullable=True, comment="why it could not be read or checked"),
    Column("effect", String(24), nullable=True, comment="what the verdict did to the match"),
    UniqueConstraint("sha256", "match_id", "uploader_id", name="uq_replays_upload"),
    Index("ix_replays_match", "match_id"),
    Index("ix_replays_sha256", "sha256"),
    Index("ix_replays_status", "status", "id"),
)

player_toons = Table(
    "player_toons",
    metadata,
    Column("player_id", BigInteger, ForeignKey("players.id"), primary_key=True),
    Column("toon_handle", String(32), primary_key=True, comment="e.g. 2-S2-1-5450450"),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("replay_id", Integer, nullable=True, comment="the verified replay it was learnt from"),
    Index("ix_player_toons_handle", "toon_handle"),
    comment="battle.net accounts (toon handles) a player played with, learnt from verified replays",
)

action_log = Table(
    "action_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("player_id", BigInteger, ForeignKey("players.id"), nullable=False),
    Column("action", String(32), nullable=False),
    Column("old_value", JSON, nullable=True),
    Column("new_value", JSON, nullable=True),
    Column("actor", String(32), nullable=False, default="player"),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_action_log_player", "player_id", "at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String(128), nullable=True, comment="idempotency key of the admin request"),
    Column("admin_id", BigInteger, nullable=False),
    Column("action", String(32), nullable=False),
    Column("target_player_id", BigInteger, nullable=True),
    Column("target_match_id", Integer, nullable=True),
    Column("old_value", JSON, nullable=True),
    Column("new_value", JSON, nullable=True),
    Column("reason", Text, nullable=True),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("request_id", name="uq_audit_log_request_id"),
    Index("ix_audit_log_player", "target_player_id", "at"),
    Index("ix_audit_log_match", "target_match_id", "at"),
)

abort_counts = Table(
    "abort_counts",
    metadata,
    Column("player_id", BigInteger, ForeignKey("players.id"), primary_key=True),
    Column("month", String(7), primary_key=True, comment="UTC calendar month, YYYY-MM"),
    Column("count", Integer, nullable=False, default=0),
)

preferences = Table(
    "preferences",
    metadata,
    Column("player_id", BigInteger, ForeignKey("players.id"), primary_key=True),
    Column("last_races", JSON, nullable=False, default=list),
    Column("map_vetoes", JSON, nullable=False, default=list),
    Column("updated_at", UTCDateTime, nullable=False),
)

queue_entries = Table(
    "queue_entries",
    metadata,
    Column("player_id", BigInteger, ForeignKey("players.id"), primary_key=True),
    Column("bw_race", String(16), nullable=True),
    Column("sc2_race", String(16), nullable=True),
    Column("map_vetoes", JSON, nullable=False, default=list),
    Column("region", String(8), nullable=False),
    Column("joined_at", UTCDateTime, nullable=False),
    Column("waves_waited", Integer, nullable=False, default=0),
    CheckConstraint("bw_race IS NOT NULL OR sc2_race IS NOT NULL", name="some_race"),
)

ladder_meta = Table(
    "ladder_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    comment="ladder-wide facts, e.g. which rating model rates this ladder",
)

staff = Table(
    "staff",
    metadata,
    Column("discord_id", BigInteger, primary_key=True, autoincrement=False),
    Column("role", String(8), nullable=False, comment="admin or owner"),
    Column("name", String(64), nullable=True, comment="display name when added"),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", BigInteger, nullable=True, comment="NULL: configuration or import"),
    CheckConstraint("role IN ('admin', 'owner')", name="role"),
    comment="ladder admins and owners",
)

import_issues = Table(
    "import_issues",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(32), nullable=False, comment="e.g. evoladderbot"),
    Column("source_table", String(32), nullable=False),
    Column("source_key", String(64), nullable=False, comment="the old row's id"),
    Column("kind", String(16), nullable=False, comment="skipped or adjusted"),
    Column("reason", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_import_issues_source", "source", "source_table", "kind"),
    comment="rows an import skipped or adjusted, with the reason",
)

discord_messages = Table(
    "discord_messages",
    metadata,
    Column("player_id", BigInteger, primary_key=True, autoincrement=False),
    Column("purpose", String(16), primary_key=True, comment="match, queue, reminder, ..."),
    Column("subject_id", BigInteger, primary_key=True, autoincrement=False, comment="match id, 0: none"),
    Column("channel_id", BigInteger, nullable=False),
    Column("message_id", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_discord_messages_subject", "purpose", "subject_id"),
    comment="DM messages the Discord bot edits in place (match cards, queue search)",
)

seasons = Table(
    "seasons",
    metadata,
    Column("code", String(32), primary_key=True, comment="the data pack's season code"),
    Column("started_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("started_by", BigInteger, nullable=True, comment="admin id; NULL: the first start"),
    Column("carry_over", String(16), nullable=True, comment="how ratings entered this season"),
    comment="seasons this ladder has run; the one without closed_at is current",
)

season_standings = Table(
    "season_standings",
    metadata,
    Column("season", String(32), primary_key=True),
    Column("entry_id", Integer, primary_key=True, autoincrement=False, comment="the ratings row id"),
    Column("player_id", BigInteger, nullable=False),
    Column("race", String(16), nullable=False),
    Column("position", Integer, nullable=True, comment="NULL: unranked at the close"),
    Column("letter", String(1), nullable=False),
    Column("mmr", Integer, nullable=False),
    Column("games_played", Integer, nullable=False),
    Column("games_won", Integer, nullable=False),
    Column("games_lost", Integer, nullable=False),
    Column("games_drawn", Integer, nullable=False),
    Column("last_played", UTCDateTime, nullable=True),
    Column("name", String(64), nullable=False, comment="display name at the close"),
    Column("alt_name_1", String(32), nullable=True),
    Column("alt_name_2", String(32), nullable=True),
    Column("country", String(2), nullable=True),
    Index("ix_season_standings_player", "player_id", "season"),
    comment="final standings of closed seasons, one row per player-race entry",
)
