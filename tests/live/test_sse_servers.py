"""SSE over real sockets: uvicorn processes running `tests/live/hub.py` (the wired app).

One hub on the memory broker, and two hubs sharing one Redis stream (a key of this run's own):
a client that reconnects with its Last-Event-ID gets what it missed, on either broker and on
the other hub process than the one the events were published through.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from gigafibre.core.links import Audience, issue_link_token
from tests.conftest import BACKEND, PASSWORD, _prepare, repo_root, service_unavailable

pytestmark = pytest.mark.skipif(
    BACKEND != "sqlite", reason="the hubs run on SQLite; once per make test is enough"
)
REDIS_URL = os.environ.get("GF_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
JWT_SECRET = "live-jwt-secret-" + "j" * 32
PING = 0.2


@dataclass
class Hub:
    base: str
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(env: dict[str, str]) -> Hub:
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "tests.live.hub:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--timeout-graceful-shutdown", "5"]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=repo_root())
    return Hub(f"http://127.0.0.1:{port}", process)


def _wait_ready(hub: Hub) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            pytest.fail(f"the hub exited with {hub.process.returncode}")
        try:
            if httpx.get(f"{hub.base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail("the hub did not start")


def _stop(hub: Hub) -> None:
    hub.process.terminate()
    try:
        hub.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        hub.process.kill()
        hub.process.wait()


@pytest.fixture(scope="module")
def hub_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data_dir: Path = tmp_path_factory.mktemp("hubs")
    url = f"sqlite+aiosqlite:///{data_dir / 'hubs.db'}"
    return {
        "GF_DATABASE_URL": url,
        "GF_DATA_DIR": str(data_dir),
        "GF_JWT_SECRET": JWT_SECRET,
        "GF_SECRET_KEY": "live-secret-key-" + "k" * 32,
        "GF_LOG_LEVEL": "WARNING",
        "GF_RUN_WORKERS_IN_SERVE": "false",
        "GF_TEST_SSE_PING": str(PING),
    }


@pytest.fixture(scope="module")
def hubs(hub_env: dict[str, str]) -> Iterator[dict[str, Hub]]:
    """One memory hub and, when Redis answers, two Redis hubs; started side by side."""
    stream = f"gf:test:{secrets.token_hex(6)}"
    client = redis.Redis.from_url(REDIS_URL)
    redis_env = {"GF_REALTIME_BROKER": "redis", "GF_REDIS_URL": REDIS_URL}
    redis_env["GF_TEST_SSE_STREAM"] = stream
    try:
        client.ping()
    except (OSError, redis.RedisError):
        redis_env = {}
    started = {"memory": _start({**hub_env, "GF_REALTIME_BROKER": "memory"})}
    if redis_env:
        started["redis-a"] = _start({**hub_env, **redis_env})
        started["redis-b"] = _start({**hub_env, **redis_env})
    try:
        # The hubs touch the database only when asked; migrate while they start.
        asyncio.run(_prepare(hub_env["GF_DATABASE_URL"]))  # staff "agent" (support), customers
        for hub in started.values():
            _wait_ready(hub)
        yield started
    finally:
        for hub in started.values():
            _stop(hub)
        if redis_env:
            client.delete(stream)
        client.close()


def redis_hubs(hubs: dict[str, Hub]) -> tuple[Hub, Hub]:
    if "redis-b" not in hubs:
        service_unavailable(f"Redis is not reachable at {REDIS_URL}")
    return hubs["redis-a"], hubs["redis-b"]


@asynccontextmanager
async def staff_client(base: str) -> AsyncIterator[httpx.AsyncClient]:
    """Signed in as the seeded support agent, with the CSRF header set."""
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        page = await http.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        await http.post(
            "/login",
            data={"username": "agent", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        http.headers["X-CSRF-Token"] = (await http.get("/api/me")).json()["csrf_token"]
        yield http


def session_of(http: httpx.AsyncClient) -> dict[str, str]:
    return {"Cookie": f"gf_session={http.cookies['gf_session']}"}


class Stream:
    """An open SSE response read event by event (comments such as `: ping` included)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.aiter_lines()

    async def next(self, *, skip_pings: bool = True) -> dict[str, str]:
        event: dict[str, str] = {}
        async with asyncio.timeout(5):
            async for line in self.lines:
                if line:
                    name, _, value = line.partition(":")
                    name, value = name or "comment", value.removeprefix(" ")
                    event[name] = f"{event[name]}\n{value}" if name in event else value
                elif event:
                    if skip_pings and event.get("comment") == "ping":
                        event = {}
                        continue
                    return event
        raise AssertionError("the stream ended")

    async def events(self, count: int) -> list[dict[str, str]]:
        return [await self.next() for _ in range(count)]


@asynccontextmanager
async def open_stream(
    base: str, query: str, *, headers: dict[str, str] | None = None
) -> AsyncIterator[Stream]:
    async with (
        httpx.AsyncClient(base_url=base, timeout=5) as http,
        http.stream("GET", f"/sse?{query}", headers=headers) as response,
    ):
        assert response.status_code == 200, await response.aread()
        yield Stream(response)


