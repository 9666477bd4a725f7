"""conversations

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'canned_reply',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_reply')),
    )
    op.create_table(
        'hd_ticket_tag',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('tag', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['hd_ticket.id'], name=op.f('fk_hd_ticket_tag_ticket_id_hd_ticket'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hd_ticket_tag')),
        sa.UniqueConstraint('ticket_id', 'tag', name='uq_hd_ticket_tag'),
    )
    op.create_index(op.f('ix_hd_ticket_tag_tag'), 'hd_ticket_tag', ['tag'], unique=False)
    op.create_table(
        'communication_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('communication_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('stored_as', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['communication_id'], ['communication.id'], name=op.f('fk_communication_attachment_communication_id_communication'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_communication_attachment')),
        sa.UniqueConstraint('stored_as', name=op.f('uq_communication_attachment_stored_as')),
    )
    op.create_index(op.f('ix_communication_attachment_communication_id'), 'communication_attachment', ['communication_id'], unique=False)
    with op.batch_alter_table('communication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('author', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('external_id', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('outbox_message_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('duration_seconds', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_communication_external_id'), ['external_id'], unique=False)
        batch_op.create_index('ix_communication_ticket_created', ['ticket_id', 'created_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_communication_outbox_message_id_outbox_message'), 'outbox_message', ['outbox_message_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('hd_ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE hd_ticket SET last_message_at = COALESCE("
        "(SELECT MAX(c.created_at) FROM communication c WHERE c.ticket_id = hd_ticket.id), "
        "opened_at)"
    )
    with op.batch_alter_table('hd_ticket', schema=None) as batch_op:
        batch_op.alter_column('last_message_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_hd_ticket_last_message_at'), ['last_message_at'], unique=False)
        batch_op.create_index('ix_hd_ticket_status_last_message', ['status', 'last_message_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('hd_ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_hd_ticket_status_last_message')
        batch_op.drop_index(batch_op.f('ix_hd_ticket_last_message_at'))
        batch_op.drop_column('last_message_at')
    with op.batch_alter_table('communication', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_communication_outbox_message_id_outbox_message'), type_='foreignkey')
        batch_op.drop_index('ix_communication_ticket_created')
        batch_op.drop_index(batch_op.f('ix_communication_external_id'))
        batch_op.drop_column('duration_seconds')
        batch_op.drop_column('outbox_message_id')
        batch_op.drop_column('external_id')
        batch_op.drop_column('author')
        batch_op.drop_column('internal')
    op.drop_index(op.f('ix_communication_attachment_communication_id'), table_name='communication_attachment')
    op.drop_table('communication_attachment')
    op.drop_index(op.f('ix_hd_ticket_tag_tag'), table_name='hd_ticket_tag')
    op.drop_table('hd_ticket_tag')
    op.drop_table('canned_reply')
