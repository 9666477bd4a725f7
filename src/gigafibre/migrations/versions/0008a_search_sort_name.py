"""customer search terms carry the customer's name, so matches come sorted from one index

Revision ID: 0008a
Revises: 0008
Create Date: 2026-11-29 03:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008a'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('customer_search_term', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('sort_name', sa.String(length=140), server_default='', nullable=False)
        )
    op.execute(
        "UPDATE customer_search_term SET sort_name = COALESCE(("
        "SELECT customer.customer_name FROM customer"
        " WHERE customer.id = customer_search_term.customer_id), '')"
    )
    with op.batch_alter_table('customer_search_term', schema=None) as batch_op:
        batch_op.create_index(
            'ix_customer_search_term_term_sort', ['term', 'sort_name', 'customer_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('customer_search_term', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_search_term_term_sort')
        batch_op.drop_column('sort_name')
