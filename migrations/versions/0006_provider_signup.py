"""Providers who sign up themselves: the name in Kazakh and English beside the registered (Russian)
one, and the kinds of service declared at registration (existing providers get none).

Revision ID: 0006_provider_signup
Revises: 0005_quotes
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006_provider_signup'
down_revision: Union[str, Sequence[str], None] = '0005_quotes'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_kk', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('name_en', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('service_kinds', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))



def downgrade() -> None:
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.drop_column('service_kinds')
        batch_op.drop_column('name_en')
        batch_op.drop_column('name_kk')

