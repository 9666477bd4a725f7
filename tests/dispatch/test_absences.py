"""A technician away: jobs back to the unassigned lane, one SMS per customer in their language."""

from __future__ import annotations

import httpx

from tests.conftest import LoginAs, TransactionalDatabase
from tests.dispatch.conftest import World, job_named, outbox


async def test_absence_unassigns_the_period_and_texts_each_customer_once(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    await login_as("disp", ("dispatch",))
    ana = world.techs["ana"]
    for job, position in (("install", 0), ("repair", 1), ("late", 2)):
        await client.post(
            "/dispatch/assign",
            json={"job": world.jobs[job], "technician": ana, "position": position},
        )
    before = {
        k: len(await outbox(tx_database, world.jobs[k])) for k in ("install", "repair", "late")
    }
    response = await client.post(
        f"/dispatch/technicians/{ana}/absences",
        json={"start": f"{world.day}T07:00:00", "end": f"{world.day}T12:30:00", "reason": "Malade"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert sorted(body["unassigned"]) == sorted([world.jobs["install"], world.jobs["repair"]])
    assert body["customers_notified"] == 2
    for key in ("install", "repair"):
        moved = await job_named(tx_database, world.jobs[key])
        assert moved.technician_id is None
        assert moved.status == "open"
        assert moved.route_position is None
    kept = await job_named(tx_database, world.jobs["late"])
    assert kept.technician_id is not None
    assert kept.route_position == 0
    french = (await outbox(tx_database, world.jobs["install"]))[before["install"] :]
    english = (await outbox(tx_database, world.jobs["repair"]))[before["repair"] :]
    assert [(m.channel, m.recipient) for m in french] == [("sms", "+14185550123")]
    assert "votre technicien est absent" in french[0].body
    assert [(m.channel, m.recipient) for m in english] == [("sms", "+15815550199")]
    assert "your technician is away" in english[0].body
    assert len(await outbox(tx_database, world.jobs["late"])) == before["late"]


async def test_absence_input_is_checked(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    url = f"/dispatch/technicians/{world.techs['ana']}/absences"
    backwards = {"start": f"{world.day}T12:00:00", "end": f"{world.day}T08:00:00"}
    assert (await client.post(url, json=backwards)).status_code == 422
    assert (await client.post(url, json={"start": "tomorrow"})).status_code == 422
    unknown = "/dispatch/technicians/TECH-9999/absences"
    ok = {"start": f"{world.day}T08:00:00", "end": f"{world.day}T12:00:00"}
    assert (await client.post(unknown, json=ok)).status_code == 404


async def test_board_form_marks_whole_days_and_shows_the_lane_absent(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    csrf = await login_as("disp", ("dispatch",))
    ben = world.techs["ben"]
    await client.post(
        "/dispatch/assign", json={"job": world.jobs["repair"], "technician": ben, "position": 0}
    )
    response = await client.post(
        "/ops/dispatch/absences",
        data={
            "csrf_token": csrf,
            "technician": ben,
            "start": world.day.isoformat(),
            "end": world.day.isoformat(),
            "reason": "Formation",
            "date": world.day.isoformat(),
        },
    )
    assert response.status_code == 303
    assert (await job_named(tx_database, world.jobs["repair"])).technician_id is None
    page = await client.get(f"/ops/dispatch?date={world.day}")
    assert "Formation" in page.text
