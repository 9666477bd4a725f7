"""network

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "network_olt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("vendor", sa.String(length=40), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("snmp_community", sa.String(length=120), nullable=False),
        sa.Column("snmp_port", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_poll_error", sa.String(length=500), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_olt")),
        sa.UniqueConstraint("name", name=op.f("uq_network_olt_name")),
    )
    op.create_table(
        "network_usp_presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.String(length=200), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_usp_presence")),
        sa.UniqueConstraint("endpoint_id", name=op.f("uq_network_usp_presence_endpoint_id")),
    )
    op.create_table(
        "network_pon_port",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("olt_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["olt_id"],
            ["network_olt.id"],
            name=op.f("fk_network_pon_port_olt_id_network_olt"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_pon_port")),
        sa.UniqueConstraint("olt_id", "slot", "port", name="uq_network_pon_port"),
    )
    op.create_table(
        "network_onu",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("olt_id", sa.Integer(), nullable=False),
        sa.Column("pon_port_id", sa.Integer(), nullable=False),
        sa.Column("onu_index", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=32), nullable=False),
        sa.Column("service_location_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "online",
                "offline",
                "unknown",
                name="onu_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("rx_power_dbm", sa.Float(), nullable=True),
        sa.Column("tx_power_dbm", sa.Float(), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["olt_id"],
            ["network_olt.id"],
            name=op.f("fk_network_onu_olt_id_network_olt"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pon_port_id"],
            ["network_pon_port.id"],
            name=op.f("fk_network_onu_pon_port_id_network_pon_port"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_location_id"],
            ["service_location.id"],
            name=op.f("fk_network_onu_service_location_id_service_location"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_onu")),
        sa.UniqueConstraint("pon_port_id", "onu_index", name="uq_network_onu_port_index"),
    )
    with op.batch_alter_table("network_onu", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_onu_olt_id"), ["olt_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_network_onu_pon_port_id"), ["pon_port_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_network_onu_serial"), ["serial"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_network_onu_service_location_id"), ["service_location_id"], unique=False
        )
    op.create_table(
        "network_outage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column(
            "scope",
            sa.Enum("olt", "pon", name="outage_scope", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "kuma", "poller", name="outage_source", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("olt_id", sa.Integer(), nullable=False),
        sa.Column("pon_port_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("monitor", sa.String(length=200), nullable=False),
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
            ["olt_id"],
            ["network_olt.id"],
            name=op.f("fk_network_outage_olt_id_network_olt"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pon_port_id"],
            ["network_pon_port.id"],
            name=op.f("fk_network_outage_pon_port_id_network_pon_port"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_outage")),
        sa.UniqueConstraint("name", name=op.f("uq_network_outage_name")),
    )
    with op.batch_alter_table("network_outage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_outage_closed_at"), ["closed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_outage_opened_at"), ["opened_at"], unique=False
        )
    op.create_table(
        "network_pon_port_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pon_port_id", sa.Integer(), nullable=False),
        sa.Column("online", sa.Integer(), nullable=False),
        sa.Column("offline", sa.Integer(), nullable=False),
        sa.Column("rx_avg_dbm", sa.Float(), nullable=True),
        sa.Column("rx_min_dbm", sa.Float(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pon_port_id"],
            ["network_pon_port.id"],
            name=op.f("fk_network_pon_port_reading_pon_port_id_network_pon_port"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_pon_port_reading")),
    )
    with op.batch_alter_table("network_pon_port_reading", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_pon_port_reading_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_network_pon_port_reading_port_at", ["pon_port_id", "at"], unique=False
        )
    op.create_table(
        "network_onu_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("onu_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "online",
                "offline",
                "unknown",
                name="onu_reading_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("rx_power_dbm", sa.Float(), nullable=True),
        sa.Column("tx_power_dbm", sa.Float(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["onu_id"],
            ["network_onu.id"],
            name=op.f("fk_network_onu_reading_onu_id_network_onu"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_onu_reading")),
    )
    with op.batch_alter_table("network_onu_reading", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_onu_reading_at"), ["at"], unique=False)
        batch_op.create_index("ix_network_onu_reading_onu_at", ["onu_id", "at"], unique=False)
    op.create_table(
        "network_outage_customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outage_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("service_location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_network_outage_customer_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outage_id"],
            ["network_outage.id"],
            name=op.f("fk_network_outage_customer_outage_id_network_outage"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_location_id"],
            ["service_location.id"],
            name=op.f("fk_network_outage_customer_service_location_id_service_location"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_outage_customer")),
        sa.UniqueConstraint("outage_id", "service_location_id", name="uq_network_outage_location"),
    )
    with op.batch_alter_table("network_outage_customer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_outage_customer_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_outage_customer_outage_id"), ["outage_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_outage_customer_service_location_id"),
            ["service_location_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("network_outage_customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_outage_customer_service_location_id"))
        batch_op.drop_index(batch_op.f("ix_network_outage_customer_outage_id"))
        batch_op.drop_index(batch_op.f("ix_network_outage_customer_customer_id"))
    op.drop_table("network_outage_customer")
    with op.batch_alter_table("network_onu_reading", schema=None) as batch_op:
        batch_op.drop_index("ix_network_onu_reading_onu_at")
        batch_op.drop_index(batch_op.f("ix_network_onu_reading_at"))
    op.drop_table("network_onu_reading")
    with op.batch_alter_table("network_pon_port_reading", schema=None) as batch_op:
        batch_op.drop_index("ix_network_pon_port_reading_port_at")
        batch_op.drop_index(batch_op.f("ix_network_pon_port_reading_at"))
    op.drop_table("network_pon_port_reading")
    with op.batch_alter_table("network_outage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_outage_opened_at"))
        batch_op.drop_index(batch_op.f("ix_network_outage_closed_at"))
    op.drop_table("network_outage")
    with op.batch_alter_table("network_onu", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_onu_service_location_id"))
        batch_op.drop_index(batch_op.f("ix_network_onu_serial"))
        batch_op.drop_index(batch_op.f("ix_network_onu_pon_port_id"))
        batch_op.drop_index(batch_op.f("ix_network_onu_olt_id"))
    op.drop_table("network_onu")
    op.drop_table("network_pon_port")
    op.drop_table("network_usp_presence")
    op.drop_table("network_olt")
