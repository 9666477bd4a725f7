"""devices

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('device_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('actor_kind', sa.Enum('staff', 'customer', 'system', name='device_actor_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('action', sa.Enum('reboot', 'refresh', 'wifi', 'provision', name='device_action_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('protocol', sa.String(length=10), nullable=False),
    sa.Column('device_id', sa.String(length=200), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_device_action_customer_id_customer'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_action'))
    )
    with op.batch_alter_table('device_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_action_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_action_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_action_device_id'), ['device_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('device_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_action_device_id'))
        batch_op.drop_index(batch_op.f('ix_device_action_customer_id'))
        batch_op.drop_index(batch_op.f('ix_device_action_created_at'))

    op.drop_table('device_action')
