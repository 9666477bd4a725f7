"""A deterministic, realistic Quebec fibre ISP for the demo, the tests and the benchmarks.

Everything comes from one `random.Random(seed)` and dates relative to `today`, so the same
arguments give the same rows. Customers are generated and written a chunk at a time with bulk
Core inserts; the naming series are then moved past the names used, so the app continues them.
The caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.addresses.demo import seed_addresses
from gigafibre.billing.models import PaymentEntry, SalesInvoice, Subscription
from gigafibre.catalog.models import Item
from gigafibre.conversations.demo import seed_canned_replies
from gigafibre.customers.models import Customer, ServiceLocation, Tag
from gigafibre.demo import accounts, catalog_data, dispatch_board, field, support
from gigafibre.demo.people import Client, People
from gigafibre.demo.store import CatalogEntry, Context, quebec_today
from gigafibre.dispatch.models import DispatchJob, Technician
from gigafibre.equipment.models import ServiceEquipment
from gigafibre.network.demo import seed_network
from gigafibre.tickets.models import Communication, HDTicket

CHUNK = 2000  # customers generated, then written, at a time
SQLITE_CACHE_KIB = 262_144


class SeedError(ValueError):
    """Seeding would duplicate the demo (customers exist already) or makes no sense."""


@dataclass
class SeedReport:
    customers: int
    locations: int
    items: int
    technicians: int
    subscriptions: int
    invoices: int
    payments: int
    tickets: int
    communications: int
    equipment: int
    jobs: int

    def __str__(self) -> str:
        return "Seeded: " + ", ".join(f"{f.name} {getattr(self, f.name)}" for f in fields(self))


async def seed_demo(
    session: AsyncSession,
    *,
    customers: int = 2000,
    seed: int = 42,
    today: dt.date | None = None,
) -> SeedReport:
    """Fill a database that has no customers yet; flushes only, the caller commits."""
    if customers < 1:
        raise SeedError("The demo needs at least one customer.")
    if await session.scalar(select(Customer.id).limit(1)) is not None:
        raise SeedError("The database already holds customers; the demo is seeded only once.")
    ctx = Context.create(seed=seed, today=today or quebec_today())
    async with _large_sqlite_cache(session):
        return await _seed(session, ctx, customers)


async def _seed(session: AsyncSession, ctx: Context, customers: int) -> SeedReport:
    store = ctx.store
    await store.load(session)
    await _catalogue(ctx, session)
    people = People(ctx)
    board = field.Board(ctx, field.technicians(ctx, people))
    install_days = _install_days(ctx, customers)
    marie: field.Site | None = None
    installs: list[tuple[field.Site, dt.date]] = []
    recent: list[tuple[field.Site, dt.date]] = []
    pool: list[field.Site] = []
    for first in range(1, customers + 1, CHUNK):
        for number in range(first, min(first + CHUNK, customers + 1)):
            client = people.make(number, install_days.get(number))
            subs = accounts.subscriptions(ctx, client)
            accounts.bill(ctx, client, subs)
            support.maybe_ticket(ctx, client)
            field.equip(ctx, client, subs)
            site = _site(client)
            if number == 1:
                marie = site
            elif client.stage == "pending":
                installs.append((site, client.since))
            elif client.status == "active":
                pool.append(site)
                if client.stage == "new":
                    recent.append((site, client.since))
        await store.write(session)
    field.stock(ctx)
    field.schedule(ctx, board, marie=marie, installs=installs, recent=recent, pool=pool)
    await dispatch_board.fill_days(ctx, session, board, pool)
    await store.write(session)
    await store.finish(session)
    await seed_addresses(session, rng=ctx.rng)  # after the rest: it reads the locations
    await seed_network(session)  # OLTs, PON ports and ONUs behind the locations
    await seed_canned_replies(session)
    return SeedReport(
        customers=store.count(Customer),
        locations=store.count(ServiceLocation),
        items=store.count(Item),
        technicians=store.count(Technician),
        subscriptions=store.count(Subscription),
        invoices=store.count(SalesInvoice),
        payments=store.count(PaymentEntry),
        tickets=store.count(HDTicket),
        communications=store.count(Communication),
        equipment=store.count(ServiceEquipment),
        jobs=store.count(DispatchJob),
    )


@asynccontextmanager
async def _large_sqlite_cache(session: AsyncSession) -> AsyncIterator[None]:
    """A 256 MiB SQLite page cache while seeding, then the connection's own again.

    Search terms, emails and phones fill their indexes in random order; with the default 2 MiB
    cache a 50,000-customer seed spends a tenth of its time re-reading index pages.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    previous = int(await session.scalar(text("PRAGMA cache_size")) or -2000)
    await session.execute(text(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}"))
    try:
        yield
    finally:
        await session.execute(text(f"PRAGMA cache_size = {previous}"))


async def _catalogue(ctx: Context, session: AsyncSession) -> None:
    """The items and tags the demo needs, reusing any the database already has."""
    existing = {item.item_code: item for item in await session.scalars(select(Item))}
    for spec in catalog_data.ITEMS:
        found = existing.get(spec.item_code)
        if found is None:
            item_id = ctx.store.new_id(Item)
            ctx.store.add(
                Item,
                {
                    "id": item_id,
                    "item_code": spec.item_code,
                    "item_group": spec.item_group,
                    "name_fr": spec.name_fr,
                    "name_en": spec.name_en,
                    "description_fr": spec.description_fr,
                    "description_en": spec.description_en,
                    "price": spec.price,
                    "billing_interval": spec.billing_interval,
                    "taxable": True,
                    "download_mbps": spec.download_mbps,
                    "upload_mbps": spec.upload_mbps,
                    "active": True,
                    "created_at": ctx.now,
                    "updated_at": ctx.now,
                },
            )
            entry = CatalogEntry(
                item_id,
                spec.item_code,
                spec.price,
                spec.billing_interval,
                spec.name_fr,
                spec.name_en,
            )
        else:
            entry = CatalogEntry(
                found.id,
                found.item_code,
                found.price,
                found.billing_interval.value,
                found.name_fr,
                found.name_en,
            )
        ctx.items[spec.item_code] = ctx.items_by_id[entry.id] = entry
    tags = {tag.name: tag.id for tag in await session.scalars(select(Tag))}
    for name, color in catalog_data.TAGS:
        if name not in tags:
            tags[name] = ctx.store.new_id(Tag)
            ctx.store.add(Tag, {"id": tags[name], "name": name, "color": color})
    ctx.tags.update(tags)


def _install_days(ctx: Context, customers: int) -> dict[int, dt.date]:
    """Customers who signed up lately and get their fibre installed in the next days."""
    count = min(8, (customers - 1) // 40)
    days = [day for day, _count, _share in field.job_days(ctx.today)]
    chosen = sorted(ctx.rng.sample(range(2, customers + 1), count)) if count else []
    return {number: ctx.rng.choice(days) for number in chosen}


def _site(client: Client) -> field.Site:
    location = client.locations[0]
    return field.Site(client.id, location["id"], location["access_notes"], client.commercial)
