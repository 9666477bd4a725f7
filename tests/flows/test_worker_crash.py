"""A worker killed in the middle of a flow run; another one finishes it, no step done twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from gigafibre.core.db import Database, utcnow
from gigafibre.flows import schemas, service
from gigafibre.flows.models import FlowRun, FlowRunStatus
from gigafibre.settings import Settings
from gigafibre.tickets.models import HDTicket


def start_worker(settings: Settings, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GF_DATABASE_URL": settings.database_url,
        "GF_DATA_DIR": str(data_dir),
        "GF_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen([sys.executable, "-m", "gigafibre", "worker"], env=env)


async def run_state(database: Database, name: str) -> FlowRun:
    async with database.unit_of_work(write=False) as session:
        run = await session.scalar(select(FlowRun).where(FlowRun.name == name))
        assert run is not None
        return run


async def wait_for(
    database: Database, name: str, predicate: Callable[[FlowRun], bool], seconds: float
) -> FlowRun:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        run = await run_state(database, name)
        if predicate(run):
            return run
        assert asyncio.get_running_loop().time() < deadline, run.step_log
        await asyncio.sleep(0.2)


async def test_killed_worker_resumes_without_repeating_a_step(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    tag = secrets.token_hex(3)
    wake = (utcnow() + dt.timedelta(seconds=4)).isoformat()
    steps = [
        {"type": "create_ticket", "subject": f"{tag} step one"},
        {"type": "wait", "until": wake},
        {"type": "create_ticket", "subject": f"{tag} step three"},
        {"type": "create_ticket", "subject": f"{tag} step four"},
    ]
    async with database.unit_of_work() as session:
        await service.create_template(
            session,
            data=schemas.TemplateInput.model_validate(
                {"name": f"crash_{tag}", "trigger_event": "test.crash", "steps": steps}
            ),
            actor="test",
        )
        run = await service.start_manual_run(
            session, template=f"crash_{tag}", context={}, actor="test"
        )
    first = start_worker(settings, tmp_path)
    try:
        waiting = await wait_for(
            database, run.name, lambda r: r.status is FlowRunStatus.waiting, seconds=30
        )
        assert waiting.current_step == 2
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    second = start_worker(settings, tmp_path)
    try:
        done = await wait_for(
            database, run.name, lambda r: r.status is FlowRunStatus.completed, seconds=30
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=10)
    assert [entry["step"] for entry in done.step_log] == [1, 2, 3, 4]
    async with database.unit_of_work(write=False) as session:
        subjects = (
            await session.scalars(select(HDTicket.subject).where(HDTicket.subject.startswith(tag)))
        ).all()
    assert sorted(subjects) == sorted([f"{tag} step one", f"{tag} step three", f"{tag} step four"])
