"""import and staff: acknowledgements on players, the staff table, the importer's issue list

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Why each change:
- ``players.quick_start_read_at/shield_battery_ack_at``: the old bot recorded whether a player read
  the quick-start guide and acknowledged the BW Shield Battery notice; the importer brings both over
  and the front-ends can ask again when they are NULL.
- ``staff``: admins and owners live in the database (not in a JSON file rewritten at runtime);
  seeded from configuration or imported from the old admin file.
- ``import_issues``: every row an import skipped or adjusted, with the reason, written in the same
  transaction as the batch that met it, so the report after a resumed run still lists everything.

Adds columns only (no table is recreated), so the ratings history trigger of 0004 is untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import evoladder.store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("players", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "quick_start_read_at",
                evoladder.store.types.UTCDateTime(timezone=True),
                nullable=True,
                comment="acknowledged the quick-start guide",
            )
        )
        batch_op.add_column(
            sa.Column(
                "shield_battery_ack_at",
                evoladder.store.types.UTCDateTime(timezone=True),
                nullable=True,
                comment="acknowledged the BW Shield Battery notice",
            )
        )

    op.create_table(
        "staff",
        sa.Column("discord_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False, comment="admin or owner"),
        sa.Column("name", sa.String(length=64), nullable=True, comment="display name when added"),
        sa.Column("added_at", evoladder.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=True, comment="NULL: configuration or import"),
        sa.CheckConstraint("role IN ('admin', 'owner')", name=op.f("ck_staff_role")),
        sa.PrimaryKeyConstraint("discord_id", name=op.f("pk_staff")),
        comment="ladder admins and owners",
    )

    op.create_table(
        "import_issues",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False, comment="e.g. evoladderbot"),
        sa.Column("source_table", sa.String(length=32), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False, comment="the old row's id"),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="skipped or adjusted"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", evoladder.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_issues")),
        comment="rows an import skipped or adjusted, with the reason",
    )
    with op.batch_alter_table("import_issues", schema=None) as batch_op:
        batch_op.create_index("ix_import_issues_source", ["source", "source_table", "kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_issues", schema=None) as batch_op:
        batch_op.drop_index("ix_import_issues_source")
    op.drop_table("import_issues")
    op.drop_table("staff")
    with op.batch_alter_table("players", schema=None) as batch_op:
        batch_op.drop_column("shield_battery_ack_at")
        batch_op.drop_column("quick_start_read_at")
