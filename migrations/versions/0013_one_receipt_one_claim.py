"""One receipt file, one claim: a claim keeps the SHA-256 of its receipt's bytes under a unique
index, so the same file uploaded again (by anyone) cannot back a second claim however requests
race; and a claim approved for less than was claimed keeps the reason.

Existing claims get their receipt's digest; where the same bytes already back several claims,
only the earliest keeps it (the others were the double claims this closes).

Revision ID: 0013_one_receipt_one_claim
Revises: 0012_course_start
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_one_receipt_one_claim"
down_revision: str | None = "0012_course_start"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAS_DIGEST = "receipt_sha256 IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("compensation_claims") as batch:
        batch.add_column(sa.Column("receipt_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("reduction_reason", sa.String(length=1000), nullable=True))
    op.execute("""
        UPDATE compensation_claims SET receipt_sha256 = (
            SELECT r.sha256 FROM receipts r WHERE r.id = compensation_claims.receipt_id)
        WHERE receipt_id IS NOT NULL AND id = (
            SELECT min(c.id) FROM compensation_claims c JOIN receipts r ON r.id = c.receipt_id
            WHERE r.sha256 = (SELECT sha256 FROM receipts WHERE id = compensation_claims.receipt_id))""")
    op.create_index("uq_compensation_claims_receipt_sha256", "compensation_claims", ["receipt_sha256"], unique=True,
                    sqlite_where=sa.text(HAS_DIGEST), postgresql_where=sa.text(HAS_DIGEST))


def downgrade() -> None:
    op.drop_index("uq_compensation_claims_receipt_sha256", table_name="compensation_claims")
    with op.batch_alter_table("compensation_claims") as batch:
        batch.drop_column("reduction_reason")
        batch.drop_column("receipt_sha256")
