"""Address autocomplete over 500,000 addresses, beside a primary-key lookup, per backend.

    .venv/bin/python bench/address_search.py --backend both

Generates realistic Quebec addresses (municipalities with their postal areas, streets named the
way Quebec names them, civic numbers along each street, a postal code per block) and loads them
with bulk inserts into a fresh database (SQLite file, or PostgreSQL at GF_BENCH_POSTGRES_URL's
server, else postgresql+asyncpg://postgres@127.0.0.1:5432, a database of its own; ANALYZE
after loading on both). Then, in the same run:

1. the service: `search_addresses()` in its own read unit of work, as a request does, for a mix
   of what people type ("12", "123 rue", "123 rue des Érab", a street begun, street and town,
   postal codes whole, compact or begun, typos), beside `session.get(Address, id)`: p50/p99
   per kind and overall;
2. HTTP: the real app (uvicorn, one worker) under light concurrency with wrk, `GET
   /api/address?q=…` rotating over the same mix, beside a bare app answering
   `GET /address/{id}` with one primary-key lookup (the floor a request costs).

Target (issue #4): the service's p99 < 30 ms over 500,000 addresses. Exit status 0 whatever the
figures; non-zero only when something went wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
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
from sqlalchemy import func, insert, select, text

import gigafibre.models  # noqa: F401  (every mapper, so relationships resolve)
from customer_search import (
    BenchError,
    Meter,
    create_postgres,
    drop_postgres,
    uvicorn_flags,
    wrk,
)
from gigafibre.addresses.models import Address
from gigafibre.addresses.service import (
    AddressRecord,
    add_vocabulary,
    address_row,
    search_addresses,
    to_match,
)
from gigafibre.core.db import Database
from gigafibre.core.migrate import upgrade_to_head

ADMIN_URL = os.environ.get(
    "GF_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
P99_TARGET_MS = 30.0
BENCH_DIR = Path(__file__).resolve().parent
LOAD_BATCH = 10_000

# -- realistic Quebec addresses ---------------------------------------------------------------

# name, forward sortation areas, latitude, longitude, share of the addresses
MUNICIPALITIES = (
    ("Québec", "G1R G1S G1K G1L G1M G1N G1P G1V G1W G1X G1Y G2A G2B G2E G2G G2J", 46.81, -71.22,
     30),
    ("Lévis", "G6V G6W G6X G6Y G6Z G6J G6K", 46.76, -71.18, 9),
    ("Saint-Augustin-de-Desmaures", "G3A", 46.74, -71.46, 2),
    ("L'Ancienne-Lorette", "G2E", 46.80, -71.36, 1.5),
    ("Boischatel", "G0A", 46.90, -71.15, 0.8),
    ("Sainte-Brigitte-de-Laval", "G0A", 47.00, -71.20, 0.5),
    ("Stoneham-et-Tewkesbury", "G3C", 47.00, -71.37, 0.5),
    ("Saint-Lambert-de-Lauzon", "G0S", 46.59, -71.21, 0.6),
    ("Saint-Henri", "G0R", 46.69, -71.07, 0.5),
    ("Beaumont", "G0R", 46.83, -70.99, 0.3),
    ("Montmagny", "G5V", 46.98, -70.55, 1.2),
    ("Thetford Mines", "G6G G6H", 46.09, -71.30, 2),
    ("Saint-Georges", "G5Y G5Z", 46.12, -70.67, 2.5),
    ("Sainte-Marie", "G6E", 46.44, -71.01, 1),
    ("Trois-Rivières", "G8T G8V G8W G8Y G8Z G9A G9B G9C", 46.35, -72.55, 9),
    ("Shawinigan", "G9N G9P G9R G9T", 46.57, -72.75, 3.5),
    ("Drummondville", "J2A J2B J2C J2E", 45.88, -72.48, 5),
    ("Victoriaville", "G6P G6S G6T", 46.06, -71.96, 3),
    ("Sherbrooke", "J1E J1G J1H J1J J1K J1L J1M J1N", 45.40, -71.89, 10),
    ("Magog", "J1X", 45.27, -72.15, 1.8),
    ("Granby", "J2G J2H J2J", 45.40, -72.73, 4),
    ("Saint-Hyacinthe", "J2R J2S J2T", 45.63, -72.96, 3.5),
    ("Rimouski", "G5L G5M G5N", 48.45, -68.52, 3),
    ("Rivière-du-Loup", "G5R", 47.83, -69.54, 1.5),
    ("Saguenay", "G7B G7G G7H G7J G7K G7N G7S G7X G7Y G7Z", 48.43, -71.07, 8),
    ("Alma", "G8B G8C G8E", 48.55, -71.65, 1.8),
    ("Baie-Saint-Paul", "G3Z", 47.44, -70.50, 0.6),
    ("La Malbaie", "G5A", 47.65, -70.15, 0.7),
    ("Saint-Raymond", "G3L", 46.90, -71.83, 0.8),
    ("Donnacona", "G3M", 46.68, -71.73, 0.6),
)  # fmt: skip
_SPECIFIC_NAMES = (
    "des Érables; des Pins; des Bouleaux; des Chênes; des Ormes; des Merisiers; "
    "des Épinettes; des Cèdres; des Saules; des Peupliers; des Mélèzes; des Sapins; "
    "des Tilleuls; des Frênes; des Noyers; des Pommiers; des Cerisiers; des Lilas; "
    "des Roses; des Tulipes; des Jonquilles; des Marguerites; des Violettes; "
    "des Hirondelles; des Mésanges; des Geais; des Huards; des Outardes; des Cardinaux; "
    "des Pionniers; des Bâtisseurs; des Draveurs; des Forges; de l'Église; du Moulin; "
    "du Couvent; de la Fabrique; du Collège; de la Gare; du Parc; du Lac; de la Rivière; "
    "du Ruisseau; de la Montagne; du Coteau; de la Colline; du Plateau; des Cascades; "
    "des Sources; du Boisé; de la Plaine; des Prés; du Verger; des Champs; Saint-Jean; "
    "Saint-Joseph; Saint-Louis; Saint-Pierre; Saint-Paul; Saint-Michel; Saint-François; "
    "Saint-Laurent; Saint-Antoine; Saint-Charles; Saint-Georges; Saint-Jacques; Sainte-Anne; "
    "Sainte-Marie; Sainte-Thérèse; Sainte-Claire; Sainte-Foy; Sainte-Geneviève; Champlain; "
    "Frontenac; Laval; Montcalm; Wolfe; Papineau; Cartier; Jolliet; Marquette; Laurier; "
    "Lévesque; René-Lévesque; Jean-Lesage; Maurice-Duplessis; Honoré-Mercier; Louis-Hébert; "
    "Marie-de-l'Incarnation; Marguerite-Bourgeoys; Jeanne-Mance; Louis-Joseph-Papineau; "
    "Wilfrid-Laurier; Georges-Vanier; Félix-Leclerc; Gabrielle-Roy; Émile-Nelligan; "
    "Anne-Hébert; Gilles-Vigneault; Maurice-Richard; Jean-Béliveau; Garneau; Tremblay; "
    "Gagnon; Roy; Côté; Bouchard; Gauthier; Morin; Lavoie; Fortin; Gagné; Ouellet; "
    "Pelletier; Bélanger; Lévesque; Bergeron; Leblanc; Paquette; Girard; Simard; Boucher; "
    "Caron; Beaulieu; Cloutier; Dubé; Poirier; Fournier; Lapointe; Leclerc; Lefebvre; "
    "Poulin; Thibault; St-Pierre; Nadeau; Martin; Landry; Martel; Bédard; Grenier; Lessard; "
    "Bernier; Richard; Michaud; Hébert; Desjardins; Couture; Turcotte; Lachance; Parent; "
    "Blais; Gosselin; Savard; Proulx; Beaudoin; Demers; Perreault; Boudreau; Lemieux; Cyr; "
    "Perron; Dufour; Dion; Mercier; Bolduc; Bérubé; Boivin; Langlois; Ménard; Laplante; "
    "Principale; Commerciale; Industrielle; Racine; Dorchester; Charest; Hamel; Masson; "
    "de la Canardière; de la Couronne; du Pont; de l'Aqueduc; de la Station; du Port; "
    "des Laurentides; des Appalaches; du Fleuve; de la Chaudière; de l'Estuaire; du Golf; "
    "de l'Anse; de la Pointe; du Cap; des Îles; du Quai; de la Baie; des Prairies; 1re; 2e; "
    "3e; 4e; 5e; 6e; 7e; 8e; 9e; 10e; 11e; 12e; 13e; 14e; 15e; 16e; 17e; 18e"
)
SPECIFICS = tuple(_SPECIFIC_NAMES.split("; "))
GENERICS = (
    ("rue", 62), ("avenue", 12), ("boulevard", 4), ("chemin", 6), ("rang", 3), ("place", 2),
    ("montée", 2), ("croissant", 2), ("impasse", 2), ("côte", 1), ("terrasse", 1),
    ("allée", 1), ("route", 2),
)  # fmt: skip
DIRECTIONS = ("", "", "", "", "", "", "", "", "Est", "Ouest", "Nord", "Sud")


def generate(count: int, seed: int) -> Iterator[AddressRecord]:
    """`count` addresses: streets of 15 to 160 doors, spread over towns by their size."""
    rng = random.Random(seed)
    names = [name for name, *_ in MUNICIPALITIES]
    weights = [weight for *_, weight in MUNICIPALITIES]
    generics, generic_weights = zip(*GENERICS, strict=True)
    used: set[tuple[str, str]] = set()
    made = 0
    street_number = 0
    while made < count:
        index = rng.choices(range(len(names)), weights)[0]
        town, fsas, lat, lon, _weight = MUNICIPALITIES[index]
        generic = rng.choices(generics, generic_weights)[0]
        specific = rng.choice(SPECIFICS)
        direction = rng.choice(DIRECTIONS)
        street = f"{generic} {specific} {direction}".strip()
        if (town, street) in used:
            continue
        used.add((town, street))
        street_number += 1
        fsa = rng.choice(fsas.split())
        doors = min(rng.randint(15, 160), count - made)
        civic = rng.choice((1, 2, 10, 11, 20, 50, 100, 101, 150, 200, 500, 1000, 1200, 2000))
        step = rng.choice((1, 2, 2, 2, 4, 5, 10))
        street_lat = lat + rng.uniform(-0.05, 0.05)
        street_lon = lon + rng.uniform(-0.07, 0.07)
        heading = rng.uniform(-0.00005, 0.00005), rng.uniform(-0.00007, 0.00007)
        for door in range(doors):
            if door % 20 == 0:
                postal = f"{fsa} {rng.randint(0, 9)}{rng.choice('ABCEGHJKLMNPRSTVWXYZ')}"
                postal += str(rng.randint(0, 9))
            suffix = "A" if rng.random() < 0.01 else ""
            yield AddressRecord(
                source_id=f"B-{street_number}-{door}",
                civic_number=civic,
                civic_suffix=suffix,
                street_type=generic,
                street_name=specific,
                street_direction=direction,
                municipality=town,
                postal_code=postal,
                latitude=round(street_lat + door * heading[0], 6),
                longitude=round(street_lon + door * heading[1], 6),
                fibre_passed=rng.random() < 0.4,
            )
            civic += step
            made += 1


async def load(url: str, count: int, seed: int) -> float:
    """Bulk-insert the generated addresses (one executemany per batch); ANALYZE; seconds."""
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database.from_url(url)
    started = time.perf_counter()
    try:
        vocabulary: set[str] = set()
        batch: list[dict[str, Any]] = []
        records = generate(count, seed)
        while True:
            batch = [
                address_row(record) for _, record in zip(range(LOAD_BATCH), records, strict=False)
            ]
            if not batch:
                break
            async with db.unit_of_work() as session:
                await session.execute(insert(Address), batch)
            vocabulary.update(row["search_text"] for row in batch)
        async with db.unit_of_work() as session:
            await add_vocabulary(session, vocabulary)
        async with db.engine.connect() as connection:
            if url.startswith("postgresql"):
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("VACUUM ANALYZE"))
            else:
                await connection.execute(text("ANALYZE"))
                await connection.commit()
    finally:
        await db.dispose()
    return time.perf_counter() - started


# -- what people type -------------------------------------------------------------------------

KINDS = (
    "civic begun (2 digits)",
    "civic + type",
    "civic + street begun",
    "street begun",
    "street + town",
    "postal code",
    "postal code compact",
    "postal code begun",
    "typo in street",
    "civic last",
)


def _typo(word: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped, as a hurried thumb does."""
    if len(word) < 5:
        return word
    at = rng.randint(1, len(word) - 3)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def typed(kind: str, address: Address, rng: random.Random) -> str:
    specific = address.street_name
    last = specific.split()[-1]
    if kind == "civic begun (2 digits)":
        civic = str(address.civic_number)
        return civic[:2] if len(civic) > 1 else f"{civic} {address.street_type}"
    if kind == "civic + type":
        return f"{address.civic_number} {address.street_type}"
    if kind == "civic + street begun":
        return (
            f"{address.civic_number} {address.street_type} {specific[: max(3, len(specific) - 2)]}"
        )
    if kind == "street begun":
        return f"{address.street_type} {specific[: rng.randint(4, max(4, len(specific)))]}"
    if kind == "street + town":
        return f"{specific} {address.municipality[:6]}"
    if kind == "postal code":
        return address.postal_code
    if kind == "postal code compact":
        return address.postal_code.replace(" ", "").lower()
    if kind == "postal code begun":
        return address.postal_code[:5]
    if kind == "typo in street":
        misspelt = specific.replace(last, _typo(last, rng))
        return f"{address.civic_number} {address.street_type} {misspelt}"
    return f"{address.street_type} {specific} {address.civic_number}"


