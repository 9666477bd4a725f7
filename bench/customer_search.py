"""Customer search under concurrent load, beside a bare primary-key endpoint, per backend.

    .venv/bin/python bench/customer_search.py --backend both

Seeds the demo ISP (50,000 customers by default) into a fresh database, starts the real app and
a bare FastAPI app (one `SELECT … WHERE id = ?` per request) with uvicorn, one worker each, and
drives both with `wrk`: the baseline, then `GET /api/customers?q=…` with queries taken from the
seeded data, twice over (shared machines are noisy). The baseline says what this machine, this
driver and this database give for the least a request can do, so the search is judged as a
share of it rather than against an absolute figure from another machine. A last, light pass
(few connections) shows the latency of a request when the worker is not saturated.

Every run also reports the CPU other processes used meanwhile (`others`), since a neighbour's
job on a 2-core machine moves the figures more than most code changes: each run first waits
for the machine to be quiet, and a run others disturbed anyway (> 10 %) is done again, up to
--retries times, keeping the least disturbed.

Targets (issue #2): search p99 < 50 ms, judged at the light pass (8 connections by default: a
support floor of eight people typing at once; at 32 connections one worker is saturated and
p99 is queueing, the baseline's own p99 is above 50 ms there), and search req/s >= 40 % of the
baseline's at saturation (32 connections). The exit status is 0 whatever the figures; it is
non-zero only when something went wrong (a non-200 answer, a socket error, a server that does
not start).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import importlib.util
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import FastAPI, HTTPException
from sqlalchemy import func, select, text

import gigafibre.models  # noqa: F401  (every mapper, so relationships resolve)
from gigafibre.core.db import Database, make_engine
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.customers.normalize import format_phone
from gigafibre.demo.seed import seed_demo
from gigafibre.staff import service as staff_service
from gigafibre.staff.models import StaffUser

ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
USERNAME = "bench"
PASSWORD = "bench-password-1"
P99_TARGET_MS = 50.0
RATIO_TARGET = 0.40
NOISY = 0.10  # other processes above this share of the machine make a run suspect
BENCH_DIR = Path(__file__).resolve().parent
SEARCH = "search   GET /api/customers?q=…"
BASELINE = "baseline GET /customer/{id}"


class BenchError(RuntimeError):
    """The measurement is not valid (bad status, socket errors, a server down)."""


# -- the baseline app (imported by uvicorn in its own process) --------------------------------


def baseline_app() -> FastAPI:
    """One primary-key lookup through the project's unit of work: the floor a request costs."""
    db = Database.from_url(
        os.environ["GF_DATABASE_URL"],
        pool_size=int(os.environ.get("GF_DATABASE_POOL_SIZE", "10")),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await db.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/customer/{customer_id}")
    async def customer(customer_id: int) -> dict[str, Any]:
        async with db.unit_of_work(write=False) as session:
            found = await session.scalar(select(Customer).where(Customer.id == customer_id))
        if found is None:
            raise HTTPException(status_code=404)
        return {"id": found.id, "name": found.name, "customer_name": found.customer_name}

    return app


# -- databases --------------------------------------------------------------------------------


async def prepare(url: str, customers: int, *, analyze: bool) -> None:
    """Migrate, seed the demo ISP and add the staff account the load signs in with.

    On PostgreSQL the database is then vacuumed and analysed, as autovacuum would leave it
    after a bulk load in a real install (it is off on some machines, and the run starts within
    seconds): without statistics the planner walks all 50,000 customers by name for every
    search, and without the visibility map the term index cannot answer alone.
    """
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database.from_url(url)
    try:
        async with db.unit_of_work() as session:
            if not await session.scalar(select(func.count()).select_from(Customer)):
                started = time.perf_counter()
                report = await seed_demo(session, customers=customers)
                print(f"  {report} ({time.perf_counter() - started:.0f} s)", flush=True)
            exists = await session.scalar(
                select(StaffUser.id).where(StaffUser.username == USERNAME)
            )
            if exists is None:
                await staff_service.create_staff(
                    session, username=USERNAME, password=PASSWORD, roles=["support"]
                )
        if analyze and url.startswith("postgresql"):
            async with db.engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("VACUUM ANALYZE"))
    finally:
        await db.dispose()


