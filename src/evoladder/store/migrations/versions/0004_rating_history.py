"""rating history: one row per rating change, written by the database in the same statement's transaction

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Why:
- Profiles and the web chart MMR over time per race. Reconstructing that from matches on every read
  is slow and misses admin adjustments, so every change is stored as it happens.
- ``ratings.change_seq/change_source/change_match_id/changed_at`` say what the latest change to a
  row was. Every writer bumps ``change_seq`` in the UPDATE it already runs.
- A trigger on ``ratings`` copies each change into ``rating_history``. The history is written in the
  same transaction as the rating itself, by every writer, at no extra round trip: completing a match
  stays three write statements. Trigger syntax differs between SQLite and PostgreSQL; the effect is
  the same.

Note for later migrations: a SQLite batch migration that *recreates* ``ratings`` drops its triggers.
Re-create them with :func:`create_history_trigger` after such a migration.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import evoladder.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "player_id, race, at, mmr, delta, played, won, lost, drawn, source, match_id"
_VALUES = (
    "NEW.player_id, NEW.race, NEW.changed_at, NEW.mmr, NEW.mmr - OLD.mmr,"
    " NEW.games_played - OLD.games_played, NEW.games_won - OLD.games_won, NEW.games_lost - OLD.games_lost,"
    " NEW.games_drawn - OLD.games_drawn, NEW.change_source, NEW.change_match_id"
)


def create_history_trigger() -> None:
    """Create the trigger that copies each rating change into ``rating_history``."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION ratings_record_history() RETURNS trigger AS $$
            BEGIN
                INSERT INTO rating_history ({_COLUMNS}) VALUES ({_VALUES});
                RETURN NULL;
            END
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER trg_ratings_history AFTER UPDATE ON ratings FOR EACH ROW"
            " WHEN (NEW.change_seq <> OLD.change_seq) EXECUTE FUNCTION ratings_record_history()"
        )
    else:
        op.execute(
            "CREATE TRIGGER trg_ratings_history AFTER UPDATE OF change_seq ON ratings"
            " WHEN NEW.change_seq <> OLD.change_seq"
            f" BEGIN INSERT INTO rating_history ({_COLUMNS}) VALUES ({_VALUES}); END"
        )


def drop_history_trigger() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_ratings_history ON ratings")
        op.execute("DROP FUNCTION IF EXISTS ratings_record_history()")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_ratings_history")


def upgrade() -> None:
    op.create_table(
        "rating_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("race", sa.String(length=16), nullable=False),
        sa.Column("at", evoladder.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("mmr", sa.Integer(), nullable=False, comment="MMR after the change"),
        sa.Column("delta", sa.Integer(), nullable=False, comment="MMR change (new - old)"),
        sa.Column("played", sa.Integer(), nullable=False, comment="change in games played (0 or 1)"),
        sa.Column("won", sa.Integer(), nullable=False, comment="change in wins"),
        sa.Column("lost", sa.Integer(), nullable=False, comment="change in losses"),
        sa.Column("drawn", sa.Integer(), nullable=False, comment="change in draws"),
        sa.Column("source", sa.String(length=16), nullable=False, comment="match, admin, import or season"),
        sa.Column("match_id", sa.Integer(), nullable=True, comment="the match that caused it, if any"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_history")),
        comment="every rating change, one row each, written by a trigger on ratings (migration 0004)",
    )
    with op.batch_alter_table("rating_history", schema=None) as batch_op:
        batch_op.create_index("ix_rating_history_player", ["player_id", "race", "at"], unique=False)

    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "change_seq",
                sa.Integer(),
                nullable=False,
                server_default="0",
                comment="bumped by every change; the history trigger fires on it",
            )
        )
        batch_op.add_column(sa.Column("change_source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("change_match_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("changed_at", evoladder.store.types.UTCDateTime(timezone=True), nullable=True))
    create_history_trigger()


def downgrade() -> None:
    drop_history_trigger()
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
        batch_op.drop_column("change_match_id")
        batch_op.drop_column("change_source")
        batch_op.drop_column("change_seq")
    with op.batch_alter_table("rating_history", schema=None) as batch_op:
        batch_op.drop_index("ix_rating_history_player")
    op.drop_table("rating_history")
