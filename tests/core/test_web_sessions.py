"""GET routes get a read session, unless marked as writing: then a write session, like POST."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.web import SessionDep, writes_on_get
from tests.conftest import TransactionalDatabase


class RecordingDatabase:
    """Remembers which kind of unit of work each request asked for."""

    def __init__(self, inner: TransactionalDatabase) -> None:
        self.inner = inner
        self.kinds: list[bool] = []

    @asynccontextmanager
    async def unit_of_work(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        self.kinds.append(write)
        async with self.inner.unit_of_work(write=write) as session:
            yield session


async def test_only_marked_get_routes_and_unsafe_methods_write(
    tx_database: TransactionalDatabase,
) -> None:
    app = FastAPI()
    recorder = RecordingDatabase(tx_database)
    app.state.db = recorder

    @app.get("/reads")
    async def reads(_session: SessionDep) -> None:
        return None

    @app.get("/spends")
    @writes_on_get
    async def spends(_session: SessionDep) -> None:
        return None

    @app.post("/posts")
    async def posts(_session: SessionDep) -> None:
        return None

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for method, path in (("GET", "/reads"), ("GET", "/spends"), ("POST", "/posts")):
            assert (await c.request(method, path)).status_code == 200
    assert recorder.kinds == [False, True, True]
