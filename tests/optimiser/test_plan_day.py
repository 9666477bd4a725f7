"""`plan_day`: skills, windows, shifts, locks, priorities and the reasons of what stays unplaced."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from gigafibre.dispatch.optimiser import (
    REASON_CAPACITY,
    REASON_LOCKED,
    REASON_SKILLS,
    REASON_WINDOW,
    DayPlan,
    JobToPlan,
    TechnicianDay,
    plan_day,
)
from gigafibre.dispatch.travel import HaversineTravel, Point

DAY = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
TRAVEL = HaversineTravel()
LIMOILOU: Point = (46.8260, -71.2280)
SAINTE_FOY: Point = (46.7760, -71.2860)
BEAUPORT: Point = (46.8580, -71.1930)


def at(hour: float) -> dt.datetime:
    return DAY + dt.timedelta(hours=hour)


def tech(
    name: str, home: Point, skills: set[str], start: float = 8, end: float = 16
) -> TechnicianDay:
    return TechnicianDay(name, frozenset(skills), home, home, at(start), at(end))


def job(
    name: str,
    where: Point,
    *,
    minutes: int = 60,
    window: tuple[float, float] | None = None,
    skills: set[str] | None = None,
    priority: int = 1,
    locked: str | None = None,
) -> JobToPlan:
    return JobToPlan(
        name=name,
        location=where,
        duration_minutes=minutes,
        window_start=at(window[0]) if window else None,
        window_end=at(window[1]) if window else None,
        required_skills=frozenset(skills or ()),
        priority=priority,
        locked_technician=locked,
    )


def owner(plan: DayPlan, job_name: str) -> str | None:
    for technician, stops in plan.routes.items():
        if any(stop.job == job_name for stop in stops):
            return technician
    return None


def near(point: Point, metres: float) -> Point:
    return (point[0] + metres / 111_000, point[1])


async def test_a_job_goes_only_to_a_technician_with_its_skills() -> None:
    techs = [
        tech("T-NEAR", LIMOILOU, {"install"}),
        tech("T-FAR", SAINTE_FOY, {"splice"}),
    ]
    jobs = [
        job("J-SPLICE", near(LIMOILOU, 300), skills={"splice"}),
        job("J-PLAIN", near(LIMOILOU, 500), skills={"install"}),
    ]
    plan = await plan_day(techs, jobs, travel=TRAVEL, seconds=2)
    assert owner(plan, "J-SPLICE") == "T-FAR"
    assert owner(plan, "J-PLAIN") == "T-NEAR"
    assert plan.unassigned == {}


async def test_windows_and_shifts_are_respected() -> None:
    techs = [tech("T1", LIMOILOU, set(), start=8, end=17)]
    jobs = [
        job("PM", near(LIMOILOU, 400), window=(13, 17)),
        job("AM", near(LIMOILOU, 800), window=(8, 12)),
        job("ANY", near(LIMOILOU, 1200)),
    ]
    plan = await plan_day(techs, jobs, travel=TRAVEL, seconds=2)
    stops = {stop.job: stop for stop in plan.routes["T1"]}
    assert set(stops) == {"PM", "AM", "ANY"}
    assert at(8) <= stops["AM"].arrival <= at(12)
    assert at(13) <= stops["PM"].arrival <= at(17)
    ordered = plan.routes["T1"]
    assert ordered.index(stops["AM"]) < ordered.index(stops["PM"])
    for before, after in itertools.pairwise(ordered):
        assert after.arrival >= before.departure
    assert all(stop.departure - stop.arrival == dt.timedelta(minutes=60) for stop in ordered)
    assert ordered[-1].departure <= at(17)
    assert plan.distance_m > 0
    assert plan.travel_seconds > 0


async def test_a_locked_job_stays_with_its_technician() -> None:
    techs = [tech("T-NEAR", BEAUPORT, set()), tech("T-LOCK", SAINTE_FOY, set())]
    free = await plan_day(techs, [job("J1", near(BEAUPORT, 200))], travel=TRAVEL, seconds=2)
    assert owner(free, "J1") == "T-NEAR"
    locked = await plan_day(
        techs, [job("J1", near(BEAUPORT, 200), locked="T-LOCK")], travel=TRAVEL, seconds=2
    )
    assert owner(locked, "J1") == "T-LOCK"
    assert locked.routes["T-NEAR"] == []


async def test_unplaceable_jobs_come_back_with_their_reason() -> None:
    techs = [tech("T1", LIMOILOU, {"install"}, start=8, end=12)]
    jobs = [
        job("NO-SKILL", near(LIMOILOU, 100), skills={"splice"}),
        job("EVENING", near(LIMOILOU, 200), window=(18, 20)),
        job("TOO-LONG", near(LIMOILOU, 300), minutes=300),
        job("ABSENT", near(LIMOILOU, 400), locked="T9"),
        job("OK", near(LIMOILOU, 500), skills={"install"}),
    ]
    plan = await plan_day(techs, jobs, travel=TRAVEL, seconds=2)
    assert plan.unassigned == {
        "NO-SKILL": REASON_SKILLS,
        "EVENING": REASON_WINDOW,
        "TOO-LONG": REASON_WINDOW,
        "ABSENT": REASON_LOCKED,
    }
    assert [stop.job for stop in plan.routes["T1"]] == ["OK"]


async def test_a_full_day_drops_the_lowest_priority_first() -> None:
    techs = [tech("T1", LIMOILOU, set(), start=8, end=12)]
    jobs = [
        job("LOW", near(LIMOILOU, 300), minutes=90, priority=0),
        job("URGENT", near(LIMOILOU, 3000), minutes=90, priority=3),
        job("HIGH", near(LIMOILOU, 2500), minutes=90, priority=2),
    ]
    plan = await plan_day(techs, jobs, travel=TRAVEL, seconds=2)
    assert {stop.job for stop in plan.routes["T1"]} == {"URGENT", "HIGH"}
    assert plan.unassigned == {"LOW": REASON_CAPACITY}


async def test_the_same_seed_gives_the_same_plan() -> None:
    techs = [tech(f"T{n}", near(LIMOILOU, 1000 * n), {"install"}) for n in range(3)]
    jobs = [
        job(f"J{n}", near(SAINTE_FOY, 450 * n), minutes=45, window=(8, 12) if n % 2 else None)
        for n in range(14)
    ]
    first = await plan_day(techs, jobs, travel=TRAVEL, seconds=5, seed=3)
    second = await plan_day(techs, jobs, travel=TRAVEL, seconds=5, seed=3)
    assert first == second
    assert sum(len(stops) for stops in first.routes.values()) == 14


async def test_no_technicians_or_no_jobs() -> None:
    empty = await plan_day([], [job("J1", LIMOILOU)], travel=TRAVEL, seconds=1)
    assert empty.unassigned == {"J1": REASON_SKILLS}
    idle = await plan_day([tech("T1", LIMOILOU, set())], [], travel=TRAVEL, seconds=1)
    assert idle.routes == {"T1": []}
    with pytest.raises(ValueError, match="unique"):
        await plan_day([tech("T1", LIMOILOU, set())] * 2, [], travel=TRAVEL, seconds=1)
