"""core data

Revision ID: 0001
Revises:
Create Date: 2026-11-29 00:24:20.909491
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("customer_name", sa.String(length=140), nullable=False),
        sa.Column(
            "customer_type",
            sa.Enum(
                "residential",
                "commercial",
                name="customer_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "suspended",
                "inactive",
                name="customer_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "language",
            sa.Enum(
                "fr", "en", name="customer_language", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("billing_day", sa.SmallInteger(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer")),
        sa.UniqueConstraint("name", name=op.f("uq_customer_name")),
    )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_customer_name"), ["customer_name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_customer_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_phone"), ["phone"], unique=False)

    op.create_table(
        "flow_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("trigger_event", sa.String(length=80), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_template")),
        sa.UniqueConstraint("name", name=op.f("uq_flow_template_name")),
    )
    with op.batch_alter_table("flow_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_flow_template_trigger_event"), ["trigger_event"], unique=False
        )

    op.create_table(
        "item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column(
            "item_group",
            sa.Enum(
                "plan",
                "equipment",
                "fee",
                "service",
                name="item_group",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("name_fr", sa.String(length=140), nullable=False),
        sa.Column("name_en", sa.String(length=140), nullable=False),
        sa.Column("description_fr", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column(
            "billing_interval",
            sa.Enum(
                "once",
                "month",
                "year",
                name="billing_interval",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("taxable", sa.Boolean(), nullable=False),
        sa.Column("download_mbps", sa.Integer(), nullable=True),
        sa.Column("upload_mbps", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint("item_code", name=op.f("uq_item_item_code")),
    )
    op.create_table(
        "naming_series",
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("current", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_naming_series")),
    )
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("full_name", sa.String(length=140), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_user_username")),
    )
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("color", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )
    op.create_table(
        "technician",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("full_name", sa.String(length=140), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("shifts", sa.JSON(), nullable=False),
        sa.Column("home_base", sa.String(length=200), nullable=False),
        sa.Column("home_latitude", sa.Float(), nullable=True),
        sa.Column("home_longitude", sa.Float(), nullable=True),
        sa.Column("gps_device_id", sa.String(length=60), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technician")),
        sa.UniqueConstraint("name", name=op.f("uq_technician_name")),
    )
    op.create_table(
        "customer_search_term",
        sa.Column(
            "term",
            sa.String(length=160).with_variant(sa.String(length=160, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_customer_search_term_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("term", "customer_id", name=op.f("pk_customer_search_term")),
    )
    with op.batch_alter_table("customer_search_term", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_search_term_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "customer_tag",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_customer_tag_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_customer_tag_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("customer_id", "tag_id", name=op.f("pk_customer_tag")),
    )
    with op.batch_alter_table("customer_tag", schema=None) as batch_op:
        batch_op.create_index("ix_customer_tag_tag_id", ["tag_id"], unique=False)

    op.create_table(
        "flow_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "running",
                "waiting",
                "completed",
                "failed",
                "cancelled",
                name="flow_run_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("current_step", sa.Integer(), nullable=False),
        sa.Column("step_log", sa.JSON(), nullable=False),
        sa.Column("next_wake_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trigger_event_id", sa.String(length=64), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
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
            ["template_id"],
            ["flow_template.id"],
            name=op.f("fk_flow_run_template_id_flow_template"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_run")),
        sa.UniqueConstraint("name", name=op.f("uq_flow_run_name")),
    )
    with op.batch_alter_table("flow_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_flow_run_next_wake_at"), ["next_wake_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_flow_run_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_flow_run_template_id"), ["template_id"], unique=False)

    op.create_table(
        "hd_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "replied",
                "paused",
                "resolved",
                "closed",
                name="ticket_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "priority",
            sa.Enum(
                "low",
                "medium",
                "high",
                "urgent",
                name="ticket_priority",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "sms",
                "email",
                "web",
                "phone",
                name="ticket_channel",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("assignee", sa.String(length=80), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
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
            name=op.f("fk_hd_ticket_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hd_ticket")),
        sa.UniqueConstraint("name", name=op.f("uq_hd_ticket_name")),
    )
    with op.batch_alter_table("hd_ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hd_ticket_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hd_ticket_status"), ["status"], unique=False)

    op.create_table(
        "lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("full_name", sa.String(length=140), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "quoted",
                "converted",
                "lost",
                name="lead_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
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
            name=op.f("fk_lead_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead")),
        sa.UniqueConstraint("name", name=op.f("uq_lead_name")),
    )
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "sales_invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "unpaid",
                "partly_paid",
                "paid",
                "overdue",
                "cancelled",
                name="invoice_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("taxable_subtotal", sa.BigInteger(), nullable=False),
        sa.Column("gst", sa.BigInteger(), nullable=False),
        sa.Column("qst", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("outstanding_amount", sa.BigInteger(), nullable=False),
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
        sa.CheckConstraint("total >= 0", name=op.f("ck_sales_invoice_total_not_negative")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_sales_invoice_customer_id_customer"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_invoice")),
        sa.UniqueConstraint("name", name=op.f("uq_sales_invoice_name")),
    )
    with op.batch_alter_table("sales_invoice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_invoice_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_sales_invoice_customer_period", ["customer_id", "period_start"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sales_invoice_posting_date"), ["posting_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sales_invoice_status"), ["status"], unique=False)

    op.create_table(
        "service_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("civic_number", sa.String(length=12), nullable=False),
        sa.Column("street", sa.String(length=140), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("postal_code", sa.String(length=7), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("olt_name", sa.String(length=60), nullable=False),
        sa.Column("pon_port", sa.String(length=20), nullable=False),
        sa.Column("onu_id", sa.Integer(), nullable=True),
        sa.Column("access_notes", sa.Text(), nullable=False),
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
            name=op.f("fk_service_location_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_location")),
        sa.UniqueConstraint("name", name=op.f("uq_service_location_name")),
    )
    with op.batch_alter_table("service_location", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_location_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_location_postal_code"), ["postal_code"], unique=False
        )

    op.create_table(
        "staff_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_session_staff_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_staff_session")),
    )
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_session_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_staff_session_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "timeline_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_timeline_entry_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline_entry")),
    )
    with op.batch_alter_table("timeline_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timeline_entry_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "communication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "sms",
                "email",
                "web",
                "phone",
                name="communication_channel",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "direction",
            sa.Enum(
                "inbound", "outbound", name="direction", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_communication_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["hd_ticket.id"],
            name=op.f("fk_communication_ticket_id_hd_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communication")),
        sa.UniqueConstraint("name", name=op.f("uq_communication_name")),
    )
    with op.batch_alter_table("communication", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_communication_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_communication_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "dispatch_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("job_type", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("service_location_id", sa.Integer(), nullable=True),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "assigned",
                "en_route",
                "on_site",
                "completed",
                "cancelled",
                name="job_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "priority",
            sa.Enum(
                "low",
                "normal",
                "high",
                "urgent",
                name="job_priority",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("scheduled_date", sa.Date(), nullable=True),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("required_skills", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
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
            name=op.f("fk_dispatch_job_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_location_id"],
            ["service_location.id"],
            name=op.f("fk_dispatch_job_service_location_id_service_location"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technician.id"],
            name=op.f("fk_dispatch_job_technician_id_technician"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_job")),
        sa.UniqueConstraint("name", name=op.f("uq_dispatch_job_name")),
    )
    with op.batch_alter_table("dispatch_job", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispatch_job_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_dispatch_job_date_tech", ["scheduled_date", "technician_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dispatch_job_service_location_id"), ["service_location_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dispatch_job_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dispatch_job_technician_id"), ["technician_id"], unique=False
        )

    op.create_table(
        "payment_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "card",
                "preauthorized",
                "interac",
                "cheque",
                "cash",
                "bank_transfer",
                name="payment_mode",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=120), nullable=True),
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
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_entry_amount_positive")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_payment_entry_customer_id_customer"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["sales_invoice.id"],
            name=op.f("fk_payment_entry_invoice_id_sales_invoice"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_entry")),
        sa.UniqueConstraint("name", name=op.f("uq_payment_entry_name")),
        sa.UniqueConstraint("reference", name="uq_payment_entry_reference"),
    )
    with op.batch_alter_table("payment_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_entry_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_entry_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_entry_posting_date"), ["posting_date"], unique=False
        )

    op.create_table(
        "quotation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "sent",
                "accepted",
                "expired",
                name="quotation_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("gst", sa.BigInteger(), nullable=False),
        sa.Column("qst", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acceptance_ip", sa.String(length=45), nullable=True),
        sa.Column("acceptance_hash", sa.String(length=64), nullable=True),
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
            name=op.f("fk_quotation_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name=op.f("fk_quotation_lead_id_lead"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotation")),
        sa.UniqueConstraint("name", name=op.f("uq_quotation_name")),
    )
    with op.batch_alter_table("quotation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quotation_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quotation_lead_id"), ["lead_id"], unique=False)

    op.create_table(
        "service_equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column(
            "equipment_type",
            sa.Enum(
                "ont",
                "router",
                "set_top_box",
                "ata",
                name="equipment_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("vendor", sa.String(length=60), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column("serial_number", sa.String(length=60), nullable=False),
        sa.Column("mac_address", sa.String(length=17), nullable=True),
        sa.Column("gpon_serial", sa.String(length=16), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "in_stock",
                "installed",
                "returned",
                "defective",
                name="equipment_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("service_location_id", sa.Integer(), nullable=True),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=True),
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
            name=op.f("fk_service_equipment_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_location_id"],
            ["service_location.id"],
            name=op.f("fk_service_equipment_service_location_id_service_location"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_equipment")),
        sa.UniqueConstraint("name", name=op.f("uq_service_equipment_name")),
        sa.UniqueConstraint("serial_number", name=op.f("uq_service_equipment_serial_number")),
    )
    with op.batch_alter_table("service_equipment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_equipment_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_equipment_gpon_serial"), ["gpon_serial"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_equipment_mac_address"), ["mac_address"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_equipment_service_location_id"),
            ["service_location_id"],
            unique=False,
        )

    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("service_location_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "paused",
                "cancelled",
                name="subscription_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
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
        sa.CheckConstraint("qty > 0", name=op.f("ck_subscription_qty_positive")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_subscription_customer_id_customer"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_subscription_item_id_item"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["service_location_id"],
            ["service_location.id"],
            name=op.f("fk_subscription_service_location_id_service_location"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint("name", name=op.f("uq_subscription_name")),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscription_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_subscription_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_subscription_service_location_id"), ["service_location_id"], unique=False
        )

    op.create_table(
        "quotation_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quotation_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("taxable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
            name=op.f("fk_quotation_line_item_id_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["quotation_id"],
            ["quotation.id"],
            name=op.f("fk_quotation_line_quotation_id_quotation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotation_line")),
    )
    with op.batch_alter_table("quotation_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quotation_line_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_quotation_line_quotation_id"), ["quotation_id"], unique=False
        )

    op.create_table(
        "sales_invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("taxable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["sales_invoice.id"],
            name=op.f("fk_sales_invoice_line_invoice_id_sales_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
            name=op.f("fk_sales_invoice_line_item_id_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_sales_invoice_line_subscription_id_subscription"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_invoice_line")),
    )
    with op.batch_alter_table("sales_invoice_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_invoice_line_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sales_invoice_line_item_id"), ["item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sales_invoice_line_subscription_id"), ["subscription_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sales_invoice_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_invoice_line_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_sales_invoice_line_item_id"))
        batch_op.drop_index(batch_op.f("ix_sales_invoice_line_invoice_id"))

    op.drop_table("sales_invoice_line")
    with op.batch_alter_table("quotation_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quotation_line_quotation_id"))
        batch_op.drop_index(batch_op.f("ix_quotation_line_item_id"))

    op.drop_table("quotation_line")
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_service_location_id"))
        batch_op.drop_index(batch_op.f("ix_subscription_item_id"))
        batch_op.drop_index(batch_op.f("ix_subscription_customer_id"))

    op.drop_table("subscription")
    with op.batch_alter_table("service_equipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_equipment_service_location_id"))
        batch_op.drop_index(batch_op.f("ix_service_equipment_mac_address"))
        batch_op.drop_index(batch_op.f("ix_service_equipment_gpon_serial"))
        batch_op.drop_index(batch_op.f("ix_service_equipment_customer_id"))

    op.drop_table("service_equipment")
    with op.batch_alter_table("quotation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quotation_lead_id"))
        batch_op.drop_index(batch_op.f("ix_quotation_customer_id"))

    op.drop_table("quotation")
    with op.batch_alter_table("payment_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_entry_posting_date"))
        batch_op.drop_index(batch_op.f("ix_payment_entry_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_payment_entry_customer_id"))

    op.drop_table("payment_entry")
    with op.batch_alter_table("dispatch_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispatch_job_technician_id"))
        batch_op.drop_index(batch_op.f("ix_dispatch_job_status"))
        batch_op.drop_index(batch_op.f("ix_dispatch_job_service_location_id"))
        batch_op.drop_index("ix_dispatch_job_date_tech")
        batch_op.drop_index(batch_op.f("ix_dispatch_job_customer_id"))

    op.drop_table("dispatch_job")
    with op.batch_alter_table("communication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communication_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_communication_customer_id"))

    op.drop_table("communication")
    with op.batch_alter_table("timeline_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timeline_entry_customer_id"))

    op.drop_table("timeline_entry")
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_session_staff_id"))
        batch_op.drop_index(batch_op.f("ix_staff_session_expires_at"))

    op.drop_table("staff_session")
    with op.batch_alter_table("service_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_location_postal_code"))
        batch_op.drop_index(batch_op.f("ix_service_location_customer_id"))

    op.drop_table("service_location")
    with op.batch_alter_table("sales_invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_invoice_status"))
        batch_op.drop_index(batch_op.f("ix_sales_invoice_posting_date"))
        batch_op.drop_index("ix_sales_invoice_customer_period")
        batch_op.drop_index(batch_op.f("ix_sales_invoice_customer_id"))

    op.drop_table("sales_invoice")
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_customer_id"))

    op.drop_table("lead")
    with op.batch_alter_table("hd_ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hd_ticket_status"))
        batch_op.drop_index(batch_op.f("ix_hd_ticket_customer_id"))

    op.drop_table("hd_ticket")
    with op.batch_alter_table("flow_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_run_template_id"))
        batch_op.drop_index(batch_op.f("ix_flow_run_status"))
        batch_op.drop_index(batch_op.f("ix_flow_run_next_wake_at"))

    op.drop_table("flow_run")
    with op.batch_alter_table("customer_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_tag_tag_id")

    op.drop_table("customer_tag")
    with op.batch_alter_table("customer_search_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_search_term_customer_id"))

    op.drop_table("customer_search_term")
    op.drop_table("technician")
    op.drop_table("tag")
    op.drop_table("staff_user")
    op.drop_table("naming_series")
    op.drop_table("item")
    with op.batch_alter_table("flow_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_template_trigger_event"))

    op.drop_table("flow_template")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_phone"))
        batch_op.drop_index(batch_op.f("ix_customer_email"))
        batch_op.drop_index(batch_op.f("ix_customer_customer_name"))

    op.drop_table("customer")
