"""IRP files uploaded over HTTP and their per-row reports (``POST /imports/irp``).

Revision ID: 0014_irp_uploads
Revises: 0013_one_receipt_one_claim
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from marketplace.db import UTCDateTime

revision: str = "0014_irp_uploads"
down_revision: str | None = "0013_one_receipt_one_claim"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "irp_uploads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("region_id", sa.Integer(), sa.ForeignKey("regions.id"), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("persons_created", sa.Integer(), nullable=False),
        sa.Column("records_created", sa.Integer(), nullable=False),
        sa.Column("entitlements_created", sa.Integer(), nullable=False),
        sa.Column("invitations_sent", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_irp_uploads_account_id", "irp_uploads", ["account_id"])
    op.create_index("ix_irp_uploads_region_id", "irp_uploads", ["region_id"])
    op.create_index("ix_irp_uploads_sha256", "irp_uploads", ["sha256"])
    op.create_table(
        "irp_upload_errors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("upload_id", sa.Integer(), sa.ForeignKey("irp_uploads.id"), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
    )
    op.create_index("ix_irp_upload_errors_upload_id", "irp_upload_errors", ["upload_id"])


def downgrade() -> None:
    op.drop_index("ix_irp_upload_errors_upload_id", table_name="irp_upload_errors")
    op.drop_table("irp_upload_errors")
    for name in ("sha256", "region_id", "account_id"):
        op.drop_index(f"ix_irp_uploads_{name}", table_name="irp_uploads")
    op.drop_table("irp_uploads")
