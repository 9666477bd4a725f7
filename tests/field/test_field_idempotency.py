"""Offline-queued actions sent twice are done once; the repeat gets the first answer back."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import func, select

from gigafibre.core.db import utcnow
from gigafibre.core.events import EventRecord
from gigafibre.field.idempotency import purge_keys
from gigafibre.field.models import FieldIdempotencyKey, JobEquipment, JobStatusChange
from tests.conftest import TransactionalDatabase
from tests.field.conftest import SignIn, Site

KEY = "0b9d2c4e-7f11-4a52-9d33-5b7e0c1a2f60"


async def _count(tx_database: TransactionalDatabase, statement: object) -> int:
    async with tx_database.unit_of_work() as session:
        return int(await session.scalar(statement) or 0)  # type: ignore[call-overload]


async def test_a_repeated_status_change_is_replayed_not_redone(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn, tx_database: TransactionalDatabase
) -> None:
    await sign_in(site.technician)
    url = f"/field/api/jobs/{site.job.name}/status"
    first = await client.post(url, json={"status": "en_route"}, headers={"Idempotency-Key": KEY})
    assert first.status_code == 200, first.text
    assert first.headers["idempotent-replayed"] == "false"
    second = await client.post(url, json={"status": "en_route"}, headers={"Idempotency-Key": KEY})
    assert second.status_code == 200
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    changes = (
        select(func.count())
        .select_from(JobStatusChange)
        .where(JobStatusChange.job_id == site.job.id)
    )
    assert await _count(tx_database, changes) == 1
    events = (
        select(func.count())
        .select_from(EventRecord)
        .where(EventRecord.name == "job.status_changed")
    )
    assert await _count(tx_database, events) == 1


async def test_a_repeated_install_is_done_once(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn, tx_database: TransactionalDatabase
) -> None:
    await sign_in(site.technician)
    url = f"/field/api/jobs/{site.job.name}/equipment/new"
    body = {"equipment_type": "ont", "serial_number": "QUEUED-001"}
    first = await client.post(url, json=body, headers={"Idempotency-Key": KEY})
    second = await client.post(url, json=body, headers={"Idempotency-Key": KEY})
    assert (first.status_code, second.status_code) == (201, 201)  # not a 409 duplicate serial
    assert second.json() == first.json()
    links = select(func.count()).select_from(JobEquipment).where(JobEquipment.job_id == site.job.id)
    assert await _count(tx_database, links) == 1


async def test_a_key_reused_for_another_action_is_a_conflict(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    job = f"/field/api/jobs/{site.job.name}"
    headers = {"Idempotency-Key": KEY}
    assert (
        await client.post(f"{job}/status", json={"status": "en_route"}, headers=headers)
    ).is_success
    reused = await client.patch(job, json={"priority": "high"}, headers=headers)
    assert reused.status_code == 409


async def test_a_failed_action_keeps_no_key(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn, tx_database: TransactionalDatabase
) -> None:
    await sign_in(site.technician)
    url = f"/field/api/jobs/{site.job.name}/status"
    refused = await client.post(url, json={"status": "completed"}, headers={"Idempotency-Key": KEY})
    assert refused.status_code == 422
    keys = select(func.count()).select_from(FieldIdempotencyKey)
    assert await _count(tx_database, keys) == 0


async def test_keys_are_per_technician(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    first = await client.post(
        f"/field/api/jobs/{site.job.name}/status",
        json={"status": "en_route"},
        headers={"Idempotency-Key": KEY},
    )
    assert first.is_success
    client.cookies.clear()
    await sign_in(site.other)
    other = await client.post(
        f"/field/api/jobs/{site.other_job.name}/status",
        json={"status": "en_route"},
        headers={"Idempotency-Key": KEY},
    )
    assert other.status_code == 200
    assert other.headers["idempotent-replayed"] == "false"
    assert other.json()["name"] == site.other_job.name


async def test_a_malformed_key_is_refused(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    response = await client.post(
        f"/field/api/jobs/{site.job.name}/status",
        json={"status": "en_route"},
        headers={"Idempotency-Key": "short"},
    )
    assert response.status_code == 422


async def test_old_keys_are_purged(tx_database: TransactionalDatabase, site: Site) -> None:
    async with tx_database.unit_of_work() as session:
        for key, age in (("old-key-0001", 30), ("new-key-0001", 1)):
            session.add(
                FieldIdempotencyKey(
                    technician=site.technician.name,
                    key=key,
                    method="POST",
                    path="/field/api/jobs/x/status",
                    status_code=200,
                    response={},
                    created_at=utcnow() - dt.timedelta(days=age),
                )
            )
        await session.flush()
        assert await purge_keys(session) == 1
        left = (await session.scalars(select(FieldIdempotencyKey.key))).all()
    assert left == ["new-key-0001"]
