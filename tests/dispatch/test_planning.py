"""Optimise the day: a stored proposal previewed on the board, then applied or dropped."""

from __future__ import annotations

import html

import httpx

from tests.conftest import LoginAs, TransactionalDatabase
from tests.dispatch.conftest import World, job_named, outbox


async def _propose(client: httpx.AsyncClient, world: World) -> dict[str, object]:
    response = await client.post(
        "/dispatch/plans", json={"date": world.day.isoformat(), "seconds": 0.2}
    )
    assert response.status_code == 201, response.text
    plan: dict[str, object] = response.json()
    return plan


async def test_plan_keeps_locks_skips_absent_and_explains_left_overs(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    csrf = await login_as("disp", ("dispatch",))
    ana, ben = world.techs["ana"], world.techs["ben"]
    await client.post(
        "/dispatch/assign", json={"job": world.jobs["install"], "technician": ana, "position": 0}
    )
    locked = await client.post(
        f"/ops/dispatch/jobs/{world.jobs['install']}/lock", data={"locked": "1", "csrf_token": csrf}
    )
    assert locked.status_code == 200
    assert "bi-unlock" in locked.text
    absent = await client.post(
        f"/dispatch/technicians/{ben}/absences",
        json={"start": f"{world.day}T00:00:00", "end": f"{world.day}T23:59:00"},
    )
    assert absent.status_code == 201
    plan = await _propose(client, world)
    routes = plan["routes"]
    assert isinstance(routes, dict)
    assert set(routes) == {ana}  # Ben is absent, Cy does not work on Tuesdays
    planned = [stop["job"] for stop in routes[ana]]
    assert world.jobs["install"] in planned
    assert sorted(planned) == sorted(world.jobs[k] for k in ("install", "repair", "late"))
    arrivals = [stop["arrival"] for stop in routes[ana]]
    assert arrivals == sorted(arrivals)
    assert plan["unassigned"] == {world.jobs["drop"]: "no technician has the required skills"}
    # Nothing changed yet: it is a preview, shown on the board.
    assert (await job_named(tx_database, world.jobs["repair"])).technician_id is None
    page = await client.get(f"/ops/dispatch?date={world.day}")
    assert 'data-testid="plan-preview"' in page.text
    assert f'data-preview-job="{world.jobs["repair"]}"' in page.text
    assert html.unescape(page.text).count("Aucun technicien n'a les compétences requises") == 1


async def test_apply_writes_technicians_order_and_etas_and_messages_once(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    await login_as("disp", ("dispatch",))
    plan = await _propose(client, world)
    applied = await client.post(f"/dispatch/plans/{plan['id']}/apply")
    assert applied.status_code == 200, applied.text
    moved = applied.json()["moved"]
    routes = plan["routes"]
    assert isinstance(routes, dict)
    expected = {stop["job"] for stops in routes.values() for stop in stops}
    assert set(moved) == expected
    assert expected
    for _tech, stops in routes.items():
        for position, stop in enumerate(stops):
            job = await job_named(tx_database, stop["job"])
            assert job.status == "assigned"
            assert job.route_position == position
            assert job.planned_arrival is not None
            assert job.planned_arrival.isoformat().startswith(stop["arrival"][:16])
    for name in moved:
        sms = [m for m in await outbox(tx_database, name) if m.channel == "sms"]
        assert len(sms) == 2  # the technician and the customer
    assert (await client.get(f"/dispatch/plans/{plan['id']}")).status_code == 404
    assert (await client.post(f"/dispatch/plans/{plan['id']}/apply")).status_code == 404


async def test_cancel_drops_the_preview_and_changes_nothing(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    csrf = await login_as("disp", ("dispatch",))
    plan = await _propose(client, world)
    response = await client.post(
        f"/ops/dispatch/plans/{plan['id']}/discard", data={"csrf_token": csrf}
    )
    assert response.status_code == 303
    assert (await job_named(tx_database, world.jobs["repair"])).technician_id is None
    page = await client.get(f"/ops/dispatch?date={world.day}")
    assert 'data-testid="plan-preview"' not in page.text


async def test_only_dispatch_may_optimise(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("support1", ("support",))
    response = await client.post("/dispatch/plans", json={"date": world.day.isoformat()})
    assert response.status_code == 403