async def broadcast(http: httpx.AsyncClient, topic: str, event: str, data: str) -> str:
    answer = await http.post("/broadcast", json={"topic": topic, "event": event, "data": data})
    assert answer.status_code == 200, answer.text
    event_id: str = answer.json()["id"]
    return event_id


def portal_link(name: str) -> dict[str, str]:
    token = issue_link_token(JWT_SECRET, subject=name, audience=Audience.portal)
    return {"Authorization": f"Bearer {token}"}


async def test_a_customer_reconnecting_with_last_event_id_gets_what_it_missed(
    hubs: dict[str, Hub],
) -> None:
    base = hubs["memory"].base
    async with staff_client(base) as staff:
        mine = portal_link("C-000777")
        async with open_stream(base, "topic=customer:C-000777", headers=mine) as stream:
            await asyncio.sleep(0.05)
            seen = await broadcast(staff, "customer:C-000777", "invoice.issued", '{"n": 1}')
            assert await stream.next() == {
                "id": seen,
                "event": "invoice.issued",
                "data": '{"n": 1}',
            }
        missed = [
            await broadcast(staff, "customer:C-000777", "payment.received", "first\nsecond"),
            await broadcast(staff, "customer:C-000777", "payment.received", "third"),
        ]
        await broadcast(staff, "customer:C-000778", "payment.received", "not mine")
        resumed = {**mine, "Last-Event-ID": seen}
        async with open_stream(base, "topic=customer:C-000777", headers=resumed) as stream:
            got = await stream.events(2)
            assert [event["id"] for event in got] == missed
            assert got[0]["data"] == "first\nsecond"
            live = await broadcast(staff, "customer:C-000777", "payment.refunded", "fourth")
            assert (await stream.next())["id"] == live
        query = f"topic=customer:C-000777&last_event_id={missed[1]}"
        async with open_stream(base, query, headers=mine) as stream:
            assert (await stream.next())["id"] == live


async def test_an_idle_stream_is_kept_alive_with_pings(hubs: dict[str, Hub]) -> None:
    token = issue_link_token(JWT_SECRET, subject="TECH-0001", audience=Audience.tech)
    query = f"topic=technician:TECH-0001&token={token}"
    async with open_stream(hubs["memory"].base, query) as stream:
        started = time.monotonic()
        assert await stream.next(skip_pings=False) == {"comment": "ping"}
        assert await stream.next(skip_pings=False) == {"comment": "ping"}
        assert time.monotonic() - started < 4 * PING


async def test_two_hubs_on_one_redis_share_events_and_replay(hubs: dict[str, Hub]) -> None:
    """Tested with two hub processes on one Redis: publish on A, receive and replay on B."""
    first, second = redis_hubs(hubs)
    async with staff_client(first.base) as staff:
        async with open_stream(second.base, "topic=network", headers=session_of(staff)) as stream:
            await asyncio.sleep(0.1)  # the hub's reader is blocked on XREAD: no race, but be kind
            seen = await broadcast(staff, "network", "outage.opened", '{"olt": "OLT-1"}')
            assert await stream.next() == {
                "id": seen,
                "event": "outage.opened",
                "data": '{"olt": "OLT-1"}',
            }
        missed = [
            await broadcast(staff, "network", "outage.updated", "1"),
            await broadcast(staff, "customer:C-000001", "ticket.opened", "2"),
            await broadcast(staff, "conversations", "message.received", "3"),
            await broadcast(staff, "network", "outage.closed", "4"),
        ]
        both = "topic=network&topic=customer:C-000001"
        resumed = {**session_of(staff), "Last-Event-ID": seen}
        async with open_stream(second.base, both, headers=resumed) as stream:
            got = await stream.events(3)
            assert [event["id"] for event in got] == [missed[0], missed[1], missed[3]]
            assert [event["data"] for event in got] == ["1", "2", "4"]


async def test_open_streams_end_when_the_hub_shuts_down(hub_env: dict[str, str]) -> None:
    """uvicorn waits for open responses before its lifespan ends: streams must end themselves."""
    hub = _start({**hub_env, "GF_REALTIME_BROKER": "memory", "GF_TEST_SSE_PING": "25"})
    try:
        await asyncio.to_thread(_wait_ready, hub)
        async with open_stream(
            hub.base, "topic=customer:C-000001", headers=portal_link("C-000001")
        ) as stream:
            await asyncio.sleep(0.1)
            started = time.monotonic()
            hub.process.terminate()
            with pytest.raises(AssertionError, match="the stream ended"):
                await stream.next()
            assert time.monotonic() - started < 3
        # uvicorn re-raises the signal it caught once it has shut down cleanly.
        assert await asyncio.to_thread(hub.process.wait, 5) in (0, -signal.SIGTERM)
    finally:
        _stop(hub)
