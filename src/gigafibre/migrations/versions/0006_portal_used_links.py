"""portal used links

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 01:41:56.735581
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('used_link',
    sa.Column('token_id', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token_id', name=op.f('pk_used_link'))
    )
    with op.batch_alter_table('used_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_link_expires_at'), ['expires_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('used_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_link_expires_at'))

    op.drop_table('used_link')
