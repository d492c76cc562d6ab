"""One provider claim per order, one claim per receipt; service-log hours check fits scaled storage.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "uq_compensation_claims_provider_order", "compensation_claims", ["order_id"], unique=True,
        sqlite_where=sa.text("kind = 'PROVIDER_ORDER'"), postgresql_where=sa.text("kind = 'PROVIDER_ORDER'"),
    )
    op.create_index(
        "uq_compensation_claims_receipt", "compensation_claims", ["receipt_id"], unique=True,
        sqlite_where=sa.text("receipt_id IS NOT NULL"), postgresql_where=sa.text("receipt_id IS NOT NULL"),
    )
    with op.batch_alter_table("service_logs") as batch:
        batch.drop_constraint(op.f("ck_service_logs_hours_range"), type_="check")
        batch.create_check_constraint("hours_positive", "hours > 0")


def downgrade() -> None:
    with op.batch_alter_table("service_logs") as batch:
        batch.drop_constraint(op.f("ck_service_logs_hours_positive"), type_="check")
        batch.create_check_constraint("hours_range", "hours > 0 AND hours <= 24")
    op.drop_index("uq_compensation_claims_receipt", table_name="compensation_claims")
    op.drop_index("uq_compensation_claims_provider_order", table_name="compensation_claims")
