"""A real server in a subprocess and Debian's chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gigafibre.core.db import Database
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.customers import schemas
from gigafibre.customers import service as customer_service
from gigafibre.staff import service as staff_service
from tests.conftest import PASSWORD, service_unavailable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


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


@pytest.fixture(scope="session")
def browser_executable() -> str:
    if not Path(CHROMIUM).exists():
        service_unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM
