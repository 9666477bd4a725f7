"""What the dispatch board shows for one day: lanes, cards, the map's layers, a plan preview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.i18n import N_, gettext
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.dispatch import absences, planning, routing, service
from gigafibre.dispatch.models import (
    DispatchJob,
    DispatchPlan,
    JobStatus,
    JobTemplate,
    Technician,
    TechnicianAbsence,
)
from gigafibre.gps import service as gps_service

STATUS_LABELS = {
    JobStatus.open: N_("Open"),
    JobStatus.assigned: N_("Assigned"),
    JobStatus.en_route: N_("En route"),
    JobStatus.on_site: N_("On site"),
    JobStatus.completed: N_("Completed"),
    JobStatus.cancelled: N_("Cancelled"),
}
# Why the optimiser left a job out (optimiser.REASON_*), in words for the dispatcher.
PLAN_REASONS = {
    "no technician has the required skills": N_("No technician has the required skills"),
    "the locked technician is not working that day": N_(
        "The locked technician is not working that day"
    ),
    "the time window is outside every shift of a qualified technician": N_(
        "The window is outside every shift of a qualified technician"
    ),
    "no room left in the day of a qualified technician": N_(
        "No room left in the day of a qualified technician"
    ),
    planning.NO_LOCATION: N_("The job has no known location"),
}
ROUTE_COLOURS = (
    "#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1",
    "#20c997", "#dc3545", "#0dcaf0", "#6c757d", "#ffc107",
)  # fmt: skip


@dataclass(slots=True)
class Card:
    job: DispatchJob
    kind: str
    customer: str
    address: str
    point: tuple[float, float] | None
    window: str
    eta: str

    @property
    def status_label(self) -> str:
        return gettext(STATUS_LABELS[self.job.status])


@dataclass(slots=True)
class Lane:
    tech: Technician | None
    cards: list[Card]
    colour: str = "#6c757d"
    shift: str = ""
    absence: TechnicianAbsence | None = None
    booked_minutes: int = 0

    @property
    def key(self) -> str:
        return self.tech.name if self.tech else ""


@dataclass(slots=True)
class PlanPreview:
    plan: DispatchPlan
    routes: dict[str, list[tuple[str, str]]]  # tech -> [(job, local arrival)]
    unassigned: list[tuple[str, str]]  # (job, reason in words)
    moves: int


@dataclass(slots=True)
class Board:
    day: dt.date
    lanes: list[Lane]
    unassigned: Lane
    preview: PlanPreview | None
    map_data: dict[str, Any] = field(default_factory=dict)


def _window(job: DispatchJob) -> str:
    if job.window_start is None or job.window_end is None:
        return ""
    return f"{routing.local_clock(job.window_start)}–{routing.local_clock(job.window_end)}"


async def cards_for(
    session: AsyncSession, jobs: list[DispatchJob], language: str
) -> dict[int, Card]:
    customers = {job.customer_id for job in jobs if job.customer_id}
    locations = {job.service_location_id for job in jobs if job.service_location_id}
    templates = {job.template_id for job in jobs if job.template_id}
    names: dict[int, str] = {}
    if customers:
        rows = await session.execute(
            select(Customer.id, Customer.customer_name).where(Customer.id.in_(customers))
        )
        names = {row.id: row.customer_name for row in rows}
    places: dict[int, ServiceLocation] = {}
    if locations:
        found = await session.scalars(
            select(ServiceLocation).where(ServiceLocation.id.in_(locations))
        )
        places = {place.id: place for place in found}
    kinds: dict[int, str] = {}
    if templates:
        chosen = await session.scalars(select(JobTemplate).where(JobTemplate.id.in_(templates)))
        kinds = {template.id: template.label(language) for template in chosen}
    cards: dict[int, Card] = {}
    for job in jobs:
        place = places.get(job.service_location_id or 0)
        point = (
            (place.latitude, place.longitude)
            if place is not None and place.latitude is not None and place.longitude is not None
            else None
        )
        cards[job.id] = Card(
            job=job,
            kind=kinds.get(job.template_id or 0, job.job_type),
            customer=names.get(job.customer_id or 0, ""),
            address=f"{place.address_line}, {place.city}" if place else "",
            point=point,
            window=_window(job),
            eta=routing.local_clock(job.planned_arrival) if job.planned_arrival else "",
        )
    return cards


async def build_board(session: AsyncSession, day: dt.date, language: str) -> Board:
    techs = await service.active_technicians(session)
    away = await absences.absent_technicians(session, day)
    lane_jobs = {tech.id: await service.lane_jobs(session, tech.id, day) for tech in techs}
    waiting = await service.unassigned_jobs(session, day)
    every = [job for jobs in lane_jobs.values() for job in jobs] + waiting
    cards = await cards_for(session, every, language)
    lanes: list[Lane] = []
    for index, tech in enumerate(techs):
        shift = routing.shift_bounds(tech, day)
        jobs = lane_jobs[tech.id]
        lanes.append(
            Lane(
                tech=tech,
                cards=[cards[job.id] for job in jobs],
                colour=ROUTE_COLOURS[index % len(ROUTE_COLOURS)],
                shift=f"{routing.local_clock(shift[0])}–{routing.local_clock(shift[1])}"
                if shift
                else "",
                absence=away.get(tech.id),
                booked_minutes=sum(job.duration_minutes for job in jobs),
            )
        )
    unassigned = Lane(tech=None, cards=[cards[job.id] for job in waiting])
    plan = await planning.latest_plan(session, day)
    preview = _preview(plan, {job.name: job for job in every}, techs) if plan else None
    board = Board(day=day, lanes=lanes, unassigned=unassigned, preview=preview)
    board.map_data = await _map_data(session, board, cards)
    return board


def _preview(
    plan: DispatchPlan, jobs: dict[str, DispatchJob], techs: list[Technician]
) -> PlanPreview:
    owner = {tech.id: tech.name for tech in techs}
    routes: dict[str, list[tuple[str, str]]] = {}
    moves = 0
    for tech, stops in plan.routes.items():
        routes[tech] = []
        for stop in stops:
            arrival = dt.datetime.fromisoformat(stop["arrival"])
            routes[tech].append((stop["job"], routing.local_clock(arrival)))
            job = jobs.get(stop["job"])
            if job is not None and owner.get(job.technician_id or 0) != tech:
                moves += 1
    unassigned = [
        (name, gettext(PLAN_REASONS.get(reason, reason)))
        for name, reason in plan.unassigned.items()
    ]
    return PlanPreview(plan=plan, routes=routes, unassigned=unassigned, moves=moves)


async def _map_data(session: AsyncSession, board: Board, cards: dict[int, Card]) -> dict[str, Any]:
    """Jobs, routes (home, stops in order, home), live positions and the day's GPS trails."""
    by_name = {card.job.name: card for card in cards.values()}
    jobs = [
        {
            "job": card.job.name,
            "lat": card.point[0],
            "lon": card.point[1],
            "status": card.job.status.value,
            "label": f"{card.job.name} · {card.kind}",
            "technician": lane.key,
            "colour": lane.colour,
        }
        for lane in (*board.lanes, board.unassigned)
        for card in lane.cards
        if card.point is not None
    ]
    routes = []
    for lane in board.lanes:
        assert lane.tech is not None  # technician lanes only
        home = routing.home_point(lane.tech)
        points = [card.point for card in lane.cards if card.point is not None]
        if points:
            ends = [home] if home else []
            routes.append(
                {"technician": lane.key, "colour": lane.colour, "points": [*ends, *points, *ends]}
            )
    proposed = []
    if board.preview is not None:
        colours = {lane.key: lane.colour for lane in board.lanes}
        homes = {lane.key: routing.home_point(lane.tech) for lane in board.lanes if lane.tech}
        for tech, stops in board.preview.routes.items():
            found = [
                point
                for job, _eta in stops
                if job in by_name and (point := by_name[job].point) is not None
            ]
            home = homes.get(tech)
            if found:
                ends = [home] if home else []
                proposed.append(
                    {
                        "technician": tech,
                        "colour": colours.get(tech, "#6c757d"),
                        "points": [*ends, *found, *ends],
                    }
                )
    names = {lane.tech.id: lane.key for lane in board.lanes if lane.tech}
    colours_by_lane = {lane.key: lane.colour for lane in board.lanes}
    positions = [
        {
            "technician": position.technician,
            "lat": position.latitude,
            "lon": position.longitude,
            "at": position.recorded_at.isoformat(),
        }
        for position in await gps_service.latest_positions(session)
        if position.technician in names.values()
    ]
    since, until = routing.day_bounds(board.day)
    trails = [
        {"technician": name, "colour": colours_by_lane.get(name, "#6c757d"), "points": points}
        for name, points in (
            await gps_service.trails(session, list(names.values()), since, until)
        ).items()
        if len(points) > 1
    ]
    return {
        "jobs": jobs,
        "routes": routes,
        "proposed": proposed,
        "positions": positions,
        "trails": trails,
    }