async def create_postgres(admin_url: str) -> str:
    name = f"gf_bench_{secrets.token_hex(4)}"
    engine = make_engine(admin_url)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def drop_postgres(admin_url: str, url: str) -> None:
    engine = make_engine(admin_url)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(
            text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        )
    await engine.dispose()


@dataclass(frozen=True)
class Workload:
    search_paths: list[str]
    kinds: list[str]
    baseline_paths: list[str]
    customers: int


QUERY_KINDS = (
    "phone 418 555-0123",
    "phone (418) 555-0123",
    "phone +14185550123",
    "last name",
    "first+last prefixes",
    "postal code",
    "customer number",
    "email",
)


def _query(
    kind: str, customer: Customer, location: ServiceLocation | None, rng: random.Random
) -> str:
    """What staff would type to find this customer, in the given way."""
    words = customer.customer_name.split()
    phone = customer.phone or "+14185550123"
    if kind == "phone 418 555-0123":
        return format_phone(phone)
    if kind == "phone (418) 555-0123":
        national = format_phone(phone)
        return f"({national[:3]}) {national[4:]}"
    if kind == "phone +14185550123":
        return phone
    if kind == "last name":
        return words[-1] if customer.customer_type == "residential" else " ".join(words[:2])
    if kind == "first+last prefixes":
        residential = customer.customer_type == "residential" or len(words) < 2
        first, last = words[0], words[-1] if residential else words[1]
        return f"{first[: rng.randint(3, 6)]} {last[: rng.randint(3, 6)]}"
    if kind == "postal code" and location is not None:
        return location.postal_code
    if kind == "email" and customer.email:
        return customer.email
    return customer.name


async def workload(url: str, sample: int, seed: int) -> Workload:
    """Realistic queries drawn from the seeded rows themselves, and ids for the baseline."""
    rng = random.Random(seed)
    db = Database.from_url(url)
    try:
        async with db.unit_of_work(write=False) as session:
            ids = list((await session.scalars(select(Customer.id))).all())
            chosen = rng.sample(ids, min(sample, len(ids)))
            customers = (
                await session.scalars(select(Customer).where(Customer.id.in_(chosen)))
            ).all()
            locations = (
                await session.scalars(
                    select(ServiceLocation)
                    .where(ServiceLocation.customer_id.in_(chosen))
                    .order_by(ServiceLocation.id)
                )
            ).all()
    finally:
        await db.dispose()
    first_location: dict[int, ServiceLocation] = {}
    for location in locations:
        first_location.setdefault(location.customer_id, location)
    by_id = {customer.id: customer for customer in customers}
    paths, kinds = [], []
    for number, customer_id in enumerate(chosen):
        kind = QUERY_KINDS[number % len(QUERY_KINDS)]
        typed = _query(kind, by_id[customer_id], first_location.get(customer_id), rng)
        paths.append("/api/customers?q=" + quote(typed, safe=""))
        kinds.append(kind)
    baseline = [f"/customer/{rng.choice(ids)}" for _ in range(2000)]
    return Workload(paths, kinds, baseline, len(ids))


# -- the machine: how much CPU others take ----------------------------------------------------

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _machine_ticks() -> int:
    """CPU ticks of the whole machine since boot, all cores together, idle included."""
    return sum(int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9])


