"""Alembic migrations are the only way the schema changes: they must match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from gigafibre.addresses.ddl import include_name
from gigafibre.core.db import Database
from gigafibre.core.migrate import current_revision, head_revision
from gigafibre.models import Base


async def test_models_and_migrations_agree(database: Database) -> None:
    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []


async def test_database_is_at_head(database: Database, database_url: str) -> None:
    assert await current_revision(database.engine) == head_revision(database_url)
