"""Quotes for custom items: requested, quoted, decided by the region's officer, ordered.

The queue index serves the officer's list (``WHERE region_id = ? AND status = ? ORDER BY
due_date, id``) as the claims' and applications' do; the provider's feed its own list.

Revision ID: 0005_quotes
Revises: 0004
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import marketplace.db


# revision identifiers, used by Alembic.
revision: str = '0005_quotes'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('classifier_item_id', sa.Integer(), nullable=False),
    sa.Column('entitlement_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_account_id', sa.Integer(), nullable=False),
    sa.Column('quantity', marketplace.db.ExactDecimal(precision=12, scale=2), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('status', sa.Enum('REQUESTED', 'QUOTED', 'APPROVED', 'REJECTED', 'ORDERED', 'WITHDRAWN', 'EXPIRED', name='quotestatus', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('unit_price', marketplace.db.ExactDecimal(precision=14, scale=2), nullable=True),
    sa.Column('lead_time_days', sa.Integer(), nullable=True),
    sa.Column('specification', sa.Text(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('approved_unit_price', marketplace.db.ExactDecimal(precision=14, scale=2), nullable=True),
    sa.Column('reject_reason', sa.String(length=1000), nullable=True),
    sa.Column('requested_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('quoted_at', marketplace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', marketplace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_account_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', marketplace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('approved_unit_price IS NULL OR approved_unit_price > 0', name=op.f('ck_quotes_approved_price_positive')),
    sa.CheckConstraint('lead_time_days IS NULL OR (lead_time_days >= 0 AND lead_time_days <= 365)', name=op.f('ck_quotes_lead_time_range')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_quotes_quantity_positive')),
    sa.CheckConstraint('unit_price IS NULL OR unit_price > 0', name=op.f('ck_quotes_unit_price_positive')),
    sa.ForeignKeyConstraint(['classifier_item_id'], ['classifier_items.id'], name=op.f('fk_quotes_classifier_item_id_classifier_items')),
    sa.ForeignKeyConstraint(['decided_by_account_id'], ['accounts.id'], name=op.f('fk_quotes_decided_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['entitlement_id'], ['entitlements.id'], name=op.f('fk_quotes_entitlement_id_entitlements')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_quotes_listing_id_listings')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_quotes_order_id_orders')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_quotes_person_id_persons')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_quotes_provider_id_providers')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_quotes_region_id_regions')),
    sa.ForeignKeyConstraint(['requested_by_account_id'], ['accounts.id'], name=op.f('fk_quotes_requested_by_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes')),
    sa.UniqueConstraint('order_id', name=op.f('uq_quotes_order_id'))
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_entitlement_id'), ['entitlement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotes_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotes_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_quotes_provider_feed', ['provider_id', 'due_date', 'id'], unique=False)
        batch_op.create_index('ix_quotes_queue', ['region_id', 'status', 'due_date', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotes_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_status'))
        batch_op.drop_index('ix_quotes_queue')
        batch_op.drop_index('ix_quotes_provider_feed')
        batch_op.drop_index(batch_op.f('ix_quotes_person_id'))
        batch_op.drop_index(batch_op.f('ix_quotes_listing_id'))
        batch_op.drop_index(batch_op.f('ix_quotes_entitlement_id'))

    op.drop_table('quotes')
