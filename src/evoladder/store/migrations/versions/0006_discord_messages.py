"""discord messages: which DM message shows which match (or queue search) to which player

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

Why: the Discord bot edits a match's DM card in place (confirmation, details, result, replay status)
and refreshes a player's "searching" message. After a restart it must still find those messages, so
their channel and message ids are stored, one row per (player, purpose, subject). ``subject_id`` is
the match id, or 0 for the queue search message. Rows are small and short-lived: a front-end may
delete them when the match is over.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import evoladder.store.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discord_messages",
        sa.Column("player_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False, comment="match, queue, reminder, ..."),
        sa.Column("subject_id", sa.BigInteger(), autoincrement=False, nullable=False, comment="match id, 0: none"),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", evoladder.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("player_id", "purpose", "subject_id", name=op.f("pk_discord_messages")),
        comment="DM messages the Discord bot edits in place (match cards, queue search)",
    )
    with op.batch_alter_table("discord_messages", schema=None) as batch_op:
        batch_op.create_index("ix_discord_messages_subject", ["purpose", "subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("discord_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_discord_messages_subject")
    op.drop_table("discord_messages")
