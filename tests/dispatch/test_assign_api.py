"""POST /dispatch/assign: roles, CSRF, bad input, ordering, and the messages it sends once."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from sqlalchemy import select

from gigafibre.core.links import Audience, verify_link_token
from gigafibre.customers.models import Customer
from gigafibre.dispatch.models import DispatchJob
from gigafibre.portal.models import NotificationPreference
from gigafibre.settings import Settings
from tests.conftest import LoginAs, TransactionalDatabase
from tests.dispatch.conftest import World, job_named, outbox


async def test_anonymous_and_wrong_roles_are_refused(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    body = {"job": world.jobs["install"], "technician": world.techs["ana"], "position": 0}
    assert (await client.post("/dispatch/assign", json=body)).status_code == 401
    await login_as("support1", ("support",))
    assert (await client.post("/dispatch/assign", json=body)).status_code == 403


async def test_csrf_header_is_required(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    token = client.headers.pop("X-CSRF-Token")
    body = {"job": world.jobs["install"], "technician": world.techs["ana"], "position": 0}
    assert (await client.post("/dispatch/assign", json=body)).status_code == 403
    client.headers["X-CSRF-Token"] = token
    assert (await client.post("/dispatch/assign", json=body)).status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"job": "nonsense", "technician": None, "position": 0}, 422),
        ({"job": "DJ-000001", "technician": "TECH-0001", "position": -1}, 422),
        ({"job": "DJ-000001", "technician": "bob", "position": 0}, 422),
        ({"job": "DJ-000001", "position": 0, "extra": 1}, 422),
        ({"job": "DJ-999999", "technician": None, "position": 0}, 404),
    ],
)
async def test_bad_input_gets_a_clear_4xx(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, body: dict[str, object], status: int
) -> None:
    await login_as("disp", ("dispatch",))
    response = await client.post("/dispatch/assign", json=body)
    assert response.status_code == status, response.text
    assert response.json()["message"]


async def test_unknown_technician_is_404_and_changes_nothing(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    await login_as("disp", ("dispatch",))
    body = {"job": world.jobs["install"], "technician": "TECH-9999", "position": 0}
    assert (await client.post("/dispatch/assign", json=body)).status_code == 404
    assert (await job_named(tx_database, world.jobs["install"])).technician_id is None


async def test_assign_orders_the_lane_and_writes_etas(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    ana = world.techs["ana"]
    first = await client.post(
        "/dispatch/assign", json={"job": world.jobs["late"], "technician": ana, "position": 0}
    )
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "assigned"
    second = await client.post(
        "/dispatch/assign", json={"job": world.jobs["install"], "technician": ana, "position": 0}
    )
    lane = second.json()["lane"]
    assert [stop["job"] for stop in lane] == [world.jobs["install"], world.jobs["late"]]
    assert [stop["position"] for stop in lane] == [0, 1]
    etas = [stop["planned_arrival"] for stop in lane]
    assert all(etas)
    assert etas[0] < etas[1]
    moved = await client.post(
        "/dispatch/assign", json={"job": world.jobs["install"], "technician": ana, "position": 5}
    )
    assert [stop["job"] for stop in moved.json()["lane"]] == [
        world.jobs["late"],
        world.jobs["install"],
    ]
    assert moved.json()["notified"] is False
    back = await client.post("/dispatch/assign", json={"job": world.jobs["late"], "position": 0})
    assert back.json()["technician"] is None
    assert back.json()["status"] == "open"


async def test_missing_skill_or_day_off_is_allowed_but_absence_is_refused(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    absent = await client.post(
        f"/dispatch/technicians/{world.techs['ben']}/absences",
        json={"start": f"{world.day}T00:00:00", "end": f"{world.day}T23:59:00"},
    )
    assert absent.status_code == 201
    refused = await client.post(
        "/dispatch/assign",
        json={"job": world.jobs["repair"], "technician": world.techs["ben"], "position": 0},
    )
    assert refused.status_code == 409
    assert "absent" in refused.json()["message"]


async def test_technician_and_customer_are_messaged_exactly_once(
    client: httpx.AsyncClient,
    login_as: LoginAs,
    world: World,
    tx_database: TransactionalDatabase,
    settings: Settings,
) -> None:
    await login_as("disp", ("dispatch",))
    job = world.jobs["repair"]  # John, who reads English
    body = {"job": job, "technician": world.techs["ana"], "position": 0}
    for _ in range(2):
        assert (await client.post("/dispatch/assign", json=body)).status_code == 200
    messages = await outbox(tx_database, job)
    sms = [m for m in messages if m.channel == "sms"]
    emails = [m for m in messages if m.channel == "email"]
    assert sorted(m.recipient for m in sms) == ["+14185550101", "+15815550199"]
    assert len(emails) == 1
    assert emails[0].recipient == "john@example.com"
    tech_sms = next(m for m in sms if m.recipient == "+14185550101")
    link = re.search(r"(\S+)/j/(\S+)", tech_sms.body)
    assert link is not None
    assert link.group(1) == settings.public_base_url.rstrip("/")
    claims = verify_link_token(settings.jwt_secret, link.group(2), audience=Audience.tech)
    assert claims.subject == world.techs["ana"]
    customer_sms = next(m for m in sms if m.recipient == "+15815550199")
    assert "appointment confirmed" in customer_sms.body
    assert "10:00" in customer_sms.body
    assert emails[0].payload["language"] == "en"
    # Reassigning to someone else is a new appointment: a new round of messages.
    other = {"job": job, "technician": world.techs["ben"], "position": 0}
    assert (await client.post("/dispatch/assign", json=other)).status_code == 200
    assert len(await outbox(tx_database, job)) == 6


async def test_french_customer_gets_french_appointment(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    await login_as("disp", ("dispatch",))
    job = world.jobs["install"]
    body = {"job": job, "technician": world.techs["ana"], "position": 0}
    assert (await client.post("/dispatch/assign", json=body)).status_code == 200
    customer = next(m for m in await outbox(tx_database, job) if m.recipient == "+14185550123")
    assert "rendez-vous confirmé" in customer.body
    assert "8 h - 10 h" in customer.body


async def test_closed_jobs_cannot_be_assigned(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    job = world.jobs["drop"]
    cancelled = await client.post(f"/dispatch/jobs/{job}/status", json={"status": "cancelled"})
    assert cancelled.status_code == 200, cancelled.text
    response = await client.post(
        "/dispatch/assign", json={"job": job, "technician": world.techs["cy"], "position": 0}
    )
    assert response.status_code == 409


async def test_moving_to_another_day_keeps_the_window_and_tells_the_customer_again(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    await login_as("disp", ("dispatch",))
    job, ana = world.jobs["install"], world.techs["ana"]
    body = {"job": job, "technician": ana, "position": 0}
    assert (await client.post("/dispatch/assign", json=body)).status_code == 200
    before = await job_named(tx_database, job)
    assert before.window_start is not None
    tomorrow = world.day + dt.timedelta(days=1)
    moved = await client.post("/dispatch/assign", json={**body, "date": tomorrow.isoformat()})
    assert moved.status_code == 200
    assert moved.json()["notified"] is True
    after = await job_named(tx_database, job)
    assert after.scheduled_date == tomorrow
    assert after.window_start == before.window_start + dt.timedelta(days=1)
    customer_sms = [m for m in await outbox(tx_database, job) if m.recipient == "+14185550123"]
    assert len(customer_sms) == 2


async def test_an_appointment_comes_by_email_only_when_sms_is_turned_off(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    job = world.jobs["install"]
    async with tx_database.unit_of_work() as session:
        found = await session.scalar(select(DispatchJob).where(DispatchJob.name == job))
        assert found is not None
        assert found.customer_id is not None
        customer = await session.get(Customer, found.customer_id)
        assert customer is not None
        customer.email = customer.email or "rdv@example.ca"
        session.add(
            NotificationPreference(
                customer_id=customer.id,
                invoices_by_email=True,
                reminders_by_sms=True,
                appointments_by_sms=False,
            )
        )
        phone, email = customer.phone, customer.email
    await login_as("disp", ("dispatch",))
    body = {"job": job, "technician": world.techs["ana"], "position": 0}
    assert (await client.post("/dispatch/assign", json=body)).status_code == 200
    recipients = {message.recipient for message in await outbox(tx_database, job)}
    assert email in recipients
    assert phone not in recipients
