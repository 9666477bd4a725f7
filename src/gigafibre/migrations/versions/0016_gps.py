"""gps

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('gps_position',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('speed_kmh', sa.Float(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['technician_id'], ['technician.id'], name=op.f('fk_gps_position_technician_id_technician'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gps_position'))
    )
    with op.batch_alter_table('gps_position', schema=None) as batch_op:
        batch_op.create_index('ix_gps_position_recorded_at', ['recorded_at'], unique=False)
        batch_op.create_index('ix_gps_position_tech_time', ['technician_id', 'recorded_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('gps_position', schema=None) as batch_op:
        batch_op.drop_index('ix_gps_position_tech_time')
        batch_op.drop_index('ix_gps_position_recorded_at')

    op.drop_table('gps_position')
