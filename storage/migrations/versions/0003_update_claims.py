"""update claims: owner and lease on processed_updates, index on processed_at

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_updates") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=128), nullable=True))
        batch.add_column(
            sa.Column("claimed_until", storage.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch.alter_column(
            "processed_at",
            existing_type=storage.models.UtcDateTime(timezone=True),
            nullable=True,
        )
        batch.create_index("ix_processed_updates_processed_at", ["processed_at"])


def downgrade() -> None:
    op.execute("DELETE FROM processed_updates WHERE processed_at IS NULL")
    with op.batch_alter_table("processed_updates") as batch:
        batch.drop_index("ix_processed_updates_processed_at")
        batch.alter_column(
            "processed_at",
            existing_type=storage.models.UtcDateTime(timezone=True),
            nullable=False,
        )
        batch.drop_column("claimed_until")
        batch.drop_column("owner")
