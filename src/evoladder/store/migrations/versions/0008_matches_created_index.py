"""matches by creation time: an index for the ladder stats' matches-per-day

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

Why: the stats page counts matches per UTC day over the last N days; without an index on
``created_at`` that is a full scan of ``matches`` (~200 ms at 1M matches on PostgreSQL).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index("ix_matches_created", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index("ix_matches_created")
