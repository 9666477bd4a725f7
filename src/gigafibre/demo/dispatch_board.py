"""A full dispatch board for today and tomorrow: templates, checklists, tags, routes and ETAs.

`field.schedule` books a few jobs a day; a dispatcher's real day has three or four a
technician, some still waiting in the unassigned lane. This tops the two days up through the
same `Board` (skills, shifts and free windows respected), then gives every job its template and
checklist, and every technician's day an order and planned arrivals driven from their home base.
Runs before the store writes the jobs; deterministic like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.customers.models import ServiceLocation
from gigafibre.demo import texts
from gigafibre.demo.field import Board, Site
from gigafibre.demo.store import Context, Row, table_of
from gigafibre.dispatch import routing
from gigafibre.dispatch.models import DispatchJob, JobTemplate, Technician
from gigafibre.dispatch.travel import HaversineTravel

EXTRA_ASSIGNED = {0: 18, 1: 14}  # days from today -> more jobs booked through the board
EXTRA_WAITING = {0: 3, 1: 5}  # … and left in the unassigned lane for the dispatcher
SITE_TAGS = ("Chien sur place", "Stationnement difficile", "Appeler avant", "Accès par l'arrière")


async def fill_days(ctx: Context, session: AsyncSession, board: Board, pool: list[Site]) -> None:
    """Top up today and tomorrow, then enrich every pending job row."""
    rng = ctx.rng
    if pool:
        kinds = tuple(texts.UPCOMING_KIND_WEIGHTS)
        weights = tuple(texts.UPCOMING_KIND_WEIGHTS.values())
        for offset in EXTRA_ASSIGNED:
            day = ctx.today + dt.timedelta(days=offset)
            for _ in range(EXTRA_ASSIGNED[offset]):
                kind = rng.choices(kinds, weights)[0]
                board.job(rng.choice(pool), kind, day, done=False, assign=True)
            for _ in range(EXTRA_WAITING[offset]):
                board.job(rng.choice(pool), "repair", day, done=False, assign=False)
    rows = ctx.store.pending.get(table_of(DispatchJob), [])
    templates = {t.code: t for t in await session.scalars(select(JobTemplate))}
    for row in rows:
        _enrich(ctx, row, templates.get(row["job_type"]))
    await _route(ctx, session, rows)


def _enrich(ctx: Context, row: Row, template: JobTemplate | None) -> None:
    done = row["status"] == "completed"
    row["template_id"] = template.id if template else None
    row["checklist"] = [
        {"fr": item.get("fr", ""), "en": item.get("en", ""), "done": done}
        for item in (template.default_checklist if template else [])
    ]
    tags = []
    if row["priority"] == "high":
        tags.append("Prioritaire")
    if ctx.rng.random() < 0.15:
        tags.append(ctx.rng.choice(SITE_TAGS))
    row["tags"] = tags
    row["route_position"] = None
    row["planned_arrival"] = row["window_start"] if done else None
    row["locked"] = False
    row["sequence"] = 1 if row["technician_id"] else 0


async def _route(ctx: Context, session: AsyncSession, rows: list[Row]) -> None:
    """Order each technician's day by window and drive it for the ETAs."""
    days = {ctx.today, ctx.today + dt.timedelta(days=1)}
    lanes: dict[tuple[int, dt.date], list[Row]] = defaultdict(list)
    for row in rows:
        if row["technician_id"] and row["scheduled_date"] in days and row["status"] != "completed":
            lanes[(row["technician_id"], row["scheduled_date"])].append(row)
    if not lanes:
        return
    techs = {t.id: t for t in await session.scalars(select(Technician))}
    location_ids = {row["service_location_id"] for lane in lanes.values() for row in lane}
    points: dict[int, tuple[float, float]] = {
        place.id: (place.latitude, place.longitude)
        for place in await session.scalars(
            select(ServiceLocation).where(ServiceLocation.id.in_(location_ids))
        )
        if place.latitude is not None and place.longitude is not None
    }
    travel = HaversineTravel()
    for (tech_id, day), lane in sorted(lanes.items(), key=lambda item: item[0]):
        lane.sort(key=lambda row: (row["window_start"], row["id"]))
        tech = techs[tech_id]
        shift = routing.shift_bounds(tech, day)
        stops = [_stop(row, points) for row in lane]
        if shift is None:
            continue
        seconds = await routing.travel_seconds(travel, routing.home_point(tech), stops)
        timeline = routing.simulate(range(len(stops)), stops, seconds, shift)
        for position, (row, arrival) in enumerate(zip(lane, timeline.arrivals, strict=True)):
            row["route_position"] = position
            row["planned_arrival"] = arrival


def _stop(row: dict[str, Any], points: dict[int, tuple[float, float]]) -> routing.Stop:
    return routing.Stop(
        row["name"],
        points.get(row["service_location_id"]),
        row["duration_minutes"],
        row["window_start"],
        row["window_end"],
    )
