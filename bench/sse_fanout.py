"""SSE fan-out: 5,000 subscribers on one hub process, 100 events, latency and memory.

    .venv/bin/python bench/sse_fanout.py [--subscribers 5000] [--events 100] [--interval 0.05]

Three runs, each against real uvicorn processes (one worker, uvloop, httptools):

1. `naive`: a bare sse-starlette endpoint, an asyncio.Queue per client fed by a publish
   endpoint, each client encoding its own copy of every event: the floor to compare with.
2. `hub/memory`: the gigafibre app with the memory broker; subscribers are staff (dispatch)
   following `dispatch`; events go through `POST /broadcast`.
3. `hub/redis x2`: two hub processes on one Redis, subscribers split across both, every event
   published through the first.

Each event's data carries its sequence number and publish time (taken just before the POST),
so the latency is end to end: publish request, fan-out, socket, the client noticing it. Memory
per connection is the growth of the server's RSS from before the clients connect to after,
divided by their number. Every event must reach every subscriber, or the run says how many
were missing. The clients are plain asyncio protocols in this one process (no HTTP library
per connection), so 5,000 of them fit beside the server on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import httpx
import redis
from fastapi import FastAPI
from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gigafibre.core.db import Database
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.staff import service as staff_service

USERNAME = "bench"
PASSWORD = "bench-password-1"
REPO = Path(__file__).resolve().parent.parent
P99_TARGET_MS = 250.0
KIB_TARGET = 40.0


class BenchError(RuntimeError):
    """The measurement is not valid (a server down, a refused subscriber)."""


# -- the apps, each imported by uvicorn in its own process ------------------------------------


def naive_app() -> Starlette:
    """What one writes first with sse-starlette: a queue per client, one encoding per client."""
    queues: set[asyncio.Queue[str]] = set()

    async def sse(_request: Request) -> EventSourceResponse:
        queue: asyncio.Queue[str] = asyncio.Queue()
        queues.add(queue)

        async def events() -> AsyncIterator[dict[str, str]]:
            try:
                while True:
                    yield {"event": "bench", "data": await queue.get()}
            finally:
                queues.discard(queue)

        return EventSourceResponse(events(), ping=25)

    async def publish(request: Request) -> JSONResponse:
        data = (await request.json())["data"]
        for queue in queues:
            queue.put_nowait(data)
        return JSONResponse({"subscribers": len(queues)})

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/sse", sse),
            Route("/publish", publish, methods=["POST"]),
            Route("/healthz", healthz),
        ]
    )


def hub_app() -> FastAPI:
    """The gigafibre app with the live wiring given for `create_app`."""
    sys.path.insert(0, str(REPO))
    from tests.live.hub import app  # the same wiring the tests run

    return app


# -- servers -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def serve(factory: str, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """A uvicorn process (one worker) on a free port; yields its base URL and pid."""
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", f"bench.sse_fanout:{factory}"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--backlog", "8192"]
    command += ["--loop", "uvloop", "--http", "httptools", "--no-access-log"]
    command += ["--log-level", "warning", "--timeout-graceful-shutdown", "3"]
    log = Path(env["GF_DATA_DIR"]) / f"{factory}-{port}.log"
    with log.open("wb") as output:  # the naive app logs an error for every client that leaves
        process = subprocess.Popen(
            command, env={**os.environ, **env}, cwd=REPO, stdout=output, stderr=output
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise BenchError(f"{factory} exited with {process.returncode}; see {log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise BenchError(f"{factory} did not start")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise BenchError(f"no VmRSS for {pid}")


async def prepare(url: str) -> None:
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database.from_url(url)
    async with db.unit_of_work() as session:
        await staff_service.create_staff(
            session, username=USERNAME, password=PASSWORD, roles=["dispatch"]
        )
    await db.dispose()


def sign_in(base: str) -> tuple[str, str]:
    """A staff session as a browser gets it: the Cookie header and the CSRF token."""
    with httpx.Client(base_url=base, timeout=10) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if token is None:
            raise BenchError("no csrf_token on /login")
        client.post(
            "/login",
            data={"username": USERNAME, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        csrf = client.get("/api/me").json()["csrf_token"]
        return f"gf_session={client.cookies['gf_session']}", csrf


# -- the clients -------------------------------------------------------------------------------


class Tally:
    """What the subscribers received: a latency per delivery and a count per (client, event)."""

    def __init__(self, clients: int, events: int) -> None:
        self.latencies: list[float] = []
        self.seen = [bytearray(events) for _ in range(clients)]
        self.expected = clients * events
        self.delivered = 0
        self.done = asyncio.Event()


class Subscriber(asyncio.Protocol):
    """One SSE connection: reads lines, records `data: <seq> <published at>` as it arrives."""

    def __init__(self, request: bytes, index: int, tally: Tally) -> None:
        self.request = request
        self.index = index
        self.tally = tally
        self.tail = b""
        self.ready: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if not self.ready.done():
            self.ready.set_result(data.startswith(b"HTTP/1.1 200"))
        lines = (self.tail + data).split(b"\n")
        self.tail = lines.pop()
        tally = self.tally
        seen = tally.seen[self.index]
        for line in lines:
            if line.startswith(b"data: "):
                seq, published = line[6:].split(b" ")
                seen[int(seq)] += 1
                tally.latencies.append(now - float(published))
                tally.delivered += 1
        if tally.delivered >= tally.expected:
            tally.done.set()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_result(False)


async def connect_all(
    bases: Sequence[str], count: int, path: str, headers: str, tally: Tally
) -> list[Subscriber]:
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(200)

    async def one(index: int) -> Subscriber:
        base = bases[index % len(bases)]
        host, port = base.removeprefix("http://").split(":")
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n{headers}\r\n"
        ).encode()
        async with gate:
            _transport, client = await loop.create_connection(
                lambda: Subscriber(request, index, tally), host, int(port)
            )
            if not await asyncio.wait_for(client.ready, 30):
                raise BenchError(f"subscriber {index} was refused")
        return client

    return list(await asyncio.gather(*(one(index) for index in range(count))))


@dataclass
class Result:
    name: str
    subscribers: int
    events: int
    kib_per_connection: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    missing: int
    duplicates: int
    connect_s: float


async def run(
    name: str,
    servers: Sequence[tuple[str, int]],
    *,
    subscribers: int,
    events: int,
    interval: float,
    path: str,
    publish: tuple[str, dict[str, str]],
    cookie: str = "",
    topic: str = "",
) -> Result:
    bases = [base for base, _pid in servers]
    tally = Tally(subscribers, events)
    await asyncio.sleep(1)
    before = sum(rss_kib(pid) for _base, pid in servers)
    started = time.perf_counter()
    headers = f"Cookie: {cookie}\r\n" if cookie else ""
    clients = await connect_all(bases, subscribers, path, headers, tally)
    connect_s = time.perf_counter() - started
    await asyncio.sleep(2)
    after = sum(rss_kib(pid) for _base, pid in servers)
    url, publish_headers = publish
    async with httpx.AsyncClient(timeout=30, headers=publish_headers) as http:
        for seq in range(events):
            data = f"{seq} {time.time():.6f}"
            body = {"topic": topic, "event": "bench", "data": data} if topic else {"data": data}
            answer = await http.post(url, json=body)
            if answer.status_code != 200:
                raise BenchError(f"publish gave {answer.status_code}: {answer.text}")
            await asyncio.sleep(interval)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(tally.done.wait(), 30)
    for client in clients:
        if client.transport is not None:
            client.transport.close()
    latencies = sorted(tally.latencies)
    counts = [count for seen in tally.seen for count in seen]
    return Result(
        name=name,
        subscribers=subscribers,
        events=events,
        kib_per_connection=(after - before) / subscribers,
        p50_ms=1000 * statistics.median(latencies) if latencies else float("nan"),
        p99_ms=1000 * latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan"),
        max_ms=1000 * latencies[-1] if latencies else float("nan"),
        missing=sum(1 for count in counts if count == 0),
        duplicates=sum(count - 1 for count in counts if count > 1),
        connect_s=connect_s,
    )


def report(results: Sequence[Result], arguments: argparse.Namespace) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{dt.date.today()}  {arguments.subscribers} subscribers, {arguments.events} events")
    print(f"load average after the runs: {load} on {os.cpu_count()} CPUs")
    print(f"one every {arguments.interval * 1000:.0f} ms; targets p99 < {P99_TARGET_MS:.0f} ms")
    print(f"and < {KIB_TARGET:.0f} KiB per connection\n")
    print("| run | KiB/conn | p50 ms | p99 ms | max ms | missing | dup | connect s | targets |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        met = r.p99_ms < P99_TARGET_MS and r.kib_per_connection < KIB_TARGET and not r.missing
        print(
            f"| {r.name} | {r.kib_per_connection:.1f} | {r.p50_ms:.0f} | {r.p99_ms:.0f} "
            f"| {r.max_ms:.0f} | {r.missing} | {r.duplicates} | {r.connect_s:.1f} "
            f"| {'met' if met else 'missed'} |"
        )


async def hub_run(
    name: str, env: dict[str, str], hubs: int, arguments: argparse.Namespace
) -> Result:
    """`hubs` hub processes on `env`; subscribers split across them, publishing via the first."""
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(serve("hub_app", env)) for _ in range(hubs)]
        cookie, csrf = await asyncio.to_thread(sign_in, servers[0][0])
        publish = (f"{servers[0][0]}/broadcast", {"Cookie": cookie, "X-CSRF-Token": csrf})
        return await run(
            name,
            servers,
            subscribers=arguments.subscribers,
            events=arguments.events,
            interval=arguments.interval,
            path="/sse?topic=dispatch",
            publish=publish,
            cookie=cookie,
            topic="dispatch",
        )


async def main(arguments: argparse.Namespace) -> list[Result]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 2 * arguments.subscribers + 1000))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    workdir = Path(tempfile.mkdtemp(prefix="gf-sse-bench-"))
    url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    await prepare(url)
    common = {
        "GF_DATABASE_URL": url,
        "GF_DATA_DIR": str(workdir),
        "GF_LOG_LEVEL": "WARNING",
        "GF_RUN_WORKERS_IN_SERVE": "false",
        "GF_SECRET_KEY": secrets.token_urlsafe(40),
        "GF_JWT_SECRET": secrets.token_urlsafe(40),
    }
    results = await scenarios(common, arguments)
    shutil.rmtree(workdir)  # kept, with the servers' logs, when a run fails
    return results


async def scenarios(common: dict[str, str], arguments: argparse.Namespace) -> list[Result]:
    results = []
    if "naive" in arguments.runs:
        with serve("naive_app", common) as naive:
            results.append(
                await run(
                    "naive sse-starlette",
                    [naive],
                    subscribers=arguments.subscribers,
                    events=arguments.events,
                    interval=arguments.interval,
                    path="/sse",
                    publish=(f"{naive[0]}/publish", {}),
                )
            )
    if "memory" in arguments.runs:
        env = {**common, "GF_REALTIME_BROKER": "memory"}
        results.append(await hub_run("hub, memory broker", env, 1, arguments))
    if "redis" in arguments.runs:
        stream = f"gf:bench:{secrets.token_hex(4)}"
        env = {**common, "GF_REALTIME_BROKER": "redis", "GF_REDIS_URL": arguments.redis_url}
        try:
            env["GF_TEST_SSE_STREAM"] = stream
            results.append(await hub_run("2 hubs, Redis broker", env, 2, arguments))
        finally:
            redis.Redis.from_url(arguments.redis_url).delete(stream)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between events")
    parser.add_argument("--runs", nargs="+", default=["naive", "memory", "redis"])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    import uvloop

    report(uvloop.run(main(args)), args)
