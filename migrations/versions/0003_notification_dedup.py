"""Notifications: a dedup key (one reminder per subject and day) and the account feed index.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("dedup_key", sa.String(length=120), nullable=True))
    op.create_index("ix_notifications_account_feed", "notifications", ["account_id", "id"], unique=False)
    op.create_index("uq_notifications_dedup", "notifications", ["account_id", "dedup_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_notifications_dedup", table_name="notifications")
    op.drop_index("ix_notifications_account_feed", table_name="notifications")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("dedup_key")
