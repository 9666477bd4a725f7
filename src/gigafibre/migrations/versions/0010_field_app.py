"""field app: job status changes (check-ins with GPS), job photos, equipment installed per job,
and the idempotency keys of the phone's offline queue.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('field_idempotency_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('technician', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_idempotency_key')),
    sa.UniqueConstraint('technician', 'key', name='uq_field_idempotency')
    )
    with op.batch_alter_table('field_idempotency_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_idempotency_key_created_at'), ['created_at'], unique=False)
    op.create_table('job_equipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('equipment_id', sa.Integer(), nullable=False),
    sa.Column('installed_by', sa.String(length=80), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['equipment_id'], ['service_equipment.id'], name=op.f('fk_job_equipment_equipment_id_service_equipment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['dispatch_job.id'], name=op.f('fk_job_equipment_job_id_dispatch_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_equipment')),
    sa.UniqueConstraint('job_id', 'equipment_id', name='uq_job_equipment')
    )
    with op.batch_alter_table('job_equipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_equipment_equipment_id'), ['equipment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_equipment_job_id'), ['job_id'], unique=False)
    op.create_table('job_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by', sa.String(length=80), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['dispatch_job.id'], name=op.f('fk_job_photo_job_id_dispatch_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_photo')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_job_photo_stored_name'))
    )
    with op.batch_alter_table('job_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_photo_job_id'), ['job_id'], unique=False)
    op.create_table('job_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['dispatch_job.id'], name=op.f('fk_job_status_change_job_id_dispatch_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_status_change'))
    )
    with op.batch_alter_table('job_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_status_change_job_id'), ['job_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('job_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_status_change_job_id'))
    op.drop_table('job_status_change')
    with op.batch_alter_table('job_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_photo_job_id'))
    op.drop_table('job_photo')
    with op.batch_alter_table('job_equipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_equipment_job_id'))
        batch_op.drop_index(batch_op.f('ix_job_equipment_equipment_id'))
    op.drop_table('job_equipment')
    with op.batch_alter_table('field_idempotency_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_idempotency_key_created_at'))
    op.drop_table('field_idempotency_key')
