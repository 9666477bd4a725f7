"""Ranking technicians for a job, with the reasons in French and English."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from gigafibre.dispatch import routing
from tests.conftest import LoginAs
from tests.dispatch.conftest import World


def _by_tech(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    candidates = body["candidates"]
    assert isinstance(candidates, list)
    return {c["technician"]: c for c in candidates}


async def test_candidates_rank_by_skills_shift_and_give_reasons(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    response = await client.get(f"/dispatch/jobs/{world.jobs['install']}/candidates")
    assert response.status_code == 200, response.text
    body = response.json()
    order = [c["technician"] for c in body["candidates"]]
    assert order[0] == world.techs["ana"]
    ranked = _by_tech(body)
    ana, ben, cy = (ranked[world.techs[k]] for k in ("ana", "ben", "cy"))
    assert ana["eligible"]
    assert ana["score"] > 0
    assert ana["position"] == 0
    assert {r["code"] for r in ana["reasons"]} == {"skills", "window", "travel", "workload"}
    assert any(r["fr"].startswith("Arrivée possible") for r in ana["reasons"])
    assert any(r["en"].startswith("Fits the window") for r in ana["reasons"])
    assert not ben["eligible"]
    assert ben["score"] == 0
    assert any(r["en"] == "Missing skills: fibre_install" for r in ben["reasons"])
    assert any(r["fr"] == "Compétences manquantes : fibre_install" for r in ben["reasons"])
    assert not cy["eligible"]
    assert any(r["code"] == "shift" for r in cy["reasons"])


async def test_a_busy_route_scores_lower_than_an_empty_one(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    for job in ("install", "late"):
        await client.post(
            "/dispatch/assign",
            json={"job": world.jobs[job], "technician": world.techs["ana"], "position": 9},
        )
    ranked = _by_tech(
        (await client.get(f"/dispatch/jobs/{world.jobs['repair']}/candidates")).json()
    )
    ana, ben = ranked[world.techs["ana"]], ranked[world.techs["ben"]]
    assert ana["eligible"]
    assert ben["eligible"]
    assert ana["jobs"] == 2
    assert ben["jobs"] == 0
    assert ana["position"] == 1  # between the 8-10 install and the 13-15 repair
    workload = next(r for r in ana["reasons"] if r["code"] == "workload")
    assert workload["en"].startswith("2 jobs already")


async def test_unknown_job_is_404(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as("disp", ("dispatch",))
    assert (await client.get("/dispatch/jobs/DJ-999999/candidates")).status_code == 404


def test_a_stop_that_cannot_be_reached_in_its_window_makes_the_day_infeasible() -> None:
    day = dt.date(2026, 12, 1)
    shift = (routing.local_datetime(day, "08:00"), routing.local_datetime(day, "16:00"))
    stops = [
        routing.Stop("A", None, 120, routing.local_datetime(day, "08:00"), None),
        routing.Stop(
            "B",
            None,
            30,
            routing.local_datetime(day, "08:00"),
            routing.local_datetime(day, "09:00"),
        ),
    ]
    seconds = [[0, 600, 600], [600, 0, 600], [600, 600, 0]]
    good = routing.simulate([1, 0], stops, seconds, shift)
    bad = routing.simulate([0, 1], stops, seconds, shift)
    assert good.feasible
    assert good.arrivals[0] == routing.local_datetime(day, "08:10")
    assert not bad.feasible
    assert bad.late == ["B"]
    assert routing.simulate([0, 1], stops, seconds, (shift[0], shift[0])).overtime
