"""The search index's change count, which anonymous answers are cached on (``search_index_versions``).

Revision ID: 0015_search_index_versions
Revises: 0014_irp_uploads
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from marketplace.db import UTCDateTime

revision: str = "0015_search_index_versions"
down_revision: str | None = "0014_irp_uploads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_index_versions",
        sa.Column("index_name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("index_name", name=op.f("pk_search_index_versions")),
    )


def downgrade() -> None:
    op.drop_table("search_index_versions")
