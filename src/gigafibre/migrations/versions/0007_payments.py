"""payments

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 01:53:44.111224
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processed_webhook_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_webhook_event")),
        sa.UniqueConstraint("provider", "event_id", name="uq_webhook_event"),
    )
    op.create_table(
        "sandbox_payment_session",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "payment",
                "setup",
                "portal",
                name="sandbox_mode",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open", "complete", name="sandbox_status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("provider_customer_id", sa.String(length=255), nullable=False),
        sa.Column("customer_email", sa.String(length=254), nullable=False),
        sa.Column("client_reference_id", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("success_url", sa.String(length=1000), nullable=False),
        sa.Column("cancel_url", sa.String(length=1000), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("payment_intent_id", sa.String(length=255), nullable=False),
        sa.Column("setup_intent_id", sa.String(length=255), nullable=False),
        sa.Column("payment_method_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_payment_session")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_sandbox_payment_session_idempotency_key")
        ),
    )
    with op.batch_alter_table("sandbox_payment_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sandbox_payment_session_setup_intent_id"),
            ["setup_intent_id"],
            unique=False,
        )

    op.create_table(
        "payment_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("provider_customer_id", sa.String(length=255), nullable=False),
        sa.Column("payment_method_id", sa.String(length=255), nullable=True),
        sa.Column("card_brand", sa.String(length=20), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=False),
        sa.Column("card_exp_month", sa.Integer(), nullable=True),
        sa.Column("card_exp_year", sa.Integer(), nullable=True),
        sa.Column("ppa_enabled", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_payment_account_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_account")),
        sa.UniqueConstraint("customer_id", "provider", name="uq_payment_account"),
    )
    with op.batch_alter_table("payment_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_account_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_account_provider_customer_id"),
            ["provider_customer_id"],
            unique=False,
        )

    op.create_table(
        "payment_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "succeeded",
                "failed",
                name="payment_attempt_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("payment_intent_id", sa.String(length=255), nullable=True),
        sa.Column("error_code", sa.String(length=80), nullable=False),
        sa.Column("charged_on", sa.Date(), nullable=True),
        sa.Column("next_retry_on", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["sales_invoice.id"],
            name=op.f("fk_payment_attempt_invoice_id_sales_invoice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_attempt")),
        sa.UniqueConstraint("invoice_id", "attempt", name="uq_payment_attempt"),
    )
    with op.batch_alter_table("payment_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_attempt_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_attempt_next_retry_on"), ["next_retry_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_attempt_payment_intent_id"), ["payment_intent_id"], unique=False
        )

    op.create_table(
        "payment_dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.String(length=255), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("payment_entry_id", sa.Integer(), nullable=True),
        sa.Column("payment_intent_id", sa.String(length=255), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_payment_dispute_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["payment_entry_id"],
            ["payment_entry.id"],
            name=op.f("fk_payment_dispute_payment_entry_id_payment_entry"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_dispute")),
        sa.UniqueConstraint("dispute_id", name=op.f("uq_payment_dispute_dispute_id")),
    )
    with op.batch_alter_table("payment_dispute", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_dispute_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_dispute_payment_entry_id"), ["payment_entry_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_dispute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_dispute_payment_entry_id"))
        batch_op.drop_index(batch_op.f("ix_payment_dispute_customer_id"))

    op.drop_table("payment_dispute")
    with op.batch_alter_table("payment_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_attempt_payment_intent_id"))
        batch_op.drop_index(batch_op.f("ix_payment_attempt_next_retry_on"))
        batch_op.drop_index(batch_op.f("ix_payment_attempt_invoice_id"))

    op.drop_table("payment_attempt")
    with op.batch_alter_table("payment_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_account_provider_customer_id"))
        batch_op.drop_index(batch_op.f("ix_payment_account_customer_id"))

    op.drop_table("payment_account")
    with op.batch_alter_table("sandbox_payment_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sandbox_payment_session_setup_intent_id"))

    op.drop_table("sandbox_payment_session")
    op.drop_table("processed_webhook_event")
