"""Which technician for this job: skills, room in the window, travel added, workload.

Each candidate gets a score out of 100 and the reasons behind it in French and English, so the
dispatcher sees why the first one is first. Rules, in order of weight:
- missing a required skill, not working that day or absent: not eligible (score 0);
- no position in their current route reaches the job inside its arrival window and still ends
  the day within the shift: minus 40;
- minus one point per minute of travel the best insertion adds (at most 40);
- minus up to 20 for the share of the shift already booked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.i18n import N_, gettext
from gigafibre.dispatch import routing, service
from gigafibre.dispatch.models import DispatchJob, Technician
from gigafibre.dispatch.travel import TravelProvider

WINDOW_PENALTY = 40.0
TRAVEL_PENALTY_CAP = 40.0
WORKLOAD_PENALTY = 20.0

SKILLS_OK = N_("Has every required skill")
SKILLS_MISSING = N_("Missing skills: {skills}")
NOT_WORKING = N_("Does not work that day")
ABSENT = N_("Absent that day")
FITS = N_("Fits the window as stop {position}, arriving at {arrival}")
NO_FIT = N_("Cannot arrive within the window with the current route")
TRAVEL = N_("Adds {minutes} min of travel")
WORKLOAD = N_("{jobs} jobs already, {percent} % of the shift booked")


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    fr: str
    en: str
    positive: bool


def reason(code: str, message: str, positive: bool, **params: object) -> Reason:
    return Reason(
        code=code,
        fr=gettext(message, "fr").format(**params),
        en=gettext(message, "en").format(**params),
        positive=positive,
    )


@dataclass(slots=True)
class Candidate:
    technician: str
    full_name: str
    score: float
    eligible: bool
    position: int | None = None  # best place in the route, 0-based
    arrival: dt.datetime | None = None
    added_travel_minutes: int | None = None
    jobs: int = 0
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Insertion:
    position: int
    arrival: dt.datetime
    added_seconds: int
    feasible: bool


async def best_insertion(
    session: AsyncSession,
    job: DispatchJob,
    tech: Technician,
    route: list[DispatchJob],
    shift: tuple[dt.datetime, dt.datetime],
    travel: TravelProvider,
) -> Insertion:
    """The cheapest place for `job` in `route`, preferring places that keep every window."""
    points = await service.job_points(session, [*route, job])
    stops = [service.as_stop(item, points.get(item.id)) for item in (*route, job)]
    seconds = await routing.travel_seconds(travel, routing.home_point(tech), stops)
    base = routing.simulate(range(len(route)), stops, seconds, shift)
    new = len(route)
    best: Insertion | None = None
    for position in range(len(route) + 1):
        order = [*range(position), new, *range(position, len(route))]
        timeline = routing.simulate(order, stops, seconds, shift)
        option = Insertion(
            position=position,
            arrival=timeline.arrivals[position],
            added_seconds=max(0, timeline.travel_seconds - base.travel_seconds),
            feasible=timeline.feasible,
        )
        if best is None or (option.feasible, -option.added_seconds) > (
            best.feasible,
            -best.added_seconds,
        ):
            best = option
    assert best is not None  # range(len(route) + 1) is never empty
    return best


async def rank_technicians(
    session: AsyncSession, job: DispatchJob, travel: TravelProvider, day: dt.date | None = None
) -> list[Candidate]:
    """Every active technician for `job` on `day` (default: the job's day), best first."""
    day = day or job.scheduled_date or dt.datetime.now(routing.LOCAL_TZ).date()
    required = set(job.required_skills or ())
    ranked: list[Candidate] = []
    for tech in await service.active_technicians(session):
        candidate = Candidate(tech.name, tech.full_name, score=100.0, eligible=True)
        missing = sorted(required - set(tech.skills or ()))
        if missing:
            candidate.eligible = False
            candidate.reasons.append(
                reason("skills", SKILLS_MISSING, False, skills=", ".join(missing))
            )
        else:
            candidate.reasons.append(reason("skills", SKILLS_OK, True))
        shift = routing.shift_bounds(tech, day)
        if shift is None:
            candidate.eligible = False
            candidate.reasons.append(reason("shift", NOT_WORKING, False))
        elif await service.absence_during(session, tech.id, *routing.day_bounds(day)):
            candidate.eligible = False
            candidate.reasons.append(reason("absence", ABSENT, False))
        if shift is not None and candidate.eligible:
            await _route_fit(session, candidate, job, tech, day, shift, travel)
        if not candidate.eligible:
            candidate.score = 0.0
        ranked.append(candidate)
    ranked.sort(key=lambda c: (not c.eligible, -c.score, c.technician))
    return ranked


async def _route_fit(
    session: AsyncSession,
    candidate: Candidate,
    job: DispatchJob,
    tech: Technician,
    day: dt.date,
    shift: tuple[dt.datetime, dt.datetime],
    travel: TravelProvider,
) -> None:
    route = await service.lane_jobs(session, tech.id, day, exclude=job.id)
    insertion = await best_insertion(session, job, tech, route, shift, travel)
    candidate.position = insertion.position
    candidate.arrival = insertion.arrival
    candidate.jobs = len(route)
    minutes = round(insertion.added_seconds / 60)
    candidate.added_travel_minutes = minutes
    if insertion.feasible:
        candidate.reasons.append(
            reason(
                "window",
                FITS,
                True,
                position=insertion.position + 1,
                arrival=routing.local_clock(insertion.arrival),
            )
        )
    else:
        candidate.score -= WINDOW_PENALTY
        candidate.reasons.append(reason("window", NO_FIT, False))
    candidate.score -= min(TRAVEL_PENALTY_CAP, float(minutes))
    candidate.reasons.append(reason("travel", TRAVEL, minutes <= 20, minutes=minutes))
    shift_minutes = max(1.0, (shift[1] - shift[0]).total_seconds() / 60)
    booked = sum(item.duration_minutes for item in route) / shift_minutes
    candidate.score -= WORKLOAD_PENALTY * min(1.0, booked)
    candidate.reasons.append(
        reason("workload", WORKLOAD, booked < 0.75, jobs=len(route), percent=round(booked * 100))
    )
    candidate.score = round(max(0.0, candidate.score), 1)
