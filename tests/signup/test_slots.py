"""Installation slots from shifts, planned jobs, travel and holds; the 15-minute hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from gigafibre.catalog.models import Lead, Quotation
from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError
from gigafibre.dispatch.models import DispatchJob, JobStatus, Technician
from gigafibre.dispatch.travel import HaversineTravel, Point, TravelMatrix
from gigafibre.signup import slots
from gigafibre.signup.models import SignupOrder
from tests.conftest import TransactionalDatabase
from tests.signup.conftest import FIBRE_ADDRESS, World

TRAVEL = HaversineTravel()


class FixedTravel:
    """Every trip between two different points takes `minutes`."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes

    async def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        n = len(points)
        seconds = [[0 if i == j else self.minutes * 60 for j in range(n)] for i in range(n)]
        return TravelMatrix(seconds=seconds, meters=[[0] * n for _ in range(n)])


def today_at_ten() -> dt.datetime:
    """A fixed time of day: the 15- and 20-minute steps below never cross local midnight."""
    day = utcnow().astimezone(slots.LOCAL_TZ).date()
    return dt.datetime.combine(day, dt.time(10), slots.LOCAL_TZ).astimezone(dt.UTC)


def morning(days: int = 1) -> dt.datetime:
    day = (utcnow().astimezone(slots.LOCAL_TZ) + dt.timedelta(days=days)).date()
    return dt.datetime.combine(day, dt.time(8), slots.LOCAL_TZ).astimezone(dt.UTC)


async def fake_order(session, world: World, name: str) -> SignupOrder:  # type: ignore[no-untyped-def]
    lead = Lead(name=f"LEAD-{name}", full_name=name)
    session.add(lead)
    await session.flush()
    quotation = Quotation(name=f"QTN-{name}", lead_id=lead.id)
    session.add(quotation)
    await session.flush()
    order = SignupOrder(
        name=f"ORD-{name}",
        lead_id=lead.id,
        quotation_id=quotation.id,
        civic_number="742",
        street="rue des Signups",
        city="Québec",
        postal_code="G1R 2B5",
        latitude=FIBRE_ADDRESS[0],
        longitude=FIBRE_ADDRESS[1],
    )
    session.add(order)
    await session.flush()
    return order


async def test_slots_follow_the_shift_and_the_travel_from_home(
    tx_database: TransactionalDatabase, world: World
) -> None:
    async with tx_database.unit_of_work() as session:
        found = await slots.available_slots(
            session, FIBRE_ADDRESS, days=2, travel=FixedTravel(30), duration_minutes=150
        )
    first = morning()
    tomorrow = [
        s
        for s in found
        if s.start.astimezone(slots.LOCAL_TZ).date() == first.astimezone(slots.LOCAL_TZ).date()
    ]
    # 08:00 is not reachable (30 min from home); 09:00 .. 14:00 fit before 16:30
    assert [s.start for s in tomorrow] == [first + dt.timedelta(hours=h) for h in range(1, 7)]
    assert all(s.end - s.start == dt.timedelta(minutes=150) for s in found)
    assert {s.technician for s in found} == {world.technician}


async def test_a_planned_job_blocks_the_slots_around_it(
    tx_database: TransactionalDatabase, world: World
) -> None:
    first = morning()
    async with tx_database.unit_of_work() as session:
        tech = await session.scalar(select(Technician).where(Technician.name == world.technician))
        assert tech is not None
        session.add(
            DispatchJob(
                name="DJ-SLOT01",
                job_type="repair",
                technician_id=tech.id,
                status=JobStatus.assigned,
                scheduled_date=first.astimezone(slots.LOCAL_TZ).date(),
                window_start=first + dt.timedelta(hours=4),  # 12:00 - 13:00
                window_end=first + dt.timedelta(hours=5),
                duration_minutes=60,
            )
        )
        await session.flush()
        found = await slots.available_slots(
            session, FIBRE_ADDRESS, days=1, travel=FixedTravel(30), duration_minutes=150
        )
    starts = [s.start for s in found]
    # the job has no map position, so no travel around it: 09:00 ends 11:30 and fits, 10:00 and
    # 11:00 overlap it, 13:00 and 14:00 follow it
    assert starts == [first + dt.timedelta(hours=h) for h in (1, 5, 6)]


async def test_a_hold_keeps_a_slot_for_15_minutes_then_frees_it(
    tx_database: TransactionalDatabase, world: World
) -> None:
    now = today_at_ten()
    async with tx_database.unit_of_work() as session:
        first_order = await fake_order(session, world, "A")
        second_order = await fake_order(session, world, "B")
        offered = await slots.available_slots(
            session, FIBRE_ADDRESS, days=1, travel=TRAVEL, now=now
        )
        wanted = offered[0].start
        hold = await slots.hold_slot(
            session, order=first_order, start=wanted, days=1, travel=TRAVEL, now=now
        )
        assert hold.expires_at == now + dt.timedelta(minutes=15)
        later = now + dt.timedelta(minutes=14)
        still = await slots.available_slots(
            session, FIBRE_ADDRESS, days=1, travel=TRAVEL, now=later
        )
        assert wanted not in [s.start for s in still]
        with pytest.raises(ConflictError):
            await slots.hold_slot(
                session, order=second_order, start=wanted, days=1, travel=TRAVEL, now=later
            )
        expired = now + dt.timedelta(minutes=16)
        freed = await slots.available_slots(
            session, FIBRE_ADDRESS, days=1, travel=TRAVEL, now=expired
        )
        assert wanted in [s.start for s in freed]
        taken = await slots.hold_slot(
            session, order=second_order, start=wanted, days=1, travel=TRAVEL, now=expired
        )
        assert taken.start == wanted


async def test_payment_confirms_an_expired_hold_only_if_nobody_took_the_time(
    tx_database: TransactionalDatabase, world: World
) -> None:
    now = today_at_ten()
    async with tx_database.unit_of_work() as session:
        late = await fake_order(session, world, "L")
        rival = await fake_order(session, world, "R")
        lost = await fake_order(session, world, "X")
        offered = await slots.available_slots(
            session, FIBRE_ADDRESS, days=1, travel=TRAVEL, now=now
        )
        first, second = offered[0].start, offered[3].start
        await slots.hold_slot(session, order=late, start=first, days=1, travel=TRAVEL, now=now)
        await slots.hold_slot(session, order=lost, start=second, days=1, travel=TRAVEL, now=now)
        after = now + dt.timedelta(minutes=20)
        await slots.hold_slot(session, order=rival, start=second, days=1, travel=TRAVEL, now=after)
        jobs = []
        for name in ("DJ-LATE01", "DJ-LOST01"):
            job = DispatchJob(name=name, job_type="fibre_install", duration_minutes=150)
            session.add(job)
            jobs.append(job)
        await session.flush()
        confirmed = await slots.confirm_hold(
            session, order=late, job=jobs[0], travel=TRAVEL, now=after
        )
        assert confirmed is not None
        assert jobs[0].window_start == first
        assert jobs[0].status is JobStatus.assigned
        missed = await slots.confirm_hold(
            session, order=lost, job=jobs[1], travel=TRAVEL, now=after
        )
        assert missed is None
        assert jobs[1].window_start is None
