"""Administration: a price cap set ahead with the date it takes effect (orders keep their snapshot),
and one-time codes sent to an account (a password reset), of which only the hash is kept.

Revision ID: 0008_administration
Revises: 0007_review_replies
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import marketplace.db


# revision identifiers, used by Alembic.
revision: str = '0008_administration'
down_revision: Union[str, Sequence[str], None] = '0007_review_replies'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('account_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', marketplace.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_codes_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_account_codes_code_hash'))
    )
    with op.batch_alter_table('account_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_codes_account_id'), ['account_id'], unique=False)

    with op.batch_alter_table('classifier_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_cap_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('next_price_cap', marketplace.db.ExactDecimal(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('next_price_cap_from', sa.Date(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_classifier_items_next_price_cap_positive'),
                                         'next_price_cap IS NULL OR next_price_cap > 0')



def downgrade() -> None:
    with op.batch_alter_table('classifier_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_classifier_items_next_price_cap_positive'), type_='check')
        batch_op.drop_column('next_price_cap_from')
        batch_op.drop_column('next_price_cap')
        batch_op.drop_column('price_cap_from')

    with op.batch_alter_table('account_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_codes_account_id'))

    op.drop_table('account_codes')