def _process_stat(pid: int) -> tuple[int, int]:
    """(parent pid, CPU ticks used so far) of a process; (0, 0) once it is gone."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]), int(fields[11]) + int(fields[12])
    return 0, 0


@dataclass
class Meter:
    """CPU that processes other than ours used during a run, as a share of the whole machine.

    Ours: this process, its children (wrk, the servers) and PostgreSQL backends serving our
    database (their title names it). Counted over the processes alive at the end of the run,
    so a short-lived process of ours (a backend the pool opens and closes) is never taken for
    a neighbour; a neighbour that ends mid-run goes uncounted.
    """

    database: str | None = None

    def _others(self) -> dict[int, int]:
        me = os.getpid()
        marker = f" {self.database} ".encode() if self.database else None
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == me:
                continue
            with contextlib.suppress(OSError):
                parent, ticks = _process_stat(int(entry.name))
                if parent == me or (marker and marker in (entry / "cmdline").read_bytes()):
                    continue
                found[int(entry.name)] = ticks
        return found

    @contextlib.contextmanager
    def measure(self) -> Iterator[list[float]]:
        """Yields a list that holds, after the block, the share others used meanwhile."""
        share: list[float] = []
        total = _machine_ticks()
        before = self._others()
        yield share
        elapsed = _machine_ticks() - total
        used = sum(ticks - before.get(pid, 0) for pid, ticks in self._others().items())
        share.append(min(1.0, max(0.0, used / max(1, elapsed))))

    def wait_for_quiet(self, limit: float) -> None:
        """Start a run only when neighbours leave the machine alone (or after `limit` s)."""
        deadline = time.monotonic() + limit
        told = False
        while True:
            with self.measure() as share:
                time.sleep(2)
            if share[0] < NOISY / 2:
                return
            if time.monotonic() > deadline:
                print(f"  machine still busy ({share[0]:.0%} by others); measuring anyway")
                return
            if not told:
                print(f"  waiting for a quiet machine ({share[0]:.0%} used by others)", flush=True)
                told = True


# -- servers ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def uvicorn_flags() -> list[str]:
    """The same flags for both servers: one worker, no access log, the fast loop and parser."""
    flags = ["--workers", "1", "--no-access-log", "--log-level", "warning"]
    if importlib.util.find_spec("uvloop"):
        flags += ["--loop", "uvloop"]
    if importlib.util.find_spec("httptools"):
        flags += ["--http", "httptools"]
    return flags


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


@contextlib.contextmanager
def serve(
    target: Sequence[str], database_url: str, data_dir: Path, pool_size: int | None
) -> Iterator[Server]:
    """A uvicorn process on a free port, stopped afterwards.

    The app's background worker is off (GF_RUN_WORKERS_IN_SERVE=false): its billing job is due
    at start-up and would bill 50,000 customers in the middle of the measurement.
    """
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("GF_")}
    env.update(
        GF_DATABASE_URL=database_url,
        GF_DATA_DIR=str(data_dir),
        GF_LOG_LEVEL="WARNING",
        GF_RUN_WORKERS_IN_SERVE="false",
    )
    if pool_size is not None:
        env["GF_DATABASE_POOL_SIZE"] = str(pool_size)
    command = [sys.executable, "-m", "uvicorn", *target, "--host", "127.0.0.1"]
    process = subprocess.Popen([*command, "--port", str(port), *uvicorn_flags()], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise BenchError(f"{' '.join(target)} exited with {process.returncode}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise BenchError(f"{' '.join(target)} did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield Server(base, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sign_in(base: str) -> str:
    """Sign in as a browser does (login form, CSRF field) and return the Cookie header."""
    with httpx.Client(base_url=base, timeout=10) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if page.status_code != 200 or token is None:
            raise BenchError(f"GET /login gave {page.status_code} without a csrf_token field")
        answer = client.post(
            "/login",
            data={"username": USERNAME, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        if answer.status_code != 303 or "gf_session" not in client.cookies:
            raise BenchError(f"POST /login gave {answer.status_code}, no session cookie")
        jar = {cookie.name: cookie.value for cookie in client.cookies.jar}
    jar.pop("gf_login_csrf", None)
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def check_answers(base: str, paths: Sequence[str], cookie: str) -> list[int]:
    """Every path answers 200 before the load starts; returns the number of results of each."""
    found = []
    with httpx.Client(base_url=base, timeout=10, headers={"Cookie": cookie}) as client:
        for path in paths:
            answer = client.get(path)
            if answer.status_code != 200:
                raise BenchError(f"GET {path} gave {answer.status_code}: {answer.text[:200]}")
            body = answer.json()
            found.append(len(body["items"]) if isinstance(body, dict) and "items" in body else 1)
    return found


# -- load -------------------------------------------------------------------------------------

LUA = """
local paths = {%(paths)s}
local threads = {}
local step = %(step)d
bad = 0

