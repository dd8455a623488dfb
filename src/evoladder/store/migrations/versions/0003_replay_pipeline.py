"""replay pipeline: pending replays as durable jobs, verdicts, toon handles, replay-decided results

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Why each change:
- ``replays.attempts/error/effect``: a pending replay row is the job; ``attempts`` counts parses
  that timed out or crashed (one retry, then an admin looks), ``error`` says why a file could not be
  read, ``effect`` what its verdict did to the match. ``ix_replays_status`` finds pending rows.
- ``player_toons``: the battle.net accounts a player played with, learnt from verified replays.
- ``matches.replay_id/result_source``: which replay decided a result (or is a conflict's evidence),
  and whether reports, a replay or an admin decided it.

Revision 0002 belongs to the rating work done alongside; this one only adds to it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import evoladder.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "player_toons",
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("toon_handle", sa.String(length=32), nullable=False, comment="e.g. 2-S2-1-5450450"),
        sa.Column("first_seen", evoladder.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replay_id", sa.Integer(), nullable=True, comment="the verified replay it was learnt from"),
        sa.ForeignKeyConstraint(["player_id"], ["players.id"], name=op.f("fk_player_toons_player_id_players")),
        sa.PrimaryKeyConstraint("player_id", "toon_handle", name=op.f("pk_player_toons")),
        comment="battle.net accounts (toon handles) a player played with, learnt from verified replays",
    )
    with op.batch_alter_table("player_toons", schema=None) as batch_op:
        batch_op.create_index("ix_player_toons_handle", ["toon_handle"], unique=False)

    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "replay_id",
                sa.Integer(),
                nullable=True,
                comment="the verified replay that decided it, or its evidence",
            )
        )
        batch_op.add_column(
            sa.Column("result_source", sa.String(length=16), nullable=True, comment="reports, replay or admin")
        )

    with op.batch_alter_table("replays", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "attempts",
                sa.Integer(),
                nullable=False,
                server_default="0",  # rows stored before this revision have had no failed parse
                comment="parses that timed out or crashed",
            )
        )
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True, comment="why it could not be read or checked"))
        batch_op.add_column(
            sa.Column("effect", sa.String(length=24), nullable=True, comment="what the verdict did to the match")
        )
        batch_op.create_index("ix_replays_status", ["status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("replays", schema=None) as batch_op:
        batch_op.drop_index("ix_replays_status")
        batch_op.drop_column("effect")
        batch_op.drop_column("error")
        batch_op.drop_column("attempts")

    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_column("result_source")
        batch_op.drop_column("replay_id")

    with op.batch_alter_table("player_toons", schema=None) as batch_op:
        batch_op.drop_index("ix_player_toons_handle")

    op.drop_table("player_toons")
