"""One OLT poll cycle over ~10,000 ONUs served by snmpsimd, through the real SNMP poller.

    .venv/bin/python bench/olt_poll.py --olts 8 --ports 16 --onus 80 --concurrency 8

snmpsimd (Debian package `snmpsim`; single-threaded, so `--agents` processes share the OLTs)
serves one generated recording per OLT (community olt1…); the OLTs are stored in a fresh SQLite
database. Figures: the SNMP walk of every OLT at the given concurrency, against the same walk
one OLT at a time (the baseline, same run); then full cycles (walk + store + outage check): the
first creates ports and ONUs, the second is the steady state; peak Python memory (tracemalloc)
of a third cycle and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import socket
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import func, select

from gigafibre.core.db import Database
from gigafibre.core.migrate import upgrade_to_head
from gigafibre.network.jobs import snmp_source_factory
from gigafibre.network.models import Olt, Onu
from gigafibre.network.poller import OltPoller, olts_to_poll, walk_olts
from gigafibre.network.profiles import load_profile
from gigafibre.network.simulated import demo_onu, snmprec
from gigafibre.network.snmp import PysnmpSource
from gigafibre.settings import Settings

VENDOR = "huawei_ma5800"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def write_recordings(data: Path, olts: int, ports: int, onus: int) -> None:
    profile = load_profile(VENDOR)
    for number in range(1, olts + 1):
        models = [
            demo_onu(f"OLT-B-{number:02d}", 1 + port // 8, 1 + port % 8, index)
            for port in range(ports)
            for index in range(1, onus + 1)
        ]
        path = data / f"olt{number}.snmprec"
        path.write_text(snmprec(profile, models))
        path.chmod(0o644)


def start_snmpsimd(data: Path, cache: Path, port: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("snmpsimd") or shutil.which("snmpsim-command-responder")
    if binary is None:
        raise SystemExit("snmpsimd is not installed (Debian package snmpsim)")
    command = [
        binary,
        f"--data-dir={data}",
        f"--cache-dir={cache}",
        f"--agent-udpv4-endpoint=127.0.0.1:{port}",
        "--logging-method=null",
    ]
    if os.geteuid() == 0:
        command += ["--process-user=nobody", "--process-group=nogroup"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def add_olts(db: Database, olts: int, ports: list[int]) -> None:
    """OLT n answers on agent n mod len(ports), with community `olt<n>`."""
    async with db.unit_of_work() as session:
        session.add_all(
            Olt(
                name=f"OLT-B-{n:02d}",
                vendor=VENDOR,
                host="127.0.0.1",
                snmp_port=ports[n % len(ports)],
                snmp_community=f"olt{n}",
            )
            for n in range(1, olts + 1)
        )


async def walk_seconds(
    db: Database, concurrency: int, settings: Settings
) -> tuple[float, float, int]:
    """Wall and CPU seconds (this process: the poller's own cost) of one walk of every OLT."""
    async with db.unit_of_work(write=False) as session:
        olts = await olts_to_poll(session)
    source = PysnmpSource(
        timeout=settings.olt_snmp_timeout_seconds, retries=settings.olt_snmp_retries
    )
    started, cpu = time.perf_counter(), time.process_time()
    results = await walk_olts(source, olts, concurrency=concurrency)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    source.close()
    failed = [r.error for r in results if r.error]
    if failed:
        raise SystemExit(f"walk failed: {failed[0]}")
    return elapsed, cpu, sum(len(r.samples) for r in results)


async def cycle(poller: OltPoller, db: Database) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    async with db.unit_of_work() as session:
        await poller.poll(session)
    return time.perf_counter() - started, time.process_time() - cpu


async def run(args: argparse.Namespace) -> None:
    root = Path(tempfile.mkdtemp(prefix="gf-bench-olt-"))
    data, cache = root / "data", root / "cache"
    data.mkdir()
    cache.mkdir()
    for path in (root, data):
        path.chmod(0o755)
    cache.chmod(0o777)
    load = os.getloadavg()[0]
    write_recordings(data, args.olts, args.ports, args.onus)
    ports = [free_udp_port() for _ in range(args.agents)]
    agents = [start_snmpsimd(data, cache, port) for port in ports]
    url = f"sqlite+aiosqlite:///{root / 'bench.db'}"
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database.from_url(url)
    settings = Settings(
        database_url=url,
        data_dir=root,
        olt_poll_concurrency=args.concurrency,
        olt_snmp_timeout_seconds=5.0,
        olt_snmp_retries=2,
        log_level="WARNING",
    )
    try:
        await add_olts(db, args.olts, ports)
        await asyncio.sleep(args.warmup)
        await walk_seconds(db, args.concurrency, settings)  # snmpsimd builds its indexes
        sequential, sequential_cpu, onus = await walk_seconds(db, 1, settings)
        concurrent, concurrent_cpu, _ = await walk_seconds(db, args.concurrency, settings)
        poller = OltPoller(db, snmp_source_factory(settings), settings)
        first, first_cpu = await cycle(poller, db)
        steady, steady_cpu = await cycle(poller, db)
        tracemalloc.start()
        await cycle(poller, db)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        async with db.unit_of_work(write=False) as session:
            stored = await session.scalar(select(func.count()).select_from(Onu))
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"OLTs {args.olts} x PON ports {args.ports} x ONUs {args.onus} = {onus} ONUs")
        print(
            f"stored ONUs {stored}, concurrency {args.concurrency}, snmpsimd processes "
            f"{args.agents}, GETBULK max-repetitions 25"
        )
        print(f"load average at start: {load:.1f} ({os.cpu_count()} CPUs)")
        print(
            f"SNMP walk, one OLT at a time (baseline): {sequential:.2f} s, "
            f"CPU {sequential_cpu:.2f} s"
        )
        print(
            f"SNMP walk, {args.concurrency} at a time: {concurrent:.2f} s, CPU "
            f"{concurrent_cpu:.2f} s ({concurrent / sequential:.0%} of baseline, "
            f"{onus / concurrent:.0f} ONUs/s)"
        )
        print(f"full cycle, first (creates ONUs): {first:.2f} s, CPU {first_cpu:.2f} s")
        print(
            f"full cycle, steady state (walk + store + outage check): {steady:.2f} s, "
            f"CPU {steady_cpu:.2f} s"
        )
        print(f"peak Python memory in a cycle (tracemalloc): {peak / 2**20:.1f} MiB")
        print(f"peak RSS of the process: {rss_mib:.0f} MiB")
    finally:
        await db.engine.dispose()
        for agent in agents:
            agent.terminate()
            agent.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--olts", type=int, default=8)
    parser.add_argument("--ports", type=int, default=16)
    parser.add_argument("--onus", type=int, default=80)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--agents", type=int, default=2, help="snmpsimd processes (OLTs)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds for snmpsimd to start")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
