"""Day optimiser on the Solomon VRPTW instances, beside VROOM, against the best-known distances.

    python bench/optimiser.py /work/shared/data/vrptw/solomon/*.txt --seconds 10

Both solvers get the same integer problem: Euclidean distances times `SCALE`, rounded for the
objective; travel times rounded up, so a schedule that is feasible in integers is feasible in
exact arithmetic too. Reported distances are recomputed in floating point from the routes (no
truncation), feasibility is checked independently (capacity, time windows, every customer once,
fleet size), and gaps are against `BKS.json`'s distance-only values (`<name>_distance`).
VROOM (pyvroom) runs at exploration level 5 on one thread, as PyVRP uses one, with the same
time limit. One JSON line per instance, then a summary line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import vroom  # type: ignore[import-untyped]

from gigafibre.dispatch.optimiser import (
    RoutingClient,
    RoutingProblem,
    RoutingVehicle,
    solve_routing,
)

SCALE = 1000
EPSILON = 1e-6


@dataclass(frozen=True)
class Instance:
    name: str
    vehicles: int
    capacity: int
    xy: list[tuple[float, float]]
    demand: list[int]
    ready: list[int]
    due: list[int]
    service: list[int]

    def euclid(self, i: int, j: int) -> float:
        return math.dist(self.xy[i], self.xy[j])


def read_solomon(path: Path) -> Instance:
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    name = lines[0][0]
    vehicle_row = next(i for i, row in enumerate(lines) if row[0] == "NUMBER") + 1
    vehicles, capacity = int(lines[vehicle_row][0]), int(lines[vehicle_row][1])
    rows = [row for row in lines if len(row) == 7 and all(_is_number(v) for v in row)]
    return Instance(
        name=name,
        vehicles=vehicles,
        capacity=capacity,
        xy=[(float(r[1]), float(r[2])) for r in rows],
        demand=[int(r[3]) for r in rows],
        ready=[int(r[4]) for r in rows],
        due=[int(r[5]) for r in rows],
        service=[int(r[6]) for r in rows],
    )


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def integer_matrices(inst: Instance) -> tuple[list[list[int]], list[list[int]]]:
    n = len(inst.xy)
    distance = [[round(inst.euclid(i, j) * SCALE) for j in range(n)] for i in range(n)]
    duration = [
        [math.ceil(inst.euclid(i, j) * SCALE - EPSILON) for j in range(n)] for i in range(n)
    ]
    return distance, duration


def routing_problem(inst: Instance) -> RoutingProblem:
    """Solomon as the optimiser core's problem: one depot, a capacitated fleet, hard windows."""
    distance, duration = integer_matrices(inst)
    return RoutingProblem(
        distance=distance,
        duration=duration,
        vehicles=[
            RoutingVehicle(
                start=0,
                end=0,
                tw_early=inst.ready[0] * SCALE,
                tw_late=inst.due[0] * SCALE,
                capacity=(inst.capacity,),
                count=inst.vehicles,
            )
        ],
        clients=[
            RoutingClient(
                location=i,
                service=inst.service[i] * SCALE,
                tw_early=inst.ready[i] * SCALE,
                tw_late=inst.due[i] * SCALE,
                demand=(inst.demand[i],),
            )
            for i in range(1, len(inst.xy))
        ],
    )


def solve_ours(inst: Instance, seconds: float, seed: int) -> list[list[int]]:
    solution = solve_routing(routing_problem(inst), seconds=seconds, seed=seed)
    return [[c + 1 for c in route.clients] for route in solution.routes]


