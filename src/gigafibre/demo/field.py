"""Technicians, the equipment at customers' homes and in stock, and the dispatch board.

Jobs go to a technician only when the technician has the skills, works that day and is free in
that window, so the board the demo opens on is one a dispatcher could have built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gigafibre.customers.normalize import fold
from gigafibre.demo import catalog_data, texts
from gigafibre.demo.catalog_data import EquipmentModel
from gigafibre.demo.people import Client, People
from gigafibre.demo.store import Context, Row, local_time
from gigafibre.dispatch.models import DispatchJob, Technician
from gigafibre.equipment.models import ServiceEquipment

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOTS = ((8, 10), (10, 12), (13, 15), (15, 17), (17, 19))
SERIAL_PREFIX = {"TP-Link": "22", "Eero": "GGC", "Amino": "AMN", "Grandstream": "GS"}


@dataclass(frozen=True)
class Tech:
    id: int
    skills: frozenset[str]
    shifts: dict[str, list[str]]

    def slots(self, day: dt.date) -> list[tuple[int, int]]:
        """The two-hour windows of `day` inside this technician's shift."""
        shift = self.shifts.get(WEEKDAYS[day.weekday()])
        if not shift:
            return []
        start, end = (int(value[:2]) + int(value[3:]) / 60 for value in shift)
        return [slot for slot in SLOTS if slot[0] >= start and slot[1] <= end]


@dataclass(frozen=True)
class Site:
    """A customer location a job can be sent to."""

    customer_id: int
    location_id: int
    notes: str
    commercial: bool


def technicians(ctx: Context, people: People) -> list[Tech]:
    store, made = ctx.store, []
    for full_name, skills, shifts, (base, lat, lon) in catalog_data.TECHNICIANS:
        tech_id = store.new_id(Technician)
        local = fold(full_name).replace(" ", ".")
        store.add(
            Technician,
            {
                "id": tech_id,
                "name": store.new_name(Technician),
                "full_name": full_name,
                "phone": people.phone(),
                "email": f"{local}@{catalog_data.STAFF_EMAIL_DOMAIN}",
                "skills": list(skills),
                "shifts": shifts,
                "home_base": base,
                "home_latitude": lat,
                "home_longitude": lon,
                "gps_device_id": f"trk-{tech_id:03d}",
                "active": True,
                "created_at": ctx.now,
                "updated_at": ctx.now,
            },
        )
        made.append(Tech(tech_id, frozenset(skills), shifts))
    return made


# -- equipment -------------------------------------------------------------------------------
def _unit(
    ctx: Context,
    model: EquipmentModel,
    client: Client | None,
    location: Row | None,
    *,
    status: str = "installed",
    installed: dt.datetime | None = None,
) -> None:
    rng, store = ctx.rng, ctx.store
    gpon = mac = None
    if model.equipment_type == "ont":
        gpon = ctx.unique(lambda: f"{model.prefix}{rng.getrandbits(32):08X}")
        serial = gpon
    else:
        mac = ctx.unique(
            lambda: model.prefix + ":{}{}:{}{}:{}{}".format(*f"{rng.getrandbits(24):06X}")
        )
        code = SERIAL_PREFIX.get(model.vendor, "SN")
        serial = ctx.unique(lambda: f"{code}{rng.randrange(10**11):011d}")
    created = installed or ctx.at(ctx.today - dt.timedelta(days=rng.randint(5, 60)), 10)
    store.add(
        ServiceEquipment,
        {
            "id": store.new_id(ServiceEquipment),
            "name": store.new_name(ServiceEquipment),
            "equipment_type": model.equipment_type,
            "vendor": model.vendor,
            "model": model.model,
            "serial_number": serial,
            "mac_address": mac,
            "gpon_serial": gpon,
            "status": status,
            "customer_id": client.id if client else None,
            "service_location_id": location["id"] if location else None,
            "installed_at": installed,
            "created_at": created,
            "updated_at": created,
        },
    )


