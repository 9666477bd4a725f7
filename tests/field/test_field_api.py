"""The technician's JSON API: own jobs only, transitions, check-in, type/priority, checklist."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from gigafibre.core.events import EventRecord
from gigafibre.dispatch.models import DispatchJob, JobStatus
from gigafibre.field.models import JobStatusChange
from tests.conftest import TransactionalDatabase
from tests.field.conftest import SignIn, Site


async def _events(tx_database: TransactionalDatabase, name: str) -> list[EventRecord]:
    async with tx_database.unit_of_work() as session:
        return list(
            (
                await session.scalars(
                    select(EventRecord).where(EventRecord.name == name).order_by(EventRecord.id)
                )
            ).all()
        )


async def test_without_a_session_the_api_answers_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/field/api/jobs")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_required"


async def test_today_lists_only_the_technicians_jobs(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    response = await client.get("/field/api/jobs")
    assert response.status_code == 200, response.text
    assert [job["name"] for job in response.json()] == [site.job.name]
    assert response.json()[0]["customer_name"] == "Marie-Ève Tremblay"


async def test_another_technicians_job_is_not_found(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    other = f"/field/api/jobs/{site.other_job.name}"
    assert (await client.get(other)).status_code == 404
    moved = await client.post(f"{other}/status", json={"status": "en_route"})
    assert moved.status_code == 404
    patched = await client.patch(other, json={"priority": "urgent"})
    assert patched.status_code == 404
    installed = await client.post(f"{other}/equipment", json={"equipment": site.stock.name})
    assert installed.status_code == 404
    assert (await client.get(f"/field/jobs/{site.other_job.name}")).status_code == 404


async def test_job_detail_has_contact_and_location(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    body = (await client.get(f"/field/api/jobs/{site.job.name}")).json()
    assert body["customer"]["phone"] == "+14185550123"
    assert body["location"]["access_notes"] == "Chien dans la cour"
    assert (body["location"]["olt_name"], body["location"]["pon_port"]) == ("OLT-QC-01", "0/1/3")
    assert body["location"]["onu_id"] == 7
    assert [item["label"] for item in body["checklist"]] == ["Mesurer le signal", "Photo de l'ONT"]


async def test_changes_need_the_csrf_token(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    del client.headers["X-CSRF-Token"]
    response = await client.post(
        f"/field/api/jobs/{site.job.name}/status", json={"status": "en_route"}
    )
    assert response.status_code == 403


async def test_en_route_check_in_and_completion(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn, tx_database: TransactionalDatabase
) -> None:
    await sign_in(site.technician)
    url = f"/field/api/jobs/{site.job.name}/status"
    assert (await client.post(url, json={"status": "en_route"})).json()["status"] == "en_route"
    arrived = await client.post(
        url, json={"status": "on_site", "latitude": 46.8123, "longitude": -71.2145}
    )
    assert arrived.status_code == 200, arrived.text
    done = await client.post(url, json={"status": "completed"})
    assert done.json()["status"] == "completed"
    assert done.json()["completed_at"] is not None

    async with tx_database.unit_of_work() as session:
        changes = (
            await session.scalars(
                select(JobStatusChange)
                .where(JobStatusChange.job_id == site.job.id)
                .order_by(JobStatusChange.id)
            )
        ).all()
    assert [c.to_status for c in changes] == ["en_route", "on_site", "completed"]
    assert (changes[1].latitude, changes[1].longitude) == (46.8123, -71.2145)
    assert changes[0].actor == f"technician:{site.technician.name}"

    status_events = await _events(tx_database, "job.status_changed")
    assert [e.payload["status"] for e in status_events] == ["en_route", "on_site", "completed"]
    assert status_events[0].topics[:2] == ["dispatch", f"technician:{site.technician.name}"]
    completed = await _events(tx_database, "job.completed")
    assert len(completed) == 1
    assert completed[0].payload["job"] == site.job.name
    assert completed[0].payload["customer"] == site.customer


async def test_a_skipped_step_is_refused(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    response = await client.post(
        f"/field/api/jobs/{site.job.name}/status", json={"status": "completed"}
    )
    assert response.status_code == 422
    assert response.json()["fields"]["status"]


async def test_the_technician_cannot_cancel_or_unassign(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    for status in ("cancelled", "open"):
        response = await client.post(
            f"/field/api/jobs/{site.job.name}/status", json={"status": status}
        )
        assert response.status_code == 422


async def test_a_bad_position_is_refused(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    response = await client.post(
        f"/field/api/jobs/{site.job.name}/status",
        json={"status": "on_site", "latitude": 123.0, "longitude": 0.0},
    )
    assert response.status_code == 422


async def test_type_priority_and_checklist(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn, tx_database: TransactionalDatabase
) -> None:
    await sign_in(site.technician)
    url = f"/field/api/jobs/{site.job.name}"
    patched = await client.patch(url, json={"job_type": "repair", "priority": "urgent"})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["job_type"], patched.json()["priority"]) == ("repair", "urgent")
    ticked = await client.post(f"{url}/checklist/1", json={"done": True})
    assert [item["done"] for item in ticked.json()["checklist"]] == [False, True]
    assert (await client.post(f"{url}/checklist/5", json={"done": True})).status_code == 404
    async with tx_database.unit_of_work() as session:
        job = await session.scalar(select(DispatchJob).where(DispatchJob.id == site.job.id))
        assert job is not None
        assert job.status == JobStatus.assigned
        assert job.checklist[1]["done"] is True


async def test_a_closed_job_keeps_its_type_and_priority(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    url = f"/field/api/jobs/{site.job.name}"
    for status in ("on_site", "completed"):
        assert (await client.post(f"{url}/status", json={"status": status})).is_success
    response = await client.patch(url, json={"priority": "urgent"})
    assert response.status_code == 422
    page = await client.get(f"/field/jobs/{site.job.name}", headers={"Accept-Language": "en"})
    assert "Completed" in page.text
    assert 'data-field-status="' not in page.text
