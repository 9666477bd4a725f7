"""The ops board: DOM contract #5, the job drawer, status buttons, templates page, roles."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import httpx
import pytest

from gigafibre.dispatch import routing, service
from gigafibre.gps import service as gps_service
from gigafibre.gps.schemas import PositionReading
from tests.conftest import LoginAs, TransactionalDatabase
from tests.dispatch.conftest import World, job_named


class Board(HTMLParser):
    """Lanes and the cards inside them, with each card's status text."""

    def __init__(self) -> None:
        super().__init__()
        self.lanes: dict[str, list[str]] = {}
        self.draggable: dict[str, str | None] = {}
        self.status_text: dict[str, str] = {}
        self._lane: str | None = None
        self._card: str | None = None
        self._in_status = False
        self._depth: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "data-lane" in attributes:
            self._lane = attributes["data-lane"] or ""
            self.lanes[self._lane] = []
        if "data-job" in attributes and self._lane is not None:
            self._card = attributes["data-job"] or ""
            self.lanes[self._lane].append(self._card)
            self.draggable[self._card] = attributes.get("draggable")
        if "data-status" in attributes and self._card is not None:
            self._in_status = True
            self.status_text[self._card] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._in_status:
            self._in_status = False

    def handle_data(self, data: str) -> None:
        if self._in_status and self._card is not None:
            self.status_text[self._card] += data.strip()


async def _board(client: httpx.AsyncClient, world: World) -> Board:
    response = await client.get(f"/ops/dispatch?date={world.day}")
    assert response.status_code == 200, response.text
    parsed = Board()
    parsed.feed(response.text)
    return parsed