@dataclass(frozen=True)
class Workload:
    queries: list[tuple[str, str]]  # (kind, typed)
    ids: list[int]
    total: int


async def workload(url: str, per_kind: int, seed: int) -> Workload:
    rng = random.Random(seed)
    db = Database.from_url(url)
    try:
        async with db.unit_of_work(write=False) as session:
            total = int(await session.scalar(select(func.count()).select_from(Address)) or 0)
            top = int(await session.scalar(select(func.max(Address.id))) or 0)
            ids = [rng.randint(1, top) for _ in range(per_kind * len(KINDS))]
            sample = (await session.scalars(select(Address).where(Address.id.in_(ids)))).all()
    finally:
        await db.dispose()
    queries = [
        (KINDS[n % len(KINDS)], typed(KINDS[n % len(KINDS)], address, rng))
        for n, address in enumerate(sample)
    ]
    rng.shuffle(queries)
    return Workload(queries, [address.id for address in sample], total)


# -- 1. the service function ------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class ServiceResult:
    per_kind: dict[str, list[float]]
    baseline: list[float]
    empty: dict[str, int]

    @property
    def all_searches(self) -> list[float]:
        return [value for values in self.per_kind.values() for value in values]


async def measure_service(url: str, load_: Workload) -> ServiceResult:
    db = Database.from_url(url)
    per_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
    empty: dict[str, int] = {}
    baseline: list[float] = []
    try:
        for _kind, q in load_.queries[:50]:  # warm-up: caches, prepared statements, pool
            async with db.unit_of_work(write=False) as session:
                await search_addresses(session, q)
        for (kind, q), address_id in zip(load_.queries, load_.ids, strict=True):
            started = time.perf_counter()
            async with db.unit_of_work(write=False) as session:
                await session.get(Address, address_id)
            baseline.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            async with db.unit_of_work(write=False) as session:
                found = await search_addresses(session, q)
            per_kind[kind].append((time.perf_counter() - started) * 1000)
            if not found:
                empty[kind] = empty.get(kind, 0) + 1
    finally:
        await db.dispose()
    return ServiceResult(per_kind, baseline, empty)


