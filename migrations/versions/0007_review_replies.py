"""Reviews people can read: the provider's one reply, and an officer's hiding of an abusive review
(hidden reviews are neither shown nor counted in the ratings).

Revision ID: 0007_review_replies
Revises: 0006_provider_signup
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import marketplace.db


# revision identifiers, used by Alembic.
revision: str = '0007_review_replies'
down_revision: Union[str, Sequence[str], None] = '0006_provider_signup'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('replied_at', marketplace.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_at', marketplace.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_account_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reviews_hidden_by_account_id_accounts'), 'accounts', ['hidden_by_account_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reviews_hidden_by_account_id_accounts'), type_='foreignkey')
        batch_op.drop_column('hidden_by_account_id')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_at')
        batch_op.drop_column('replied_at')
        batch_op.drop_column('reply_text')

