"""Optimise the day: technicians' routes as a vehicle routing problem with time windows (PyVRP).

`solve_routing` is the solver core on a plain integer problem (matrices, depots, vehicles,
clients with load vectors); `plan_day` turns technicians and jobs into that problem and back, and
`bench/optimiser.py` feeds it Solomon instances, so the page and the benchmark run the same code.

PyVRP 0.14 has no per-client vehicle restriction, so skills and locks become routing profiles:
vehicles that may not serve a client get a profile whose every edge into that client costs more
than any prize, so serving it never pays (and `solve_routing` checks that it did not happen).
Jobs are optional with a prize growing with priority (locked jobs more), so when the day is too
full the least important jobs drop first; what the precheck already knows cannot be placed never
reaches the solver and gets its reason directly.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyvrp
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement

from gigafibre.dispatch.travel import Point, TravelMatrix, TravelProvider

UNBOUNDED = int(np.iinfo(np.int64).max)
PRIZE_PER_PRIORITY = 20_000
LOCK_BONUS = 10 * PRIZE_PER_PRIORITY
FORBIDDEN = 10**9
MULTI_START_MIN_CLIENTS = 50  # from this size, several short starts before the long search
MULTI_STARTS = 6
MULTI_START_SHARE = 0.6  # of the time limit spent on the starts
DEFAULT_SEED = 20_261_129
NO_IMPROVEMENT_BASE = 3_000  # iterations without improvement that end the search: base
NO_IMPROVEMENT_PER_JOB = 100  # plus this per job, so small days finish in well under a second

REASON_SKILLS = "no technician has the required skills"
REASON_LOCKED = "the locked technician is not working that day"
REASON_WINDOW = "the time window is outside every shift of a qualified technician"
REASON_CAPACITY = "no room left in the day of a qualified technician"


# The problem the solver core sees: integers only.


@dataclass(frozen=True, slots=True)
class RoutingVehicle:
    start: int
    end: int
    tw_early: int = 0
    tw_late: int = UNBOUNDED
    capacity: tuple[int, ...] = ()
    count: int = 1
    excluded_clients: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class RoutingClient:
    location: int
    service: int = 0
    tw_early: int = 0
    tw_late: int = UNBOUNDED
    demand: tuple[int, ...] = ()
    prize: int = 0
    required: bool = True


@dataclass(frozen=True, slots=True)
class RoutingProblem:
    """Locations are matrix indices; `distance` is what the objective minimises.

    A vehicle's `excluded_clients` (client indices) need those clients at locations of their own.
    """

    distance: list[list[int]]
    duration: list[list[int]]
    vehicles: list[RoutingVehicle]
    clients: list[RoutingClient]


@dataclass(frozen=True, slots=True)
class RoutingRoute:
    vehicle: int
    clients: list[int]
    service_starts: list[int]
    service_ends: list[int]


@dataclass(frozen=True, slots=True)
class RoutingSolution:
    routes: list[RoutingRoute]
    unplanned: list[int]
    feasible: bool


def solve_routing(
    problem: RoutingProblem,
    *,
    seconds: float,
    seed: int = DEFAULT_SEED,
    max_iterations: int | None = None,
    no_improvement: int | None = None,
) -> RoutingSolution:
    """Solve with PyVRP. Deterministic for a seed when an iteration limit stops it first."""
    depots = sorted({v.start for v in problem.vehicles} | {v.end for v in problem.vehicles})
    exclusions = sorted({v.excluded_clients for v in problem.vehicles}, key=sorted)
    distances = []
    for excluded in exclusions:
        matrix = _int_matrix(problem.distance)
        for client in excluded:
            column = problem.clients[client].location
            matrix[:, column] = FORBIDDEN
            matrix[column, column] = 0
        distances.append(matrix)
    depot_index = {location: i for i, location in enumerate(depots)}
    data = pyvrp.ProblemData(
        locations=[pyvrp.Location(x=0, y=0) for _ in problem.distance],
        clients=[
            pyvrp.Client(
                location=c.location,
                delivery=list(c.demand),
                service_duration=c.service,
                tw_early=c.tw_early,
                tw_late=c.tw_late,
                prize=c.prize,
                required=c.required,
            )
            for c in problem.clients
        ],
        depots=[pyvrp.Depot(location=location) for location in depots],
        vehicle_types=[
            pyvrp.VehicleType(
                num_available=v.count,
                capacity=list(v.capacity),
                start_depot=depot_index[v.start],
                end_depot=depot_index[v.end],
                tw_early=v.tw_early,
                tw_late=v.tw_late,
                profile=exclusions.index(v.excluded_clients),
            )
            for v in problem.vehicles
        ],
        distance_matrices=distances,
        duration_matrices=[_int_matrix(problem.duration)] * len(exclusions),
    )
    best = _search(data, seconds, seed, max_iterations, no_improvement, len(problem.clients))
    routes: list[RoutingRoute] = []
    served: set[int] = set()
    feasible = best.is_feasible()
    for route in best.routes():
        visits = [a for a in route.schedule() if a.type == pyvrp.ActivityType.CLIENT]
        excluded = problem.vehicles[route.vehicle_type()].excluded_clients
        feasible &= not any(a.idx in excluded for a in visits)
        served.update(a.idx for a in visits)
        routes.append(
            RoutingRoute(
                vehicle=route.vehicle_type(),
                clients=[a.idx for a in visits],
                service_starts=[a.start_time for a in visits],
                service_ends=[a.end_time for a in visits],
            )
        )
    unplanned = [i for i in range(len(problem.clients)) if i not in served]
    return RoutingSolution(routes=routes, unplanned=unplanned, feasible=feasible)


def _search(
    data: pyvrp.ProblemData,
    seconds: float,
    seed: int,
    max_iterations: int | None,
    no_improvement: int | None,
    size: int,
) -> pyvrp.Solution:
    """Several short starts, then the best one searched further: one long run from a random
    start can settle in a poor basin (Solomon RC108: 1.6 % above best-known against 0.0 %)."""

    def stop(budget: float) -> MultipleCriteria:
        criteria: list[pyvrp.stop.StoppingCriterion] = [MaxRuntime(max(budget, 0.0))]
        if max_iterations is not None:
            criteria.append(MaxIterations(max_iterations))
        if no_improvement is not None:
            criteria.append(NoImprovement(no_improvement))
        return MultipleCriteria(criteria)

    deadline = time.perf_counter() + seconds
    starts = MULTI_STARTS if size >= MULTI_START_MIN_CLIENTS else 1
    if starts == 1:
        return pyvrp.solve(data, stop(seconds), seed=seed, collect_stats=False).best
    share = seconds * MULTI_START_SHARE / starts
    tried = [
        pyvrp.solve(data, stop(share), seed=seed + k, collect_stats=False) for k in range(starts)
    ]
    first = min(tried, key=lambda result: result.cost())
    final = pyvrp.solve(
        data,
        stop(deadline - time.perf_counter()),
        seed=seed + starts,
        collect_stats=False,
        initial_solution=first.best,
    )
    return final.best if final.cost() <= first.cost() else first.best


def _int_matrix(rows: list[list[int]]) -> Any:
    """An int64 matrix (PyVRP's stubs type it loosely)."""
    return np.asarray(rows, dtype=np.int64)


# The dispatch day.


@dataclass(frozen=True, slots=True)
class TechnicianDay:
    name: str
    skills: frozenset[str]
    start: Point
    end: Point
    shift_start: dt.datetime
    shift_end: dt.datetime


@dataclass(frozen=True, slots=True)
class JobToPlan:
    name: str
    location: Point
    duration_minutes: int
    window_start: dt.datetime | None
    window_end: dt.datetime | None
    required_skills: frozenset[str]
    priority: int
    locked_technician: str | None = None


@dataclass(frozen=True, slots=True)
class PlannedStop:
    job: str
    arrival: dt.datetime
    departure: dt.datetime


@dataclass(slots=True)
class DayPlan:
    routes: dict[str, list[PlannedStop]]
    unassigned: dict[str, str] = field(default_factory=dict)  # job -> reason
    distance_m: int = 0
    travel_seconds: int = 0


async def plan_day(
    technicians: Sequence[TechnicianDay],
    jobs: Sequence[JobToPlan],
    *,
    travel: TravelProvider,
    seconds: float,
    seed: int = DEFAULT_SEED,
) -> DayPlan:
    """Assign and order the day's jobs; what cannot be placed comes back with a reason."""
    names = [t.name for t in technicians]
    if len(set(names)) != len(names):
        raise ValueError("technician names must be unique")
    points = [p for t in technicians for p in (t.start, t.end)] + [j.location for j in jobs]
    matrix = await travel.matrix(points) if points else TravelMatrix([], [])
    plan = DayPlan(routes={t.name: [] for t in technicians})
    if not technicians:
        plan.unassigned = {j.name: REASON_SKILLS for j in jobs}
        return plan
    origin = min(t.shift_start for t in technicians)
    candidates, plan.unassigned = _precheck(technicians, jobs, matrix)
    if not candidates:
        return plan
    problem = _routing_problem(technicians, jobs, candidates, matrix, origin)
    solution = await asyncio.to_thread(
        solve_routing,
        problem,
        seconds=seconds,
        seed=seed,
        no_improvement=NO_IMPROVEMENT_BASE + NO_IMPROVEMENT_PER_JOB * len(candidates),
    )
    for route in solution.routes:
        tech = technicians[route.vehicle]
        stops = plan.routes[tech.name]
        previous = 2 * route.vehicle
        for client, begin, finish in zip(
            route.clients, route.service_starts, route.service_ends, strict=True
        ):
            job_index = candidates[client]
            location = 2 * len(technicians) + job_index
            stops.append(
                PlannedStop(
                    job=jobs[job_index].name,
                    arrival=origin + dt.timedelta(seconds=begin),
                    departure=origin + dt.timedelta(seconds=finish),
                )
            )
            plan.distance_m += matrix.meters[previous][location]
            plan.travel_seconds += matrix.seconds[previous][location]
            previous = location
        end = 2 * route.vehicle + 1
        plan.distance_m += matrix.meters[previous][end]
        plan.travel_seconds += matrix.seconds[previous][end]
    for client in solution.unplanned:
        plan.unassigned[jobs[candidates[client]].name] = REASON_CAPACITY
    return plan


def _qualified(technicians: Sequence[TechnicianDay], job: JobToPlan) -> list[int]:
    if job.locked_technician is not None:
        return [i for i, t in enumerate(technicians) if t.name == job.locked_technician]
    return [i for i, t in enumerate(technicians) if job.required_skills <= t.skills]


def _fits_shift(
    tech_index: int, tech: TechnicianDay, job: JobToPlan, location: int, matrix: TravelMatrix
) -> bool:
    """Can the technician reach the job in its window and still get home before the shift ends?"""
    earliest = tech.shift_start + dt.timedelta(seconds=matrix.seconds[2 * tech_index][location])
    if job.window_start is not None:
        earliest = max(earliest, job.window_start)
    latest = tech.shift_end - dt.timedelta(
        minutes=job.duration_minutes, seconds=matrix.seconds[location][2 * tech_index + 1]
    )
    if job.window_end is not None:
        latest = min(latest, job.window_end)
    return earliest <= latest


def _precheck(
    technicians: Sequence[TechnicianDay],
    jobs: Sequence[JobToPlan],
    matrix: TravelMatrix,
) -> tuple[list[int], dict[str, str]]:
    """Jobs worth handing to the solver, and the reasons of those that are not."""
    candidates: list[int] = []
    reasons: dict[str, str] = {}
    for index, job in enumerate(jobs):
        qualified = _qualified(technicians, job)
        location = 2 * len(technicians) + index
        if not qualified:
            reasons[job.name] = REASON_LOCKED if job.locked_technician else REASON_SKILLS
        elif not any(_fits_shift(t, technicians[t], job, location, matrix) for t in qualified):
            reasons[job.name] = REASON_WINDOW
        else:
            candidates.append(index)
    return candidates, reasons


def _routing_problem(
    technicians: Sequence[TechnicianDay],
    jobs: Sequence[JobToPlan],
    candidates: list[int],
    matrix: TravelMatrix,
    origin: dt.datetime,
) -> RoutingProblem:
    qualified = [set(_qualified(technicians, jobs[index])) for index in candidates]

    def offset(moment: dt.datetime) -> int:
        return max(0, int((moment - origin).total_seconds()))

    vehicles = [
        RoutingVehicle(
            start=2 * i,
            end=2 * i + 1,
            tw_early=offset(t.shift_start),
            tw_late=offset(t.shift_end),
            excluded_clients=frozenset(k for k, ok in enumerate(qualified) if i not in ok),
        )
        for i, t in enumerate(technicians)
    ]
    clients = [
        RoutingClient(
            location=2 * len(technicians) + index,
            service=jobs[index].duration_minutes * 60,
            tw_early=offset(start) if (start := jobs[index].window_start) else 0,
            tw_late=offset(end) if (end := jobs[index].window_end) else UNBOUNDED,
            prize=PRIZE_PER_PRIORITY * (1 + max(0, jobs[index].priority))
            + (LOCK_BONUS if jobs[index].locked_technician else 0),
            required=False,
        )
        for index in candidates
    ]
    return RoutingProblem(
        distance=matrix.seconds, duration=matrix.seconds, vehicles=vehicles, clients=clients
    )
