"""nudges may ring; a disease worry typed during a triage

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("ring_nudges", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("triage_sessions") as batch:
        batch.add_column(
            sa.Column("worry_typed", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("triage_sessions") as batch:
        batch.drop_column("worry_typed")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("ring_nudges")