def solve_vroom(inst: Instance, seconds: float) -> list[list[int]]:
    distance, duration = integer_matrices(inst)
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=duration)
    problem.set_costs_matrix(profile="car", matrix_input=distance)
    horizon = vroom.TimeWindow(inst.ready[0] * SCALE, inst.due[0] * SCALE)
    problem.add_vehicle(
        [
            vroom.Vehicle(k + 1, start=0, end=0, capacity=[inst.capacity], time_window=horizon)
            for k in range(inst.vehicles)
        ]
    )
    problem.add_job(
        [
            vroom.Job(
                i,
                location=i,
                default_service=inst.service[i] * SCALE,
                delivery=[inst.demand[i]],
                time_windows=[vroom.TimeWindow(inst.ready[i] * SCALE, inst.due[i] * SCALE)],
            )
            for i in range(1, len(inst.xy))
        ]
    )
    solution = problem.solve(
        exploration_level=5, nb_threads=1, timeout=dt.timedelta(seconds=seconds)
    )
    jobs = solution.routes[solution.routes["type"] == "job"]
    return [list(group["id"]) for _, group in jobs.groupby("vehicle_id", sort=False)]


def check(inst: Instance, routes: list[list[int]]) -> tuple[float, bool]:
    """Exact distance of the routes, and whether they satisfy every Solomon constraint."""
    feasible = len(routes) <= inst.vehicles
    visited = [c for route in routes for c in route]
    feasible &= sorted(visited) == list(range(1, len(inst.xy)))
    total = 0.0
    for route in routes:
        feasible &= sum(inst.demand[c] for c in route) <= inst.capacity
        clock, here = float(inst.ready[0]), 0
        for customer in [*route, 0]:
            leg = inst.euclid(here, customer)
            total += leg
            clock = max(clock + leg, inst.ready[customer])
            feasible &= clock <= inst.due[customer] + EPSILON
            clock += inst.service[customer]
            here = customer
    return total, feasible


def gap(distance: float, best: float) -> float:
    return round(100 * (distance - best) / best, 3) + 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-vroom", action="store_true")
    args = parser.parse_args()
    ours_gaps: list[float] = []
    vroom_gaps: list[float] = []
    worse_than_vroom: list[str] = []
    feasible_all = vroom_feasible_all = True
    for path in args.files:
        best_known = json.loads((path.parent / "BKS.json").read_text())
        inst = read_solomon(path)
        best = best_known[f"{inst.name}_distance"]["best_known_cost"]
        started = time.perf_counter()
        routes = solve_ours(inst, args.seconds, args.seed)
        elapsed = time.perf_counter() - started
        distance, feasible = check(inst, routes)
        ours_gaps.append(gap(distance, best))
        feasible_all &= feasible
        line: dict[str, object] = {
            "instance": inst.name,
            "distance": round(distance, 2),
            "vehicles": len(routes),
            "seconds": round(elapsed, 2),
            "feasible": feasible,
            "best_known": best,
            "gap_pct": ours_gaps[-1],
        }
        if not args.no_vroom:
            started = time.perf_counter()
            vroom_routes = solve_vroom(inst, args.seconds)
            vroom_elapsed = time.perf_counter() - started
            vroom_distance, vroom_feasible = check(inst, vroom_routes)
            vroom_gaps.append(gap(vroom_distance, best))
            vroom_feasible_all &= vroom_feasible
            if vroom_feasible and distance > vroom_distance + 0.005:
                worse_than_vroom.append(inst.name)
            line |= {
                "vroom_distance": round(vroom_distance, 2),
                "vroom_vehicles": len(vroom_routes),
                "vroom_seconds": round(vroom_elapsed, 2),
                "vroom_feasible": vroom_feasible,
                "vroom_gap_pct": vroom_gaps[-1],
            }
        print(json.dumps(line), flush=True)
    summary: dict[str, object] = {
        "summary": True,
        "instances": len(ours_gaps),
        "seconds_per_instance": args.seconds,
        "mean_gap_pct": round(statistics.mean(ours_gaps), 3),
        "max_gap_pct": max(ours_gaps),
        "all_feasible": feasible_all,
    }
    if vroom_gaps:
        summary |= {
            "vroom_mean_gap_pct": round(statistics.mean(vroom_gaps), 3),
            "worse_than_vroom": worse_than_vroom,
            "vroom_all_feasible": vroom_feasible_all,
        }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