def equip(ctx: Context, client: Client, subs: list[Row]) -> None:
    """An ONT per location, a router for most, and the boxes their services need."""
    if client.status == "inactive" or client.stage == "pending":
        return
    rng = ctx.rng
    for location in client.locations:
        installed = ctx.at(client.since, rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
        _unit(ctx, rng.choice(catalog_data.ONTS), client, location, installed=installed)
        if client.commercial or rng.random() < 0.8:
            _unit(ctx, rng.choice(catalog_data.ROUTERS), client, location, installed=installed)
        for sub in subs:
            if sub["service_location_id"] != location["id"]:
                continue
            extra = {
                "WIFI-MESH": catalog_data.MESH_NODE,
                "TV-BASE": catalog_data.SET_TOP_BOX,
                "PHONE": catalog_data.ATA,
            }.get(ctx.items_by_id[sub["item_id"]].code)
            if extra is not None:
                when = max(installed, ctx.at(sub["start_date"], 11))
                _unit(ctx, extra, client, location, installed=when)


def stock(ctx: Context) -> None:
    """Units on the warehouse shelves, plus a few returned or broken ones."""
    for models, count in catalog_data.STOCK:
        for _ in range(count):
            _unit(ctx, ctx.rng.choice(models), None, None, status="in_stock")
    for status in ("defective", "defective", "returned", "returned"):
        _unit(ctx, ctx.rng.choice(catalog_data.ONTS), None, None, status=status)


# -- dispatch --------------------------------------------------------------------------------
class Board:
    """Dispatch jobs, and who is busy when."""

    def __init__(self, ctx: Context, techs: list[Tech]) -> None:
        self.ctx = ctx
        self.techs = techs
        self.busy: set[tuple[int, dt.date, tuple[int, int]]] = set()
        self.load: dict[tuple[int, dt.date], int] = {}

    def assign(self, day: dt.date, skills: tuple[str, ...]) -> tuple[int | None, tuple[int, int]]:
        """The least busy technician with the skills and a free window on `day`; else nobody."""
        rng = self.ctx.rng
        best: tuple[int, float, Tech, list[tuple[int, int]]] | None = None
        for tech in self.techs:
            if not tech.skills.issuperset(skills):
                continue
            free = [slot for slot in tech.slots(day) if (tech.id, day, slot) not in self.busy]
            rank = (self.load.get((tech.id, day), 0), rng.random())
            if free and (best is None or rank < best[:2]):
                best = (*rank, tech, free)
        if best is None:
            return None, rng.choice(SLOTS[:4])
        tech, free = best[2], best[3]
        slot = rng.choice(free)
        self.busy.add((tech.id, day, slot))
        self.load[(tech.id, day)] = best[0] + 1
        return tech.id, slot

    def job(
        self,
        site: Site,
        kind: str,
        day: dt.date,
        *,
        done: bool,
        assign: bool,
        subject: str = "",
    ) -> None:
        rng, store = self.ctx.rng, self.ctx.store
        spec = texts.JOB_KINDS[kind]
        skills = spec.skills
        if site.commercial and kind in ("fibre_install", "site_survey"):
            skills = (*skills, "commercial")
        if assign or done:
            tech_id, slot = self.assign(day, skills)
            if tech_id is None and done:
                tech_id, slot = self.assign(day, ())
        else:
            tech_id, slot = None, rng.choice(SLOTS[:4])
        start = local_time(day, slot[0])
        minutes = spec.minutes + rng.choice((-15, 0, 0, 15, 30))
        status = "completed" if done else "assigned" if tech_id is not None else "open"
        subject = subject or rng.choice(spec.subjects)
        priority = rng.choices(("low", "normal", "high"), (2, 12, 2))[0]
        if "LOS" in subject or kind == "drop_replacement":
            priority = "high"
        created = min(start - dt.timedelta(days=rng.randint(1, 10)), self.ctx.now)
        finished = start + dt.timedelta(minutes=minutes + rng.randint(-10, 40)) if done else None
        store.add(
            DispatchJob,
            {
                "id": store.new_id(DispatchJob),
                "name": store.new_name(DispatchJob),
                "job_type": kind,
                "subject": subject,
                "customer_id": site.customer_id,
                "service_location_id": site.location_id,
                "technician_id": tech_id,
                "status": status,
                "priority": priority,
                "scheduled_date": day,
                "window_start": start,
                "window_end": local_time(day, slot[1]),
                "duration_minutes": minutes,
                "required_skills": list(skills),
                "notes": site.notes,
                "completed_at": finished,
                "created_at": created,
                "updated_at": finished or created,
            },
        )


def job_days(today: dt.date) -> list[tuple[dt.date, int, float]]:
    """Today and the next two days: (day, how many jobs, share assigned already)."""
    made = []
    for offset, assigned in enumerate((0.8, 0.6, 0.4)):
        day = today + dt.timedelta(days=offset)
        made.append((day, {5: 6, 6: 4}.get(day.weekday(), 9), assigned))
    return made


def schedule(
    ctx: Context,
    board: Board,
    *,
    marie: Site | None,
    installs: list[tuple[Site, dt.date]],
    recent: list[tuple[Site, dt.date]],
    pool: list[Site],
) -> None:
    """About 25 jobs for today and the next two days, and 60 done in the last three months."""
    rng = ctx.rng
    pool = pool or [site for site, _day in installs] or ([marie] if marie else [])
    if not pool:
        return
    kinds = tuple(texts.UPCOMING_KIND_WEIGHTS)
    weights = tuple(texts.UPCOMING_KIND_WEIGHTS.values())
    for index, (day, count, share) in enumerate(job_days(ctx.today)):
        if index == 0 and marie is not None:
            board.job(marie, texts.MARIE_EVE_JOB[0], day, done=False, assign=True,
                      subject=texts.MARIE_EVE_JOB[1])  # fmt: skip
            count -= 1
        for site, install_day in installs:
            if install_day == day:
                board.job(site, "fibre_install", day, done=False, assign=rng.random() < share)
                count -= 1
        for _ in range(max(count, 0)):
            kind = rng.choices(kinds, weights)[0]
            board.job(rng.choice(pool), kind, day, done=False, assign=rng.random() < share)
    done = 0
    for site, day in rng.sample(recent, min(len(recent), 25)):
        board.job(site, "fibre_install", day, done=True, assign=True)
        done += 1
    past = ("repair", "equipment_swap", "drop_replacement", "site_survey")
    while done < 60:
        day = ctx.today - dt.timedelta(days=rng.randint(1, 90))
        kind = rng.choices(past, (50, 20, 20, 10))[0]
        board.job(rng.choice(pool), kind, day, done=True, assign=True)
        done += 1