# -- 2. HTTP ----------------------------------------------------------------------------------


def baseline_app() -> FastAPI:
    """One primary-key lookup through the project's unit of work, answered as the search is."""
    db = Database.from_url(os.environ["GF_DATABASE_URL"])

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await db.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/address/{address_id}")
    async def address(address_id: int) -> dict[str, Any]:
        async with db.unit_of_work(write=False) as session:
            found = await session.get(Address, address_id)
        if found is None:
            raise HTTPException(status_code=404)
        return {"items": [to_match(found).model_dump()]}

    return app


@contextlib.contextmanager
def serve(target: Sequence[str], database_url: str, data_dir: Path) -> Iterator[str]:
    """A uvicorn process on a free port (rate limit lifted: the load comes from one IP)."""
    with contextlib.closing(__import__("socket").socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("GF_")}
    env.update(
        GF_DATABASE_URL=database_url,
        GF_DATA_DIR=str(data_dir),
        GF_LOG_LEVEL="WARNING",
        GF_RUN_WORKERS_IN_SERVE="false",
        GF_ADDRESS_SEARCH_RATE_LIMIT="100000000/minute",
    )
    command = [sys.executable, "-m", "uvicorn", *target, "--host", "127.0.0.1"]
    process = subprocess.Popen([*command, "--port", str(port), *uvicorn_flags()], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise BenchError(f"{' '.join(target)} exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise BenchError(f"{' '.join(target)} did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure_http(url: str, load_: Workload, args: argparse.Namespace) -> list[Any]:
    search_paths = ["/api/address?q=" + quote(q, safe="") for _, q in load_.queries]
    baseline_paths = [f"/address/{address_id}" for address_id in load_.ids]
    app = ["gigafibre.asgi:app"]
    baseline = ["--app-dir", str(BENCH_DIR), "--factory", "address_search:baseline_app"]
    results = []
    with (
        tempfile.TemporaryDirectory(prefix="gf-bench-") as data_dir,
        serve(app, url, Path(data_dir)) as app_base,
        serve(baseline, url, Path(data_dir)) as baseline_base,
    ):
        with httpx.Client(base_url=app_base, timeout=10) as client:
            for path in search_paths:
                answer = client.get(path)
                if answer.status_code != 200:
                    raise BenchError(f"GET {path} gave {answer.status_code}: {answer.text[:200]}")
        meter = Meter(url.rsplit("/", 1)[1] if url.startswith("postgresql") else None)
        options = {"threads": 1, "connections": args.connections, "meter": meter}
        for endpoint, base, paths in (
            ("baseline GET /address/{id}", baseline_base, baseline_paths),
            ("search   GET /api/address?q=…", app_base, search_paths),
        ):
            wrk(base, paths, "", endpoint=endpoint, seconds=2, **options)
            results.append(wrk(base, paths, "", endpoint=endpoint, seconds=args.seconds, **options))
    return results


# -- report -----------------------------------------------------------------------------------


def report_service(backend: str, load_: Workload, seconds: float, service: ServiceResult) -> None:
    loaded = f"loaded and analysed in {seconds:.0f} s" if seconds else "reused"
    print(f"\n{backend}: {load_.total:,} addresses ({loaded})", flush=True)
    print(f"  service, one read unit of work per call, {len(load_.queries)} queries:")
    print(f"  {'':<28}{'n':>5}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}  empty")
    rows = [(kind, values) for kind, values in service.per_kind.items()]
    rows += [("ALL SEARCHES", service.all_searches), ("baseline session.get(id)", service.baseline)]
    for kind, values in rows:
        print(
            f"  {kind:<28}{len(values):>5}{percentile(values, 0.5):>9.2f}"
            f"{percentile(values, 0.99):>9.2f}{max(values):>9.2f}  {service.empty.get(kind, '')}"
        )
    p99 = percentile(service.all_searches, 0.99)
    ratio = percentile(service.all_searches, 0.5) / percentile(service.baseline, 0.5)
    verdict = "PASS" if p99 < P99_TARGET_MS else "FAIL"
    print(
        f"  target: search p99 < {P99_TARGET_MS:.0f} ms: {verdict} ({p99:.1f} ms); "
        f"search p50 = {ratio:.1f} x the primary-key lookup's"
    )


def report_http(http: list[Any], args: argparse.Namespace) -> None:
    if http:
        print(f"  HTTP, wrk -t1 -c{args.connections} -d{args.seconds}s, uvicorn 1 worker:")
        print(f"  {'':<32}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'others':>9}")
        for result in http:
            print(
                f"  {result.endpoint:<32}{result.rps:>9.0f}{result.p50_ms:>9.1f}"
                f"{result.p99_ms:>9.1f}{result.max_ms:>9.1f}{result.others:>9.0%}"
            )
        print(f"  search/baseline req/s = {http[1].rps / http[0].rps * 100:.1f} %")


def run_backend(backend: str, url: str, args: argparse.Namespace) -> None:
    seconds = 0.0
    if not (args.reuse and Path(args.reuse).exists()):
        print(f"{backend}: generating and loading {args.addresses:,} addresses", flush=True)
        seconds = asyncio.run(load(url, args.addresses, args.seed))
    load_ = asyncio.run(workload(url, args.per_kind, args.seed + 1))
    service = asyncio.run(measure_service(url, load_))
    report_service(backend, load_, seconds, service)
    if not args.no_http:
        report_http(measure_http(url, load_, args), args)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--addresses", type=int, default=500_000)
    parser.add_argument("--per-kind", type=int, default=100, help="queries of each kind")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--no-http", action="store_true", help="the service figures only")
    parser.add_argument("--reuse", metavar="PATH", help="SQLite file: load once, then reuse it")
    parser.add_argument("--postgres-url", default=ADMIN_URL, help="admin URL (CREATE DATABASE)")
    args = parser.parse_args()
    try:
        if args.backend in ("sqlite", "both"):
            with tempfile.TemporaryDirectory(prefix="gf-bench-db-") as folder:
                path = Path(args.reuse) if args.reuse else Path(folder) / "bench.db"
                run_backend("SQLite", f"sqlite+aiosqlite:///{path}", args)
        if args.backend in ("postgresql", "both"):
            url = asyncio.run(create_postgres(args.postgres_url))
            try:
                run_backend("PostgreSQL", url, args)
            finally:
                asyncio.run(drop_postgres(args.postgres_url, url))
    except BenchError as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
