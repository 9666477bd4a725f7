"""flow template versions and run snapshots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 00:51:45.567563
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('flow_template_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['flow_template.id'], name=op.f('fk_flow_template_version_template_id_flow_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_template_version')),
    sa.UniqueConstraint('template_id', 'version', name='uq_flow_template_version')
    )
    with op.batch_alter_table('flow_template_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flow_template_version_template_id'), ['template_id'], unique=False)

    with op.batch_alter_table('flow_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('steps', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.create_unique_constraint('uq_flow_run_trigger', ['template_id', 'trigger_event_id'])



def downgrade() -> None:
    with op.batch_alter_table('flow_run', schema=None) as batch_op:
        batch_op.drop_constraint('uq_flow_run_trigger', type_='unique')
        batch_op.drop_column('steps')

    with op.batch_alter_table('flow_template_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_template_version_template_id'))

    op.drop_table('flow_template_version')
