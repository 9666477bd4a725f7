"""Shared fixtures: a migrated database per run (SQLite, or PostgreSQL with
GF_TEST_DATABASE=postgresql), each test in a rolled-back transaction, and an API client.

PostgreSQL, Redis and Mosquitto tests skip when the service is unreachable, unless
GF_REQUIRE_SERVICES=1 (CI), where an unreachable service fails the run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from gigafibre.app import create_app
from gigafibre.billing.cycle import run_billing
from gigafibre.billing.models import Subscription
from gigafibre.catalog.models import Item
from gigafibre.core.db import Database, make_engine
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.core.naming import assign_name
from gigafibre.customers import schemas
from gigafibre.customers import service as customer_service
from gigafibre.settings import Settings
from gigafibre.staff import service as staff_service
from tests.field.live_seed import seed_dispatch_flow
from tests.signup.live_seed import seed_signup_world

BACKEND = os.environ.get("GF_TEST_DATABASE", "sqlite")
REQUIRE_SERVICES = os.environ.get("GF_REQUIRE_SERVICES") == "1"
POSTGRES_ADMIN_URL = os.environ.get(
    "GF_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "correct horse battery staple"
LIVE_JWT_SECRET = "live-server-jwt-secret-" + "z" * 32


def service_unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"GF_REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


async def _postgres_reachable(url: str) -> bool:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except (OSError, Exception):
        return False
    finally:
        await engine.dispose()


async def create_postgres_database() -> str:
    """A fresh database of our own, so runs never see each other's data."""
    if not await _postgres_reachable(POSTGRES_ADMIN_URL):
        service_unavailable(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
    name = f"gf_test_{os.getpid()}_{secrets.token_hex(3)}"
    engine = make_engine(POSTGRES_ADMIN_URL)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return re.sub(r"/[^/]*$", f"/{name}", POSTGRES_ADMIN_URL)


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    engine = make_engine(POSTGRES_ADMIN_URL)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if BACKEND == "postgresql":
        url = await create_postgres_database()
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
        await drop_postgres_database(url)
    else:
        path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite+aiosqlite:///{path}"
        await asyncio.to_thread(upgrade_to_head, url)
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        secret_key="test-secret-key-" + "x" * 32,
        jwt_secret="test-jwt-secret-" + "y" * 32,
        trusted_proxies=["10.9.8.7/32"],
        log_level="WARNING",
        log_json=False,
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = Database.from_url(settings.database_url)
    yield db
    await db.dispose()


class TransactionalDatabase(Database):
    """Every unit of work becomes a SAVEPOINT inside the test's transaction, rolled back after."""

    def __init__(self, base: Database, connection: AsyncConnection) -> None:
        super().__init__(base.engine)
        bound = async_sessionmaker(
            bind=connection,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        self._read = bound
        self._write = bound


@pytest_asyncio.fixture(loop_scope="session")
async def tx_database(database: Database) -> AsyncIterator[TransactionalDatabase]:
    async with database.engine.connect() as connection:
        transaction = await connection.begin()
        yield TransactionalDatabase(database, connection)
        await transaction.rollback()


@pytest_asyncio.fixture(loop_scope="session")
async def session(tx_database: TransactionalDatabase) -> AsyncIterator[AsyncSession]:
    async with tx_database.unit_of_work() as unit:
        yield unit


@pytest.fixture
def app(settings: Settings, tx_database: TransactionalDatabase):  # type: ignore[no-untyped-def]
    return create_app(settings, database=tx_database)


@pytest_asyncio.fixture(loop_scope="session")
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=("203.0.113.5", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


LoginAs = Callable[..., Awaitable[str]]


@pytest.fixture
def login_as(client: httpx.AsyncClient, tx_database: TransactionalDatabase) -> LoginAs:
    """Create a staff account with `roles`, sign the client in, return its CSRF token."""

    async def _login(username: str = "agent", roles: tuple[str, ...] = ("admin",)) -> str:
        async with tx_database.unit_of_work() as unit:
            await staff_service.create_staff(
                unit,
                username=username,
                password=PASSWORD,
                roles=list(roles),
                full_name=username.title(),
            )
        page = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        response = await client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert response.status_code == 303, response.text
        me = await client.get("/api/me")
        csrf: str = me.json()["csrf_token"]
        client.headers["X-CSRF-Token"] = csrf
        return csrf

    return _login


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


# A real server in a subprocess, for the browser and the OpenAPI fuzz tests.


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _prepare(url: str) -> None:
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database.from_url(url)
    async with db.unit_of_work() as session:
        await staff_service.create_staff(
            session,
            username="agent",
            password=PASSWORD,
            roles=["support"],
            full_name="Agent Soutien",
        )
        await staff_service.create_staff(
            session, username="chef", password=PASSWORD, roles=["admin"], full_name="Chef"
        )
        await customer_service.create_customer(
            session,
            data=schemas.CustomerCreate(
                customer_name="Marie-Ève Tremblay",
                phone="+14185550123",
                email="marie-eve.tremblay@example.ca",
                location=schemas.LocationInput(
                    civic_number="12",
                    street="rue Saint-Jean",
                    city="Québec",
                    postal_code="G1R 1N8",
                ),
            ),
            actor="seed",
        )
        await customer_service.create_customer(
            session,
            data=schemas.CustomerCreate(customer_name="Jean Gagnon", phone="+15815550199"),
            actor="seed",
        )
        plan = Item(
            item_code="FIBRE-500",
            item_group="plan",
            name_fr="Fibre 500",
            name_en="Fibre 500",
            price=Decimal("75.00"),
            billing_interval="month",
            taxable=True,
        )
        session.add(plan)
        await session.flush()
        marie = await customer_service.get_customer(session, name="C-000001")
        subscription = Subscription(
            customer_id=marie.id,
            item_id=plan.id,
            rate=plan.price,
            start_date=dt.date.today() - dt.timedelta(days=400),
        )
        await assign_name(session, subscription)
        session.add(subscription)
        await session.flush()
        await run_billing(session, as_of=dt.date.today())
        await seed_dispatch_flow(session)  # tests/browser/test_dispatch_flow.py
        await seed_signup_world(session)  # tests/browser/test_signup_flow.py
    await db.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("live")
    url = f"sqlite+aiosqlite:///{data_dir / 'live.db'}"
    asyncio.run(_prepare(url))
    port = _free_port()
    env = {
        **os.environ,
        "GF_DATABASE_URL": url,
        "GF_DATA_DIR": str(data_dir),
        "GF_LOG_LEVEL": "WARNING",
        "GF_JWT_SECRET": LIVE_JWT_SECRET,
        "GF_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "gigafibre.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the live server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
