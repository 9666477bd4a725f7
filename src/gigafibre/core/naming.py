"""Naming series: human names such as C-000123 that are never handed out twice.

The counter row is created on first use and bumped with one `UPDATE … RETURNING` in the caller's
transaction: on PostgreSQL the row lock serialises concurrent inserts of the same series, and a
rolled-back transaction rolls its number back with it, so names stay unique and gap-free.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from sqlalchemy import BigInteger, String, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base


class NamingSeries(Base):
    __tablename__ = "naming_series"

    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    current: Mapped[int] = mapped_column(BigInteger, default=0)


class Named(Protocol):
    naming_series: ClassVar[tuple[str, int]]
    name: str


async def reserve_names(
    session: AsyncSession, prefix: str, digits: int, count: int
) -> list[str]:
    """The next `count` names of a series, in order, for bulk inserts (a billing run)."""
    if count <= 0:
        return []
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(NamingSeries).values(prefix=prefix, current=0).on_conflict_do_nothing()
    )
    result = await session.execute(
        update(NamingSeries)
        .where(NamingSeries.prefix == prefix)
        .values(current=NamingSeries.current + count)
        .returning(NamingSeries.current)
    )
    last = result.scalar_one()
    return [f"{prefix}{number:0{digits}d}" for number in range(last - count + 1, last + 1)]


async def lock_series(session: AsyncSession, prefix: str) -> None:
    """Hold the series row until commit, so a second writer waits and then sees our rows."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(NamingSeries).values(prefix=prefix, current=0).on_conflict_do_nothing()
    )
    await session.execute(
        update(NamingSeries)
        .where(NamingSeries.prefix == prefix)
        .values(current=NamingSeries.current)
    )


async def next_name(session: AsyncSession, prefix: str, digits: int) -> str:
    return (await reserve_names(session, prefix, digits, 1))[0]


async def assign_name(session: AsyncSession, document: Named) -> str:
    """Give a new document the next name of its class's series."""
    prefix, digits = type(document).naming_series
    document.name = await next_name(session, prefix, digits)
    return document.name
