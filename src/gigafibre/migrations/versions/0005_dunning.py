"""dunning columns and invoice emailing

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 01:24:56.508647
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('sales_invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminders_sent', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_reminder_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('sales_invoice', schema=None) as batch_op:
        batch_op.drop_column('emailed_at')
        batch_op.drop_column('last_reminder_on')
        batch_op.drop_column('reminders_sent')

