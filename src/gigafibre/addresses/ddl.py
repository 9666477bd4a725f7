"""Search structures that exist only in the database, created by migration 0014.

SQLAlchemy models cannot describe an FTS5 virtual table (with its shadow tables and triggers)
nor a trigram GIN index, and each exists on one backend only. Alembic's model/schema comparison
(migrations/env.py autogenerate and tests/core/test_migrations.py) would report them as tables
and indexes to drop, so both skip the names listed here through `include_name`.
"""

from __future__ import annotations

from alembic.runtime.environment import NameFilterParentNames, NameFilterType

FTS_TABLE = "address_fts"  # SQLite: FTS5 over address.search_text; shadow tables share the prefix
TRIGRAM_INDEXES = frozenset({"ix_address_search_text_trgm", "ix_address_word_trgm"})  # PostgreSQL


def include_name(
    name: str | None, type_: NameFilterType, _parent_names: NameFilterParentNames
) -> bool:
    """False for the database-only search structures, so schema comparison leaves them alone."""
    if name is None:
        return True
    if type_ == "table" and (name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")):
        return False
    return not (type_ == "index" and name in TRIGRAM_INDEXES)
