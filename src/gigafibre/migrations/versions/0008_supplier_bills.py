"""supplier bills

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 02:19:51.792935
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('supplier_bill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('supplier_name', sa.String(length=140), nullable=False),
    sa.Column('bill_number', sa.String(length=60), nullable=False),
    sa.Column('bill_date', sa.Date(), nullable=False),
    sa.Column('subtotal', sa.BigInteger(), nullable=False),
    sa.Column('gst', sa.BigInteger(), nullable=False),
    sa.Column('qst', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('taxes_match', sa.Boolean(), nullable=False),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_bill')),
    sa.UniqueConstraint('name', name=op.f('uq_supplier_bill_name')),
    sa.UniqueConstraint('supplier_name', 'bill_number', name='uq_supplier_bill_number')
    )
    with op.batch_alter_table('supplier_bill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_bill_supplier_name'), ['supplier_name'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('supplier_bill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_bill_supplier_name'))

    op.drop_table('supplier_bill')
