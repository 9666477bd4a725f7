"""billing ledger credits

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 01:06:30.329163
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('customer_credit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('remaining', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Enum('referral', 'goodwill', 'proration', 'overpayment', name='credit_reason', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('posting_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_customer_credit_amount_positive')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_credit_customer_id_customer'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_credit')),
    sa.UniqueConstraint('name', name=op.f('uq_customer_credit_name'))
    )
    with op.batch_alter_table('customer_credit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_credit_customer_id'), ['customer_id'], unique=False)

    op.create_table('gl_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('posting_date', sa.Date(), nullable=False),
    sa.Column('account', sa.String(length=60), nullable=False),
    sa.Column('debit', sa.BigInteger(), nullable=False),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.Column('voucher_type', sa.String(length=30), nullable=False),
    sa.Column('voucher_name', sa.String(length=30), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('debit >= 0 AND credit >= 0', name=op.f('ck_gl_entry_amounts_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_gl_entry_customer_id_customer'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gl_entry'))
    )
    with op.batch_alter_table('gl_entry', schema=None) as batch_op:
        batch_op.create_index('ix_gl_entry_account_date', ['account', 'posting_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_gl_entry_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_gl_entry_voucher', ['voucher_type', 'voucher_name'], unique=False)

    with op.batch_alter_table('payment_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refunded_amount', sa.BigInteger(), nullable=False, server_default='0'))

    with op.batch_alter_table('sales_invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_applied', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.drop_index(batch_op.f('ix_sales_invoice_customer_period'))
        batch_op.create_unique_constraint('uq_sales_invoice_period', ['customer_id', 'period_start'])



def downgrade() -> None:
    with op.batch_alter_table('sales_invoice', schema=None) as batch_op:
        batch_op.drop_constraint('uq_sales_invoice_period', type_='unique')
        batch_op.create_index(batch_op.f('ix_sales_invoice_customer_period'), ['customer_id', 'period_start'], unique=False)
        batch_op.drop_column('credit_applied')

    with op.batch_alter_table('payment_entry', schema=None) as batch_op:
        batch_op.drop_column('refunded_amount')

    with op.batch_alter_table('gl_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_gl_entry_voucher')
        batch_op.drop_index(batch_op.f('ix_gl_entry_customer_id'))
        batch_op.drop_index('ix_gl_entry_account_date')

    op.drop_table('gl_entry')
    with op.batch_alter_table('customer_credit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_credit_customer_id'))

    op.drop_table('customer_credit')
