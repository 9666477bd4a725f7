"""addresses

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 03:30:00.000000

Besides the two tables, the search structures the models cannot describe (gigafibre.addresses.ddl
hides them from the model/schema comparison): on SQLite an external-content FTS5 table over
address.search_text with prefix indexes, kept in sync by triggers; on PostgreSQL the pg_trgm
extension and GIN trigram indexes on address.search_text and address_word.word.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_FTS = (
    "CREATE VIRTUAL TABLE address_fts USING fts5(search_text, content='address', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4 5 6 7 8')",
    "CREATE TRIGGER address_fts_insert AFTER INSERT ON address BEGIN "
    "INSERT INTO address_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER address_fts_delete AFTER DELETE ON address BEGIN "
    "INSERT INTO address_fts(address_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER address_fts_update AFTER UPDATE OF search_text ON address BEGIN "
    "INSERT INTO address_fts(address_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO address_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)
POSTGRESQL_TRIGRAMS = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_address_search_text_trgm ON address USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX ix_address_word_trgm ON address_word USING gin (word gin_trgm_ops)",
)


def upgrade() -> None:
    op.create_table(
        "address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=40), nullable=False),
        sa.Column("civic_number", sa.Integer(), nullable=False),
        sa.Column("civic_number_end", sa.Integer(), nullable=True),
        sa.Column("civic_suffix", sa.String(length=10), server_default="", nullable=False),
        sa.Column("street_type", sa.String(length=40), server_default="", nullable=False),
        sa.Column("street_name", sa.String(length=140), nullable=False),
        sa.Column("street_direction", sa.String(length=20), server_default="", nullable=False),
        sa.Column("municipality", sa.String(length=80), nullable=False),
        sa.Column("postal_code", sa.String(length=7), server_default="", nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("fibre_passed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("olt_name", sa.String(length=60), server_default="", nullable=False),
        sa.Column("pon_port", sa.String(length=20), server_default="", nullable=False),
        sa.Column(
            "street_key",
            sa.String(length=240).with_variant(sa.String(length=240, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_address")),
        sa.UniqueConstraint("source_id", name=op.f("uq_address_source_id")),
    )
    with op.batch_alter_table("address", schema=None) as batch_op:
        batch_op.create_index(
            "ix_address_civic_number_street_key", ["civic_number", "street_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_address_postal_code"), ["postal_code"], unique=False)
        batch_op.create_index(
            "ix_address_street_key_municipality",
            ["street_key", "municipality", "civic_number"],
            unique=False,
        )

    op.create_table(
        "address_word",
        sa.Column(
            "word",
            sa.String(length=60).with_variant(sa.String(length=60, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_address_word")),
    )

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_FTS, "postgresql": POSTGRESQL_TRIGRAMS}.get(dialect, ()):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("address_fts_insert", "address_fts_delete", "address_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS address_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_address_word_trgm")
        op.execute("DROP INDEX IF EXISTS ix_address_search_text_trgm")
    op.drop_table("address_word")
    with op.batch_alter_table("address", schema=None) as batch_op:
        batch_op.drop_index("ix_address_street_key_municipality")
        batch_op.drop_index(batch_op.f("ix_address_postal_code"))
        batch_op.drop_index("ix_address_civic_number_street_key")
    op.drop_table("address")
