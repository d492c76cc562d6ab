"""An order of a course (sanatorium, 14 days) records the day the course starts.

Revision ID: 0012_course_start
Revises: 0011_classifier_norms
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_course_start"
down_revision: str | None = "0011_classifier_norms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("course_starts_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("course_starts_on")
