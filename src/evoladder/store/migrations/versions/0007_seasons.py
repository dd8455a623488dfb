"""seasons: which season is current, and each closed season's frozen final standings

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

Why:
- ``seasons``: one row per season the ladder has run; the row without ``closed_at`` is the current
  one. The data pack defines the seasons (name, start date, map pool); the database records which
  one this ladder is in, since a rollover is an admin action, not a date.
- ``season_standings``: every player-race entry as it stood when its season closed (position and
  letter for ranked entries, NULL/U for the rest), so past boards are read, never recomputed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import evoladder.store.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seasons",
        sa.Column("code", sa.String(length=32), nullable=False, comment="the data pack's season code"),
        sa.Column("started_at", evoladder.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", evoladder.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.BigInteger(), nullable=True, comment="admin id; NULL: the first start"),
        sa.Column("carry_over", sa.String(length=16), nullable=True, comment="how ratings entered this season"),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_seasons")),
        comment="seasons this ladder has run; the one without closed_at is current",
    )
    op.create_table(
        "season_standings",
        sa.Column("season", sa.String(length=32), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False, comment="the ratings row id"),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("race", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True, comment="NULL: unranked at the close"),
        sa.Column("letter", sa.String(length=1), nullable=False),
        sa.Column("mmr", sa.Integer(), nullable=False),
        sa.Column("games_played", sa.Integer(), nullable=False),
        sa.Column("games_won", sa.Integer(), nullable=False),
        sa.Column("games_lost", sa.Integer(), nullable=False),
        sa.Column("games_drawn", sa.Integer(), nullable=False),
        sa.Column("last_played", evoladder.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False, comment="display name at the close"),
        sa.Column("alt_name_1", sa.String(length=32), nullable=True),
        sa.Column("alt_name_2", sa.String(length=32), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.PrimaryKeyConstraint("season", "entry_id", name=op.f("pk_season_standings")),
        comment="final standings of closed seasons, one row per player-race entry",
    )
    with op.batch_alter_table("season_standings", schema=None) as batch_op:
        batch_op.create_index("ix_season_standings_player", ["player_id", "season"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("season_standings", schema=None) as batch_op:
        batch_op.drop_index("ix_season_standings_player")
    op.drop_table("season_standings")
    op.drop_table("seasons")
