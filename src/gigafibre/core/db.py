"""Engines, sessions and the declarative base.

One unit of work per request or job: services `flush()`, the wrapper here commits. On SQLite
the driver's own transaction handling is turned off so that SAVEPOINTs work (tests run each case
in a rolled-back transaction) and so that writing units start with `BEGIN IMMEDIATE`: a deferred
transaction that reads and then writes can fail at once with SQLITE_BUSY under WAL.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import structlog
from sqlalchemy import MetaData, event, func
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry

from gigafibre.core.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=func.now()
    )


WRITE_OPTION = "gf_write"
LONG_WRITE_SECONDS = 2.0
CommitHook = Callable[[dict[str, Any]], Awaitable[None]]


def _install_sqlite_behaviour(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, pool_size=pool_size, max_overflow=20)
        _install_sqlite_behaviour(engine)
        return engine
    return create_async_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=20, pool_pre_ping=True
    )


class Database:
    """The engine and the two kinds of unit of work: reading, and writing."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._commit_hooks: list[CommitHook] = []
        self._read = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self._write = async_sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}),
            expire_on_commit=False,
            autoflush=False,
        )

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False, pool_size: int = 10) -> Database:
        return cls(make_engine(url, echo=echo, pool_size=pool_size))

    def on_commit(self, hook: CommitHook) -> None:
        """Run `hook(session.info)` after every successful commit (e.g. to publish events)."""
        self._commit_hooks.append(hook)

    def session(self, *, write: bool) -> AsyncSession:
        return (self._write if write else self._read)()

    @asynccontextmanager
    async def unit_of_work(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """Commit when the block ends normally; roll back on any error."""
        session = self.session(write=write)
        started = time.monotonic()
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            await session.close()
            held = time.monotonic() - started
            if write and held > LONG_WRITE_SECONDS:
                # On SQLite a write session holds the database's one write lock throughout:
                # name the caller, so whoever keeps others waiting can be found.
                caller = [
                    f"{frame.name}@{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno}"
                    for frame in traceback.extract_stack(limit=6)[:-2]
                ]
                structlog.get_logger("gigafibre.db").warning(
                    "db.long_write", seconds=round(held, 2), caller=caller
                )
        for hook in self._commit_hooks:
            try:
                await hook(session.info)
            except Exception:
                # The change is committed; the worker publishes what a failed hook left behind.
                structlog.get_logger("gigafibre.db").exception("commit_hook_failed")

    async def dispose(self) -> None:
        await self.engine.dispose()
