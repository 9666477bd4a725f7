"""signup: OTP challenges, web orders, installation slot holds, referrals, portal preferences

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('otp_challenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('destination', sa.String(length=254), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_otp_challenge'))
    )
    with op.batch_alter_table('otp_challenge', schema=None) as batch_op:
        batch_op.create_index('ix_otp_challenge_destination_created', ['destination', 'created_at'], unique=False)

    op.create_table('notification_preference',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('invoices_by_email', sa.Boolean(), nullable=False),
    sa.Column('reminders_by_sms', sa.Boolean(), nullable=False),
    sa.Column('appointments_by_sms', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_notification_preference_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_notification_preference'))
    )
    op.create_table('referral_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_referral_code_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_code')),
    sa.UniqueConstraint('code', name=op.f('uq_referral_code_code')),
    sa.UniqueConstraint('customer_id', name=op.f('uq_referral_code_customer_id'))
    )
    op.create_table('signup_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('quoted', 'accepted', 'paid', 'cancelled', name='signup_order_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('quotation_id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=True),
    sa.Column('civic_number', sa.String(length=12), nullable=False),
    sa.Column('street', sa.String(length=140), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('city', sa.String(length=80), nullable=False),
    sa.Column('postal_code', sa.String(length=7), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('olt_name', sa.String(length=60), nullable=False),
    sa.Column('pon_port', sa.String(length=20), nullable=False),
    sa.Column('referral_code', sa.String(length=12), nullable=True),
    sa.Column('created_ip', sa.String(length=45), nullable=False),
    sa.Column('contract_text', sa.Text(), nullable=False),
    sa.Column('accepted_by', sa.String(length=80), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_signup_order_customer_id_customer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invoice_id'], ['sales_invoice.id'], name=op.f('fk_signup_order_invoice_id_sales_invoice'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['dispatch_job.id'], name=op.f('fk_signup_order_job_id_dispatch_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['lead.id'], name=op.f('fk_signup_order_lead_id_lead'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['quotation_id'], ['quotation.id'], name=op.f('fk_signup_order_quotation_id_quotation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signup_order')),
    sa.UniqueConstraint('name', name=op.f('uq_signup_order_name')),
    sa.UniqueConstraint('quotation_id', name=op.f('uq_signup_order_quotation_id'))
    )
    with op.batch_alter_table('signup_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signup_order_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signup_order_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signup_order_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signup_order_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signup_order_status'), ['status'], unique=False)

    op.create_table('referral_use',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_code_id', sa.Integer(), nullable=False),
    sa.Column('referee_customer_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('address_key', sa.String(length=200), nullable=False),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['signup_order.id'], name=op.f('fk_referral_use_order_id_signup_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referee_customer_id'], ['customer.id'], name=op.f('fk_referral_use_referee_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_code_id'], ['referral_code.id'], name=op.f('fk_referral_use_referral_code_id_referral_code'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_use')),
    sa.UniqueConstraint('address_key', name=op.f('uq_referral_use_address_key')),
    sa.UniqueConstraint('order_id', name=op.f('uq_referral_use_order_id')),
    sa.UniqueConstraint('referee_customer_id', name=op.f('uq_referral_use_referee_customer_id'))
    )
    with op.batch_alter_table('referral_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_use_referral_code_id'), ['referral_code_id'], unique=False)

    op.create_table('slot_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['signup_order.id'], name=op.f('fk_slot_hold_order_id_signup_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['technician_id'], ['technician.id'], name=op.f('fk_slot_hold_technician_id_technician'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slot_hold')),
    sa.UniqueConstraint('order_id', name=op.f('uq_slot_hold_order_id'))
    )
    with op.batch_alter_table('slot_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slot_hold_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('ix_slot_hold_tech_start', ['technician_id', 'start'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('slot_hold', schema=None) as batch_op:
        batch_op.drop_index('ix_slot_hold_tech_start')
        batch_op.drop_index(batch_op.f('ix_slot_hold_expires_at'))

    op.drop_table('slot_hold')
    with op.batch_alter_table('referral_use', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_use_referral_code_id'))

    op.drop_table('referral_use')
    with op.batch_alter_table('signup_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signup_order_status'))
        batch_op.drop_index(batch_op.f('ix_signup_order_lead_id'))
        batch_op.drop_index(batch_op.f('ix_signup_order_job_id'))
        batch_op.drop_index(batch_op.f('ix_signup_order_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_signup_order_customer_id'))

    op.drop_table('signup_order')
    op.drop_table('referral_code')
    op.drop_table('notification_preference')
    with op.batch_alter_table('otp_challenge', schema=None) as batch_op:
        batch_op.drop_index('ix_otp_challenge_destination_created')

    op.drop_table('otp_challenge')
