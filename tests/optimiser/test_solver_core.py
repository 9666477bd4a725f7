"""The solver core on a small Solomon-like VRPTW: it finds the optimum a brute force finds."""

from __future__ import annotations

import itertools
import math

import pytest

from gigafibre.dispatch import optimiser
from gigafibre.dispatch.optimiser import (
    RoutingClient,
    RoutingProblem,
    RoutingSolution,
    RoutingVehicle,
    solve_routing,
)

# depot then six customers: (x, y, demand, ready, due, service), Solomon's layout.
SITES = [
    (40, 50, 0, 0, 400, 0),
    (45, 68, 10, 0, 120, 10),
    (42, 66, 10, 30, 200, 10),
    (20, 50, 20, 0, 300, 10),
    (25, 30, 10, 100, 250, 10),
    (60, 40, 20, 0, 150, 10),
    (55, 20, 10, 50, 300, 10),
]
CAPACITY = 40
VEHICLES = 3


def euclid(i: int, j: int) -> float:
    return math.dist(SITES[i][:2], SITES[j][:2])


def route_cost(route: tuple[int, ...]) -> float | None:
    """Distance of a depot-to-depot route, or None when it breaks capacity or a window."""
    if sum(SITES[c][2] for c in route) > CAPACITY:
        return None
    clock, here, total = 0.0, 0, 0.0
    for stop in (*route, 0):
        total += euclid(here, stop)
        clock = max(clock + euclid(here, stop), SITES[stop][3])
        if clock > SITES[stop][4]:
            return None
        clock += SITES[stop][5]
        here = stop
    return total


def brute_force() -> float:
    best = math.inf
    customers = range(1, len(SITES))
    for labels in itertools.product(range(VEHICLES), repeat=len(SITES) - 1):
        groups = [[c for c, v in zip(customers, labels, strict=True) if v == k] for k in range(3)]
        total = 0.0
        for group in groups:
            options = [route_cost(p) for p in itertools.permutations(group)]
            feasible = [c for c in options if c is not None]
            if not feasible:
                break
            total += min(feasible)
        else:
            best = min(best, total)
    return best


def problem(scale: int = 1000) -> RoutingProblem:
    size = len(SITES)
    return RoutingProblem(
        distance=[[round(euclid(i, j) * scale) for j in range(size)] for i in range(size)],
        duration=[[math.ceil(euclid(i, j) * scale) for j in range(size)] for i in range(size)],
        vehicles=[
            RoutingVehicle(
                start=0, end=0, tw_late=SITES[0][4] * scale, capacity=(CAPACITY,), count=VEHICLES
            )
        ],
        clients=[
            RoutingClient(
                location=i,
                service=SITES[i][5] * scale,
                tw_early=SITES[i][3] * scale,
                tw_late=SITES[i][4] * scale,
                demand=(SITES[i][2],),
            )
            for i in range(1, size)
        ],
    )


def exact_cost(solution: RoutingSolution) -> float:
    total = 0.0
    for route in solution.routes:
        cost = route_cost(tuple(c + 1 for c in route.clients))
        assert cost is not None
        total += cost
    return total


def test_the_core_matches_the_brute_force_optimum() -> None:
    solution = solve_routing(problem(), seconds=5, seed=1, no_improvement=2_000)
    assert solution.feasible
    assert solution.unplanned == []
    served = sorted(c for route in solution.routes for c in route.clients)
    assert served == list(range(len(SITES) - 1))
    assert exact_cost(solution) == pytest.approx(brute_force(), abs=1e-3)


def test_excluded_clients_are_never_served_by_that_vehicle() -> None:
    base = problem()
    vehicles = [
        RoutingVehicle(start=0, end=0, tw_late=400_000, capacity=(CAPACITY,), count=2),
        RoutingVehicle(
            start=0,
            end=0,
            tw_late=400_000,
            capacity=(CAPACITY,),
            excluded_clients=frozenset({0, 1, 2, 3}),
        ),
    ]
    restricted = RoutingProblem(base.distance, base.duration, vehicles, base.clients)
    solution = solve_routing(restricted, seconds=5, seed=1, no_improvement=2_000)
    assert solution.feasible
    for route in solution.routes:
        if route.vehicle == 1:
            assert set(route.clients) <= {4, 5}


def test_the_multi_start_path_finds_the_optimum_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(optimiser, "MULTI_START_MIN_CLIENTS", 1)
    solution = solve_routing(problem(), seconds=5, seed=2, no_improvement=1_000)
    assert solution.feasible
    assert exact_cost(solution) == pytest.approx(brute_force(), abs=1e-3)
