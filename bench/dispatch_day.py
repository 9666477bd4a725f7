"""A realistic dispatch day through `plan_day`: 250 jobs, 15 technicians around Québec City.

    .venv/bin/python bench/dispatch_day.py --seconds 10

Technicians hold skill subsets, work shifts of 8 to 8.5 hours from home bases spread over the
demo region; jobs have AM/PM windows (some none), 20 to 75 minutes, priorities, a few locked.
Prints the planning time (target at most 15 s), jobs placed against placeable (those not
rejected for skills or windows), distance, and the same figures for a greedy nearest-neighbour
baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import time
from zoneinfo import ZoneInfo

from gigafibre.demo.places import DISTRICT_WEIGHTS, DISTRICTS
from gigafibre.dispatch.optimiser import (
    REASON_CAPACITY,
    JobToPlan,
    TechnicianDay,
    plan_day,
)
from gigafibre.dispatch.travel import HaversineTravel, Point

LOCAL = ZoneInfo("America/Toronto")
DAY = dt.date(2026, 12, 1)
SKILLS = ("fibre_install", "repair", "splicing", "aerial")  # the job templates' skills
MINUTES = {"fibre_install": 60, "repair": 30, "splicing": 75, "aerial": 45}


def at(hour: float) -> dt.datetime:
    whole = int(hour)
    return dt.datetime.combine(DAY, dt.time(whole, int((hour - whole) * 60)), LOCAL)


def place(rng: random.Random) -> Point:
    district = rng.choices(DISTRICTS, weights=DISTRICT_WEIGHTS)[0]
    south, north, west, east = district.box
    return (rng.uniform(south, north), rng.uniform(west, east))


def make_day(seed: int, jobs: int, technicians: int) -> tuple[list[TechnicianDay], list[JobToPlan]]:
    rng = random.Random(seed)
    techs = []
    for n in range(technicians):
        skills = {"fibre_install", "repair"} if n % 3 else {"repair"}
        if n % 4 == 0:
            skills.add("splicing")
        if n % 5 == 0:
            skills.add("aerial")
        home = place(rng)
        start = rng.choice((7.0, 7.5, 8.0, 9.0))
        techs.append(
            TechnicianDay(
                name=f"TECH-{n + 1:04d}",
                skills=frozenset(skills),
                start=home,
                end=home,
                shift_start=at(start),
                shift_end=at(start + rng.choice((8.0, 8.5))),
            )
        )
    windows = ((at(8), at(12)), (at(12), at(17)), (None, None))
    day_jobs = []
    for n in range(jobs):
        kind = rng.choices(SKILLS, weights=(45, 40, 10, 5))[0]
        window = rng.choices(windows, weights=(40, 40, 20))[0]
        day_jobs.append(
            JobToPlan(
                name=f"DJ-{n + 1:06d}",
                location=place(rng),
                duration_minutes=MINUTES[kind] - rng.choice((0, 10)),
                window_start=window[0],
                window_end=window[1],
                required_skills=frozenset({kind}),
                priority=rng.choices((0, 1, 2, 3), weights=(20, 60, 15, 5))[0],
                locked_technician=techs[n % technicians].name if n % 25 == 0 else None,
            )
        )
    return techs, day_jobs


def greedy(
    techs: list[TechnicianDay], jobs: list[JobToPlan], travel: HaversineTravel
) -> tuple[int, int]:
    """Baseline: each technician in turn drives to the nearest job it can still do in time."""
    left = list(jobs)
    placed = distance = 0
    for tech in techs:
        here, clock = tech.start, tech.shift_start
        while True:
            best: tuple[int, JobToPlan, dt.datetime] | None = None
            for job in left:
                if job.locked_technician not in (None, tech.name):
                    continue
                if not job.required_skills <= tech.skills and job.locked_technician is None:
                    continue
                seconds, meters = travel.leg(here, job.location)
                begin = clock + dt.timedelta(seconds=seconds)
                if job.window_start is not None:
                    begin = max(begin, job.window_start)
                if job.window_end is not None and begin > job.window_end:
                    continue
                home, _ = travel.leg(job.location, tech.end)
                finish = begin + dt.timedelta(minutes=job.duration_minutes, seconds=home)
                if finish <= tech.shift_end and (best is None or meters < best[0]):
                    best = (meters, job, begin)
            if best is None:
                break
            meters, job, begin = best
            left.remove(job)
            placed += 1
            distance += meters
            here, clock = job.location, begin + dt.timedelta(minutes=job.duration_minutes)
        distance += travel.leg(here, tech.end)[1]
    return placed, distance


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--jobs", type=int, default=250)
    parser.add_argument("--technicians", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    techs, jobs = make_day(args.seed, args.jobs, args.technicians)
    travel = HaversineTravel()
    started = time.perf_counter()
    plan = await plan_day(techs, jobs, travel=travel, seconds=args.seconds)
    elapsed = time.perf_counter() - started
    rejected = sum(1 for reason in plan.unassigned.values() if reason != REASON_CAPACITY)
    placed = sum(len(stops) for stops in plan.routes.values())
    started = time.perf_counter()
    greedy_placed, greedy_distance = greedy(techs, jobs, travel)
    greedy_elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "jobs": len(jobs),
                "technicians": len(techs),
                "seconds": round(elapsed, 2),
                "placeable": len(jobs) - rejected,
                "placed": placed,
                "distance_km": round(plan.distance_m / 1000, 1),
                "travel_hours": round(plan.travel_seconds / 3600, 2),
                "km_per_job": round(plan.distance_m / 1000 / max(placed, 1), 2),
                "greedy_placed": greedy_placed,
                "greedy_distance_km": round(greedy_distance / 1000, 1),
                "greedy_seconds": round(greedy_elapsed, 2),
                "km_per_job_vs_greedy": round(
                    (plan.distance_m / max(placed, 1)) / (greedy_distance / max(greedy_placed, 1)),
                    3,
                ),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