function setup(thread)
  thread:set("position", #threads * step)
  table.insert(threads, thread)
end

function init(args)
  wrk.headers["Cookie"] = "%(cookie)s"
end

function request()
  position = position %% #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local non200 = 0
  for _, thread in ipairs(threads) do non200 = non200 + thread:get("bad") end
  local e = summary.errors
  io.write(string.format("GFBENCH requests %%d\\n", summary.requests))
  io.write(string.format("GFBENCH duration_us %%d\\n", summary.duration))
  io.write(string.format("GFBENCH p50_us %%d\\n", latency:percentile(50)))
  io.write(string.format("GFBENCH p99_us %%d\\n", latency:percentile(99)))
  io.write(string.format("GFBENCH max_us %%d\\n", latency.max))
  io.write(string.format("GFBENCH non200 %%d\\n", non200))
  io.write(string.format("GFBENCH socket_errors %%d\\n", e.connect + e.read + e.write))
  io.write(string.format("GFBENCH timeouts %%d\\n", e.timeout))
end
"""


@dataclass(frozen=True)
class LoadResult:
    endpoint: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    others: float


def wrk(
    base: str,
    paths: Sequence[str],
    cookie: str,
    *,
    endpoint: str,
    seconds: int,
    threads: int,
    connections: int,
    meter: Meter,
) -> LoadResult:
    """One wrk run rotating through `paths`; any non-200 or socket error fails the bench."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            LUA
            % {
                "paths": ",".join(f'"{path}"' for path in paths),
                "step": max(1, len(paths) // max(1, threads)),
                "cookie": cookie,
            }
        )
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"]
    try:
        with meter.measure() as others:
            run = subprocess.run(
                [*command, "--latency", "-s", script.name, base],
                capture_output=True,
                text=True,
                check=False,
            )
    finally:
        Path(script.name).unlink()
    if run.returncode != 0:
        raise BenchError(f"wrk failed ({run.returncode}): {run.stderr.strip()}")
    figures = {
        match.group(1): int(match.group(2))
        for match in re.finditer(r"^GFBENCH (\w+) (\d+)$", run.stdout, re.MULTILINE)
    }
    if len(figures) != 8:
        raise BenchError(f"cannot read wrk's output:\n{run.stdout}")
    if figures["non200"] or figures["socket_errors"] or figures["timeouts"]:
        raise BenchError(
            f"{endpoint}: {figures['non200']} non-200 answers, {figures['socket_errors']} "
            f"socket errors, {figures['timeouts']} timeouts out of {figures['requests']}:\n"
            + run.stdout
        )
    return LoadResult(
        endpoint=endpoint,
        requests=figures["requests"],
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        others=others[0],
    )


# -- one backend ------------------------------------------------------------------------------


@dataclass
class BackendResult:
    backend: str
    customers: int
    rounds: list[tuple[LoadResult, LoadResult]]
    light: list[LoadResult]

    @property
    def best_baseline(self) -> LoadResult:
        return max((pair[0] for pair in self.rounds), key=lambda result: result.rps)

    @property
    def best_search(self) -> LoadResult:
        return max((pair[1] for pair in self.rounds), key=lambda result: result.rps)

    @property
    def ratio(self) -> float:
        return self.best_search.rps / self.best_baseline.rps

    @property
    def best_p99(self) -> float:
        return min(pair[1].p99_ms for pair in self.rounds)


def measure(backend: str, url: str, args: argparse.Namespace) -> BackendResult:
    load = asyncio.run(workload(url, args.queries, args.seed))
    app = ["gigafibre.asgi:app"]
    baseline = ["--app-dir", str(BENCH_DIR), "--factory", "customer_search:baseline_app"]
    with (
        tempfile.TemporaryDirectory(prefix="gf-bench-") as data_dir,
        serve(app, url, Path(data_dir), args.pool_size) as app_server,
        serve(baseline, url, Path(data_dir), args.pool_size) as baseline_server,
    ):
        database = url.rsplit("/", 1)[1] if url.startswith("postgresql") else None
        meter = Meter(database)
        cookie = sign_in(app_server.base)
        found = check_answers(app_server.base, load.search_paths, cookie)
        check_answers(baseline_server.base, load.baseline_paths[:100], "")
        empty = [kind for kind, count in zip(load.kinds, found, strict=True) if count == 0]
        print(
            f"  {len(found)} queries ({len(QUERY_KINDS)} kinds, {len(found) // len(QUERY_KINDS)}"
            f" each) all 200; {sum(c >= 20 for c in found)} fill a page of 20, "
            f"{len(empty)} find nobody {sorted(set(empty)) or ''}",
            flush=True,
        )
        targets = (
            (BASELINE, baseline_server.base, load.baseline_paths, ""),
            (SEARCH, app_server.base, load.search_paths, cookie),
        )

        def run(
            label: str, target: tuple[str, str, list[str], str], seconds: int, **options: Any
        ) -> LoadResult:
            """Warm up, measure; measure again (up to --retries) if neighbours disturbed it."""
            endpoint, base, paths, jar = target
            kept: LoadResult | None = None
            for _attempt in range(args.retries + 1):
                meter.wait_for_quiet(args.quiet_wait)
                wrk(
                    base, paths, jar, endpoint=endpoint, meter=meter, seconds=args.warmup, **options
                )
                result = wrk(
                    base, paths, jar, endpoint=endpoint, meter=meter, seconds=seconds, **options
                )
                print(f"  {label:<9}{_row(result)}", flush=True)
                if kept is None or result.others < kept.others:
                    kept = result
                if result.others <= NOISY:
                    break
            assert kept is not None
            return kept

        heavy = {"threads": args.threads, "connections": args.connections}
        rounds = []
        for number in range(1, args.rounds + 1):
            baseline_run = run(f"round {number}", targets[0], args.seconds, **heavy)
            search_run = run(f"round {number}", targets[1], args.seconds, **heavy)
            rounds.append((baseline_run, search_run))
        light = []
        if args.light_connections:
            light_load = {"threads": 1, "connections": args.light_connections}
            for target in targets:
                light.append(run("light", target, args.light_seconds, **light_load))
    return BackendResult(backend, load.customers, rounds, light)


def _row(result: LoadResult) -> str:
    flag = " !" if result.others > NOISY else ""
    return (
        f"{result.endpoint:<32}{result.rps:>9.0f}{result.p50_ms:>9.1f}"
        f"{result.p99_ms:>9.1f}{result.max_ms:>9.1f}{result.others:>9.0%}{flag}"
    )


def report(result: BackendResult, args: argparse.Namespace) -> None:
    header = (
        f"{'':<8}{'endpoint':<32}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'others':>9}"
    )
    print()
    print(
        f"{result.backend}: {result.customers:,} customers; wrk -t{args.threads} "
        f"-c{args.connections} -d{args.seconds}s after {args.warmup} s warm-up; uvicorn 1 worker"
    )
    print(header)
    for number, (baseline, search) in enumerate(result.rounds, start=1):
        print(f"{'round ' + str(number):<8}{_row(baseline)}")
        print(f"{'':<8}{_row(search)}")
        print(f"{'':<8}search/baseline = {search.rps / baseline.rps * 100:.1f} %")
    for number, light in enumerate(result.light):
        label = f"c={args.light_connections}" if number == 0 else ""
        print(f"{label:<8}{_row(light)}")
    ratio_ok = result.ratio >= RATIO_TARGET
    floor = result.light[-1] if result.light else None
    p99_ok = floor is not None and floor.p99_ms < P99_TARGET_MS
    print(
        f"best-of: search {result.best_search.rps:.0f} req/s / baseline "
        f"{result.best_baseline.rps:.0f} req/s: search/baseline = {result.ratio * 100:.1f} %"
    )
    print(
        f"target at {args.light_connections} connections (a support floor typing at once): "
        f"search p99 < {P99_TARGET_MS:.0f} ms: {'PASS' if p99_ok else 'FAIL'} "
        f"({floor.p99_ms if floor else float('nan'):.1f} ms)"
    )
    print(
        f"target at {args.connections} connections (saturated): search >= "
        f"{RATIO_TARGET * 100:.0f} % of baseline req/s: {'PASS' if ratio_ok else 'FAIL'} "
        f"({result.ratio * 100:.1f} %); p99 there: search {result.best_p99:.1f} ms, baseline "
        f"{min(pair[0].p99_ms for pair in result.rounds):.1f} ms (queueing, not work)"
    )
    runs = [*(run for pair in result.rounds for run in pair), *result.light]
    if any(run.others > NOISY for run in runs):
        print(f"! other processes used more than {NOISY:.0%} of the machine during that run")


def run_sqlite(args: argparse.Namespace) -> BackendResult:
    with tempfile.TemporaryDirectory(prefix="gf-bench-db-") as folder:
        path = Path(args.reuse) if args.reuse else Path(folder) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        print(f"sqlite: preparing {path}", flush=True)
        asyncio.run(prepare(url, args.customers, analyze=False))
        return measure("SQLite", url, args)


def run_postgres(args: argparse.Namespace) -> BackendResult:
    url = asyncio.run(create_postgres(args.postgres_url))
    print(f"postgresql: preparing {url.rsplit('/', 1)[1]}", flush=True)
    try:
        asyncio.run(prepare(url, args.customers, analyze=not args.no_analyze))
        return measure("PostgreSQL", url, args)
    finally:
        asyncio.run(drop_postgres(args.postgres_url, url))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--postgres-url", default=ADMIN_URL, help="admin URL (CREATE DATABASE)")
    parser.add_argument(
        "--no-analyze", action="store_true", help="skip VACUUM ANALYZE on PostgreSQL"
    )
    parser.add_argument("--reuse", metavar="PATH", help="SQLite file: seed once, then reuse it")
    parser.add_argument("--queries", type=int, default=500, help="customers to draw queries from")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--light-connections", type=int, default=8, help="the p99 target's load; 0: no pass"
    )
    parser.add_argument("--light-seconds", type=int, default=10)
    parser.add_argument("--quiet-wait", type=float, default=300, help="seconds, at most")
    parser.add_argument("--retries", type=int, default=3, help="of a run others disturbed")
    parser.add_argument(
        "--pool-size", type=int, help="GF_DATABASE_POOL_SIZE of both servers (default: the app's)"
    )
    args = parser.parse_args()
    if not any(Path(folder, "wrk").exists() for folder in os.get_exec_path()):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    print(f"customer search bench, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    results = []
    try:
        if args.backend in ("sqlite", "both"):
            results.append(run_sqlite(args))
        if args.backend in ("postgresql", "both"):
            results.append(run_postgres(args))
    except BenchError as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    for result in results:
        report(result, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