async def test_board_follows_the_dom_contract(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    ana = world.techs["ana"]
    await client.post(
        "/dispatch/assign", json={"job": world.jobs["install"], "technician": ana, "position": 0}
    )
    board = await _board(client, world)
    assert set(board.lanes) == {"", *world.techs.values()}
    assert board.lanes[ana] == [world.jobs["install"]]
    assert sorted(board.lanes[""]) == sorted(world.jobs[k] for k in ("repair", "late", "drop"))
    assert all(value == "true" for value in board.draggable.values())
    assert board.status_text[world.jobs["install"]] == "Assignée"
    assert board.status_text[world.jobs["repair"]] == "Ouvert"
    page = (await client.get(f"/ops/dispatch?date={world.day}")).text
    assert 'sse-connect="/sse?topic=dispatch"' in page
    assert "sse:job.status_changed" in page
    assert "sse:technician.position" not in page  # a GPS fix moves a marker, not the board
    assert "'technician.position'" in page
    assert 'href="/ops/dispatch"' in page
    assert "Répartition" in page
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert 'id="board-map-data"' in page


async def test_english_board_labels(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    await client.get("/lang/en?next=/ops/dispatch")
    board = await _board(client, world)
    assert board.status_text[world.jobs["repair"]] == "Open"


@pytest.mark.parametrize(("roles", "status"), [(("support",), 403), (("admin",), 200)])
async def test_board_roles(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, roles: tuple[str, ...], status: int
) -> None:
    await login_as("someone", roles)
    assert (await client.get("/ops/dispatch")).status_code == status


async def test_bad_date_is_a_4xx(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as("disp", ("dispatch",))
    assert (await client.get("/ops/dispatch?date=2026-13-45")).status_code == 422


async def test_drawer_shows_the_job_and_changes_status_through_the_field_rules(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    csrf = await login_as("disp", ("dispatch",))
    job = world.jobs["install"]
    await client.post(
        "/dispatch/assign", json={"job": job, "technician": world.techs["ana"], "position": 0}
    )
    drawer = await client.get(f"/ops/dispatch/jobs/{job}")
    assert drawer.status_code == 200
    text = drawer.text
    assert "Marie Tremblay" in text
    assert "rue Saint-Jean" in text
    assert "08:00–10:00" in text
    assert "Poser et raccorder l&#39;ONT" in text or "Poser et raccorder l'ONT" in text
    assert 'data-set-status="en_route"' in text
    moved = await client.post(
        f"/ops/dispatch/jobs/{job}/status", data={"status": "en_route", "csrf_token": csrf}
    )
    assert moved.status_code == 200
    assert (await job_named(tx_database, job)).status == "en_route"
    refused = await client.post(
        f"/ops/dispatch/jobs/{job}/status", data={"status": "completed", "csrf_token": csrf}
    )
    assert refused.status_code == 200
    assert "alert-danger" in refused.text
    assert (await job_named(tx_database, job)).status == "en_route"


async def test_drawer_candidates_and_assign_button(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    csrf = await login_as("disp", ("dispatch",))
    job = world.jobs["repair"]
    listing = await client.get(f"/ops/dispatch/jobs/{job}/candidates")
    assert listing.status_code == 200
    assert f'data-candidate="{world.techs["ana"]}"' in listing.text
    assert "A toutes les compétences requises" in listing.text
    assigned = await client.post(
        f"/ops/dispatch/jobs/{job}/assign",
        data={"technician": world.techs["ben"], "position": "0", "csrf_token": csrf},
    )
    assert assigned.status_code == 200
    saved = await job_named(tx_database, job)
    assert saved.status == "assigned"
    assert saved.route_position == 0


async def test_templates_are_seeded_and_editable(
    client: httpx.AsyncClient, login_as: LoginAs, tx_database: TransactionalDatabase
) -> None:
    csrf = await login_as("disp", ("dispatch",))
    page = await client.get("/ops/dispatch/templates")
    assert page.status_code == 200
    for code in ("fibre_install", "repair", "drop_replacement", "equipment_swap", "site_survey"):
        assert f'data-template="{code}"' in page.text
    form = {
        "csrf_token": csrf,
        "code": "ont_move",
        "label_fr": "Déplacement de l'ONT",
        "label_en": "ONT relocation",
        "default_duration_minutes": "50",
        "required_skills": "repair",
        "default_checklist": "Déplacer l'ONT | Move the ONT\nTester | Test",
        "active": "1",
    }
    assert (await client.post("/ops/dispatch/templates", data=form)).status_code == 303
    bad = await client.post(
        "/ops/dispatch/templates",
        data={**form, "code": "Bad Code", "default_duration_minutes": "0"},
    )
    assert bad.status_code == 422
    async with tx_database.unit_of_work() as session:
        job = await service.create_job(session, job_type="ont_move")
        assert job.duration_minutes == 50
        assert job.required_skills == ["repair"]
        assert job.checklist == [
            {"fr": "Déplacer l'ONT", "en": "Move the ONT", "done": False},
            {"fr": "Tester", "en": "Test", "done": False},
        ]


async def test_the_map_draws_each_technicians_gps_trail_of_the_day(
    client: httpx.AsyncClient, login_as: LoginAs, world: World, tx_database: TransactionalDatabase
) -> None:
    ana = world.techs["ana"]
    start, _end = routing.day_bounds(world.day)
    fixes = [
        PositionReading(
            technician=ana,
            latitude=(4680 + step) / 100,
            longitude=-71.20,
            speed_kmh=40.0,
            recorded_at=start + dt.timedelta(hours=9, minutes=step),
        )
        for step in range(3)
    ]
    async with tx_database.unit_of_work() as session:
        await gps_service.record_positions(session, fixes, source="test")
    await login_as("disp", ("dispatch",))
    page = (await client.get(f"/ops/dispatch?date={world.day}")).text
    data = json.loads(page.split('id="board-map-data"')[1].split(">", 1)[1].split("</script>")[0])
    (trail,) = [t for t in data["trails"] if t["technician"] == ana]
    assert trail["points"] == [[46.80, -71.20], [46.81, -71.20], [46.82, -71.20]]
