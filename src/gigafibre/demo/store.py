"""Rows waiting to be written, the ids and names they take, and what every generator shares.

Ids and names are handed out here, continuing whatever the database already holds, so rows can
refer to each other before they are written; rows are then written with bulk Core inserts in
foreign-key order, a chunk of customers at a time, which keeps 50,000 customers in memory-light,
fast executemany batches.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import ledger
from gigafibre.billing.models import (
    GLEntry,
    PaymentEntry,
    SalesInvoice,
    SalesInvoiceLine,
    Subscription,
)
from gigafibre.catalog.models import Item
from gigafibre.core.db import Base
from gigafibre.core.naming import Named, NamingSeries
from gigafibre.customers.models import (
    Customer,
    CustomerSearchTerm,
    ServiceLocation,
    Tag,
    TimelineEntry,
    customer_tag,
)
from gigafibre.dispatch.models import DispatchJob, Technician
from gigafibre.equipment.models import ServiceEquipment
from gigafibre.tickets.models import Communication, HDTicket

Row = dict[str, Any]
BATCH = 2000
LOCAL = ZoneInfo("America/Toronto")  # Québec keeps Eastern time

ORDER: tuple[type[Base] | Table, ...] = (
    Item,
    Tag,
    Technician,
    Customer,
    ServiceLocation,
    CustomerSearchTerm,
    customer_tag,
    TimelineEntry,
    Subscription,
    SalesInvoice,
    SalesInvoiceLine,
    PaymentEntry,
    HDTicket,
    Communication,
    ServiceEquipment,
    DispatchJob,
)
WITH_IDS: tuple[type[Base], ...] = (
    Item,
    Tag,
    Technician,
    Customer,
    ServiceLocation,
    Subscription,
    SalesInvoice,
    SalesInvoiceLine,
    PaymentEntry,
    HDTicket,
    Communication,
    ServiceEquipment,
    DispatchJob,
)


def table_of(target: type[Base] | Table) -> Table:
    return target if isinstance(target, Table) else cast(Table, target.__table__)


class Store:
    """Pending rows per table; ids and series numbers continue from what is already stored."""

    def __init__(self) -> None:
        self.pending: dict[Table, list[Row]] = {}
        self.vouchers: list[ledger.Voucher] = []
        self.created: Counter[Table] = Counter()
        self.last_id: dict[Table, int] = {}
        self.last_number: dict[str, int] = {}
        self.first_number: dict[str, int] = {}
        self.tables: dict[type[Base] | Table, Table] = {}

    async def load(self, session: AsyncSession) -> None:
        for model in WITH_IDS:
            table = table_of(model)
            self.last_id[table] = int(await session.scalar(select(func.max(table.c.id))) or 0)
        for prefix, current in await session.execute(
            select(NamingSeries.prefix, NamingSeries.current)
        ):
            self.last_number[prefix] = int(current)
        self.first_number = dict(self.last_number)

    def new_id(self, model: type[Base]) -> int:
        table = table_of(model)
        self.last_id[table] += 1
        return self.last_id[table]

    def new_name(self, model: type[Named]) -> str:
        prefix, digits = model.naming_series
        number = self.last_number.get(prefix, 0) + 1
        self.last_number[prefix] = number
        return f"{prefix}{number:0{digits}d}"

    def add(self, target: type[Base] | Table, row: Row) -> None:
        table = self.tables.get(target)
        if table is None:
            table = self.tables[target] = table_of(target)
        self.pending.setdefault(table, []).append(row)
        self.created[table] += 1

    def count(self, target: type[Base] | Table) -> int:
        return self.created[table_of(target)]

    async def write(self, session: AsyncSession) -> None:
        """Insert everything pending, parents first, then the ledger postings; forget it all."""
        for target in ORDER:
            rows = self.pending.pop(table_of(target), [])
            for start in range(0, len(rows), BATCH):
                await session.execute(insert(table_of(target)), rows[start : start + BATCH])
        if self.pending:
            raise RuntimeError(f"no insert order for {sorted(t.name for t in self.pending)}")
        postings = _postings(self.vouchers)
        self.vouchers.clear()
        for start in range(0, len(postings), BATCH):
            await session.execute(insert(table_of(GLEntry)), postings[start : start + BATCH])

    async def finish(self, session: AsyncSession) -> None:
        """Move the naming series past the names used, and PostgreSQL sequences past the ids."""
        dialect = session.get_bind().dialect.name
        upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for prefix, current in sorted(self.last_number.items()):
            if current == self.first_number.get(prefix):
                continue
            statement = upsert(NamingSeries).values(prefix=prefix, current=current)
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[NamingSeries.prefix], set_={"current": current}
                )
            )
        if dialect == "postgresql":
            for model in WITH_IDS:
                table = table_of(model)
                if self.created[table]:
                    await session.execute(
                        text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                        {"table": table.name, "last": self.last_id[table]},
                    )
        await session.flush()


def _postings(vouchers: list[ledger.Voucher]) -> list[Row]:
    """The rows `ledger.post` writes, for a Core insert: its ORM bulk path costs three times
    as much a row, and the seed writes about twenty postings a customer."""
    rows = []
    for voucher in vouchers:
        ledger.check_balanced(voucher)
        rows += [
            {
                "posting_date": voucher.posting_date,
                "account": posting.account,
                "debit": posting.debit,
                "credit": posting.credit,
                "voucher_type": voucher.voucher_type,
                "voucher_name": voucher.voucher_name,
                "customer_id": voucher.customer_id,
            }
            for posting in voucher.postings
            if posting.debit or posting.credit
        ]
    return rows


@dataclass(frozen=True)
class CatalogEntry:
    id: int
    code: str
    price: Decimal
    interval: str
    name_fr: str
    name_en: str

    def label(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_fr


@dataclass
class Context:
    """The one random generator, the clock the data is relative to, and shared lookups."""

    rng: random.Random
    today: dt.date
    now: dt.datetime
    store: Store = field(default_factory=Store)
    taken: set[str] = field(default_factory=set)
    items: dict[str, CatalogEntry] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    items_by_id: dict[int, CatalogEntry] = field(default_factory=dict)

    @classmethod
    def create(cls, *, seed: int, today: dt.date) -> Context:
        """`now` is the start of `today` in Québec, not the clock: same arguments, same rows."""
        midnight = dt.datetime.combine(today, dt.time(0), tzinfo=LOCAL).astimezone(dt.UTC)
        return cls(rng=random.Random(seed), today=today, now=midnight)

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """A local wall-clock time on `day`, in UTC, never after `now` (for past events)."""
        return min(local_time(day, hour, minute), self.now)

    def unique(self, make: Callable[[], str]) -> str:
        """Draw until the value was never handed out (phones, emails, serials, MACs, refs)."""
        while True:
            value = make()
            if value not in self.taken:
                self.taken.add(value)
                return value


def local_time(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """Québec wall-clock time on `day` (from 3 a.m., after any DST change), in UTC."""
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)
    return moment - _utc_offset(day)


@cache
def _utc_offset(day: dt.date) -> dt.timedelta:
    offset = dt.datetime(day.year, day.month, day.day, 12, tzinfo=LOCAL).utcoffset()
    return offset or dt.timedelta()


def quebec_today() -> dt.date:
    """Today's date in Québec, whatever the server's time zone."""
    return dt.datetime.now(LOCAL).date()
