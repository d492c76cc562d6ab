"""Indexes for the hot lists at national scale: the officers' queues, a provider's orders and claims,
an account's unread notifications.

Each serves a list's filter and its order together, so the list is one index range that stops
after a page. Measured with EXPLAIN ANALYZE on PostgreSQL at national scale (docs/PERFORMANCE.md):

- ``ix_compensation_claims_queue``: an officer's claim queue, ``WHERE region_id = ? AND status = ?
  ORDER BY due_date, id``, walked ``ix_compensation_claims_due_date`` from the oldest due date past
  ~850,000 decided claims: 1,137 ms, now 0.36 ms;
- ``ix_applications_queue``: the same query on applications (971 ms on a national-size table,
  0.11 ms);
- ``ix_orders_provider_feed``: a big provider's incoming orders, newest first, walked the whole
  orders table backwards by id filtering on the provider (15 ms, longer for older pages);
- ``ix_compensation_claims_provider_feed``: a provider's claims, latest due first (25 ms);
- ``ix_notifications_unread`` (partial, unread only): ``unreadOnly`` and the unread count read
  every notification of an account (23 ms and 5 ms for a busy provider; 0.6 and 0.3 ms).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNREAD = "read_at IS NULL"


def upgrade() -> None:
    op.create_index("ix_compensation_claims_queue", "compensation_claims",
                    ["region_id", "status", "due_date", "id"], unique=False)
    op.create_index("ix_compensation_claims_provider_feed", "compensation_claims",
                    ["provider_id", "due_date", "id"], unique=False)
    op.create_index("ix_applications_queue", "applications", ["region_id", "status", "due_date", "id"], unique=False)
    op.create_index("ix_orders_provider_feed", "orders", ["provider_id", "id"], unique=False)
    op.create_index("ix_notifications_unread", "notifications", ["account_id", "id"], unique=False,
                    sqlite_where=sa.text(UNREAD), postgresql_where=sa.text(UNREAD))


def downgrade() -> None:
    op.drop_index("ix_notifications_unread", table_name="notifications")
    op.drop_index("ix_orders_provider_feed", table_name="orders")
    op.drop_index("ix_applications_queue", table_name="applications")
    op.drop_index("ix_compensation_claims_provider_feed", table_name="compensation_claims")
    op.drop_index("ix_compensation_claims_queue", table_name="compensation_claims")
