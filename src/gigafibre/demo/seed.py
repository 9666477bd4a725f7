"""A deterministic, realistic Quebec fibre ISP for the demo, the tests and the benchmarks.

Everything comes from one `random.Random(seed)`, so the same arguments give the same data.
Rows go in with bulk Core inserts and explicit ids (the database must be empty), then the naming
series are moved past the names used, so the app continues them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import ledger
from gigafibre.billing.models import (
    InvoiceStatus,
    PaymentEntry,
    PaymentMode,
    SalesInvoice,
    SalesInvoiceLine,
    Subscription,
)
from gigafibre.catalog.models import Item
from gigafibre.core.db import utcnow
from gigafibre.core.money import quebec_taxes
from gigafibre.core.naming import NamingSeries
from gigafibre.customers.models import (
    Customer,
    CustomerSearchTerm,
    ServiceLocation,
    Tag,
    TimelineEntry,
    customer_tag,
)
from gigafibre.customers.normalize import search_terms
from gigafibre.demo import catalog_data, places
from gigafibre.dispatch.models import DispatchJob, Technician
from gigafibre.equipment.models import ServiceEquipment
from gigafibre.tickets.models import Communication, HDTicket

BATCH = 2000
Row = dict[str, Any]
Made = list[tuple[Row, list[Row]]]
LOCAL = ZoneInfo("America/Toronto")


class SeedError(ValueError):
    """The database already holds customers: seeding twice would duplicate the demo."""


@dataclass
class SeedReport:
    customers: int = 0
    locations: int = 0
    items: int = 0
    technicians: int = 0
    subscriptions: int = 0
    invoices: int = 0
    payments: int = 0
    tickets: int = 0
    communications: int = 0
    equipment: int = 0
    jobs: int = 0

    def __str__(self) -> str:
        return "Seeded: " + ", ".join(f"{f.name} {getattr(self, f.name)}" for f in fields(self))


class _Rows:
    """Rows per table, inserted in dependency order at the end."""

    def __init__(self) -> None:
        self.tables: dict[Any, list[dict[str, Any]]] = {}

    def add(self, table: Any, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)

    def count(self, table: Any) -> int:
        return len(self.tables.get(table, []))


async def _insert(session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        await session.execute(insert(table), rows[start : start + BATCH])


def _name(prefix: str, digits: int, number: int) -> str:
    return f"{prefix}{number:0{digits}d}"


class DemoGenerator:
    def __init__(self, *, customers: int, seed: int, today: dt.date) -> None:
        self.random = random.Random(seed)
        self.customers = customers
        self.today = today
        self.now = utcnow()
        self.rows = _Rows()
        self.phones: set[str] = set()
        self.emails: set[str] = set()
        self.serials: set[str] = set()
        self.onus: dict[tuple[str, str], int] = {}
        self.items: dict[str, dict[str, Any]] = {}

    # -- identities --------------------------------------------------------------------------
    def phone(self) -> str:
        while True:
            area = self.random.choice(("418", "418", "418", "581"))
            exchange = self.random.randint(200, 999)
            if exchange == 555 or exchange % 100 == 11:
                continue
            number = f"+1{area}{exchange}{self.random.randint(0, 9999):04d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def email(self, first: str, last: str) -> str:
        from gigafibre.customers.normalize import fold

        local = fold(f"{first}.{last}").replace(" ", "").replace("'", "")
        domain = self.random.choice(places.EMAIL_DOMAINS)
        address = f"{local}@{domain}"
        number = 2
        while address in self.emails:
            address = f"{local}{number}@{domain}"
            number += 1
        self.emails.add(address)
        return address

    def serial(self, prefix: str, length: int, alphabet: str = "0123456789ABCDEF") -> str:
        while True:
            value = prefix + "".join(self.random.choice(alphabet) for _ in range(length))
            if value not in self.serials:
                self.serials.add(value)
                return value

    def mac(self, oui: str) -> str:
        while True:
            tail = ":".join(f"{self.random.randint(0, 255):02X}" for _ in range(3))
            value = f"{oui}:{tail}"
            if value not in self.serials:
                self.serials.add(value)
                return value

    # -- catalogue and staff -----------------------------------------------------------------
    def catalogue(self) -> None:
        for number, item in enumerate(catalog_data.ITEMS, start=1):
            row = {"id": number, **item, "created_at": self.now, "updated_at": self.now}
            self.rows.add(Item, row)
            self.items[item["item_code"]] = row

    def technicians(self) -> None:
        for number, tech in enumerate(catalog_data.TECHNICIANS, start=1):
            self.rows.add(
                Technician,
                {
                    "id": number,
                    "name": _name("TECH-", 4, number),
                    **tech,
                    "phone": self.phone(),
                    "created_at": self.now,
                    "updated_at": self.now,
                },
            )

    def tags(self) -> list[int]:
        for number, (name, color) in enumerate(catalog_data.TAGS, start=1):
            self.rows.add(Tag, {"id": number, "name": name, "color": color})
        return list(range(1, len(catalog_data.TAGS) + 1))

    # -- customers ---------------------------------------------------------------------------
    def person(self, number: int) -> tuple[str, str, str, str, str]:
        """(customer name, type, language, email, phone)."""
        if number == 1:
            return (
                "Marie-Ève Tremblay",
                "residential",
                "fr",
                "marie-eve.tremblay@example.ca",
                "+14185550123",
            )
        draw = self.random.random()
        if draw < 0.08:
            kind = self.random.choice(places.BUSINESS_KINDS)
            owner = self.random.choice(places.FRENCH_LAST)
            suffix = self.random.choice(places.BUSINESS_SUFFIXES)
            name = f"{kind} {owner} {suffix}".strip()
            email = self.email("info", f"{owner}{number}")
            return name, "commercial", "fr", email, self.phone()
        english = draw > 0.85
        first = self.random.choice(places.ENGLISH_FIRST if english else places.FRENCH_FIRST)
        last = self.random.choice(places.ENGLISH_LAST if english else places.FRENCH_LAST)
        language = "en" if english and self.random.random() < 0.8 else "fr"
        return f"{first} {last}", "residential", language, self.email(first, last), self.phone()

    def location(self, number: int, customer_id: int, location_id: int) -> dict[str, Any]:
        if number == 1:
            town, civic, street, unit, postal = (
                places.TOWNS[0],
                "12",
                "rue Saint-Jean",
                "",
                "G1R 1N8",
            )
        else:
            town = self.random.choices(places.TOWNS, [t.weight for t in places.TOWNS])[0]
            civic = str(self.random.randint(1, 3999))
            street = self.random.choice(town.streets)
            unit = str(self.random.randint(1, 12)) if self.random.random() < 0.18 else ""
            letters = "ABCEGHJKLMNPRSTVWXYZ"
            postal = (
                f"{self.random.choice(town.fsas)} {self.random.randint(1, 9)}"
                f"{self.random.choice(letters)}{self.random.randint(0, 9)}"
            )
        olt = f"OLT-QC-{self.random.randint(1, 6):02d}"
        port = f"0/{self.random.randint(1, 16)}/{self.random.randint(1, 16)}"
        onu = self.onus.get((olt, port), 0) + 1
        self.onus[(olt, port)] = onu
        notes = self.random.choice(places.ACCESS_NOTES) if self.random.random() < 0.12 else ""
        return {
            "id": location_id,
            "name": _name("LOC-", 6, location_id),
            "customer_id": customer_id,
            "civic_number": civic,
            "street": street,
            "unit": unit,
            "city": town.name,
            "province": "QC",
            "postal_code": postal,
            "latitude": round(self.random.uniform(town.south, town.north), 6),
            "longitude": round(self.random.uniform(town.west, town.east), 6),
            "olt_name": olt,
            "pon_port": port,
            "onu_id": onu if onu <= 128 else None,
            "access_notes": notes,
            "created_at": self.now,
            "updated_at": self.now,
        }

    def customers_and_locations(self, tag_ids: list[int]) -> Made:
        made: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        location_id = 0
        for number in range(1, self.customers + 1):
            name, kind, language, email, phone = self.person(number)
            status = "active"
            if number > 1:
                status = self.random.choices(("active", "suspended", "inactive"), (94, 2, 4))[0]
            created = self.now - dt.timedelta(days=self.random.randint(30, 1100))
            customer = {
                "id": number,
                "name": _name("C-", 6, number),
                "customer_name": name,
                "customer_type": kind,
                "status": status,
                "language": language,
                "email": email,
                "phone": phone,
                "billing_day": 1 if number == 1 else self.random.randint(1, 28),
                "notes": "",
                "created_at": created,
                "updated_at": created,
            }
            self.rows.add(Customer, customer)
            locations = []
            for _ in range(2 if kind == "commercial" and self.random.random() < 0.3 else 1):
                location_id += 1
                location = self.location(number, number, location_id)
                self.rows.add(ServiceLocation, location)
                locations.append(location)
            terms = search_terms(
                name=str(customer["name"]),
                customer_name=name,
                email=email,
                phone=phone,
                addresses=[
                    (
                        f"{loc['unit'] + '-' if loc['unit'] else ''}{loc['civic_number']} "
                        f"{loc['street']}",
                        loc["city"],
                        loc["postal_code"],
                    )
                    for loc in locations
                ],
            )
            for term in sorted(terms):
                self.rows.add(CustomerSearchTerm, {"term": term, "customer_id": number})
            if kind == "commercial":
                self.rows.add(customer_tag, {"customer_id": number, "tag_id": tag_ids[1]})
            elif self.random.random() < 0.06:
                tag = self.random.choice([tag for tag in tag_ids if tag != tag_ids[1]])
                self.rows.add(customer_tag, {"customer_id": number, "tag_id": tag})
            self.rows.add(
                TimelineEntry,
                {
                    "customer_id": number,
                    "kind": "customer.created",
                    "summary": "",
                    "actor": "demo",
                    "reference": "",
                    "created_at": created,
                },
            )
            made.append((customer, locations))
        return made

    # -- services and money ------------------------------------------------------------------
    def subscriptions(self, made: Made) -> dict[int, list[Row]]:
        by_customer: dict[int, list[dict[str, Any]]] = {}
        plans = ("FIBRE-100", "FIBRE-500", "FIBRE-1000", "FIBRE-1500")
        number = 0
        for customer, locations in made:
            if customer["status"] == "inactive":
                continue
            codes = [self.random.choices(plans, (12, 40, 36, 12))[0]]
            if customer["id"] == 1:
                codes = ["FIBRE-1000", "PHONE"]
            else:
                codes += [
                    code
                    for code, odds in (("PHONE", 0.25), ("TV-BASE", 0.2), ("WIFI-MESH", 0.15))
                    if self.random.random() < odds
                ]
            start = self.today - dt.timedelta(days=self.random.randint(95, 1095))
            for code in codes:
                number += 1
                item = self.items[code]
                row = {
                    "id": number,
                    "name": _name("SUB-", 6, number),
                    "customer_id": customer["id"],
                    "service_location_id": locations[0]["id"],
                    "item_id": item["id"],
                    "qty": 1,
                    "rate": item["price"],
                    "status": "paused" if customer["status"] == "suspended" else "active",
                    "start_date": start,
                    "end_date": None,
                    "created_at": self.now,
                    "updated_at": self.now,
                }
                self.rows.add(Subscription, row)
                by_customer.setdefault(customer["id"], []).append(row)
        return by_customer

    def periods(self, billing_day: int) -> list[dt.date]:
        """The last three period starts on or before today."""
        start = (
            self.today.replace(day=billing_day)
            if billing_day <= self.today.day
            else ((self.today - relativedelta(months=1)).replace(day=billing_day))
        )
        return [start - relativedelta(months=back) for back in (2, 1, 0)]

    def invoices(self, made: Made, subs: dict[int, list[Row]]) -> None:
        invoice_id = line_id = payment_id = 0
        for customer, _locations in made:
            lines = subs.get(customer["id"])
            if not lines:
                continue
            late_payer = customer["status"] == "suspended" or self.random.random() < 0.05
            for period_start in self.periods(customer["billing_day"]):
                invoice_id += 1
                subtotal = sum((sub["rate"] * sub["qty"] for sub in lines), Decimal(0))
                gst, qst = quebec_taxes(subtotal)
                total = subtotal + gst + qst
                due = period_start + dt.timedelta(days=21)
                recent = period_start > self.today - dt.timedelta(days=25)
                paid = total
                if late_payer and recent:
                    paid = Decimal(0)
                elif late_payer and self.random.random() < 0.3:
                    paid = (total / 2).quantize(Decimal("0.01"))
                outstanding = total - paid
                status = (
                    InvoiceStatus.paid
                    if outstanding == 0
                    else InvoiceStatus.partly_paid
                    if paid > 0
                    else InvoiceStatus.overdue
                    if due < self.today
                    else InvoiceStatus.unpaid
                )
                posted = dt.datetime.combine(period_start, dt.time(6), tzinfo=LOCAL)
                self.rows.add(
                    SalesInvoice,
                    {
                        "id": invoice_id,
                        "name": _name("INV-", 7, invoice_id),
                        "customer_id": customer["id"],
                        "status": status.value,
                        "posting_date": period_start,
                        "due_date": due,
                        "period_start": period_start,
                        "period_end": period_start + relativedelta(months=1) - dt.timedelta(days=1),
                        "currency": "CAD",
                        "subtotal": subtotal,
                        "taxable_subtotal": subtotal,
                        "gst": gst,
                        "qst": qst,
                        "total": total,
                        "outstanding_amount": outstanding,
                        "created_at": posted,
                        "updated_at": posted,
                    },
                )
                for sub in lines:
                    line_id += 1
                    item = next(i for i in self.items.values() if i["id"] == sub["item_id"])
                    self.rows.add(
                        SalesInvoiceLine,
                        {
                            "id": line_id,
                            "invoice_id": invoice_id,
                            "item_id": sub["item_id"],
                            "subscription_id": sub["id"],
                            "description": item["name_fr"],
                            "qty": sub["qty"],
                            "rate": sub["rate"],
                            "amount": sub["rate"] * sub["qty"],
                            "taxable": True,
                        },
                    )
                if paid > 0:
                    payment_id += 1
                    mode = self.random.choices(
                        (
                            PaymentMode.preauthorized,
                            PaymentMode.card,
                            PaymentMode.interac,
                            PaymentMode.cheque,
                        ),
                        (60, 28, 9, 3),
                    )[0]
                    paid_on = min(due - dt.timedelta(days=self.random.randint(0, 14)), self.today)
                    reference = (
                        f"pi_demo_{payment_id:08d}"
                        if mode in (PaymentMode.preauthorized, PaymentMode.card)
                        else None
                    )
                    self.rows.add(
                        PaymentEntry,
                        {
                            "id": payment_id,
                            "name": _name("PE-", 7, payment_id),
                            "customer_id": customer["id"],
                            "invoice_id": invoice_id,
                            "posting_date": paid_on,
                            "amount": paid,
                            "mode": mode.value,
                            "reference": reference,
                            "created_at": self.now,
                            "updated_at": self.now,
                        },
                    )

    # -- support, equipment, field work ------------------------------------------------------
    def tickets(self, made: Made) -> None:
        ticket_id = message_id = 0
        for customer, _locations in made:
            if customer["id"] != 1 and self.random.random() > 0.03:
                continue
            ticket_id += 1
            channel = self.random.choice(("sms", "email", "web", "phone"))
            opened = self.now - dt.timedelta(hours=self.random.randint(1, 24 * 60))
            status = self.random.choices(("open", "replied", "resolved", "closed"), (3, 2, 3, 4))[0]
            self.rows.add(
                HDTicket,
                {
                    "id": ticket_id,
                    "name": _name("TKT-", 6, ticket_id),
                    "customer_id": customer["id"],
                    "subject": self.random.choice(places.TICKET_SUBJECTS),
                    "status": status,
                    "priority": self.random.choices(
                        ("low", "medium", "high", "urgent"), (3, 6, 2, 1)
                    )[0],
                    "channel": channel,
                    "assignee": None,
                    "opened_at": opened,
                    "first_responded_at": opened + dt.timedelta(minutes=47)
                    if status != "open"
                    else None,
                    "resolved_at": opened + dt.timedelta(hours=20)
                    if status in ("resolved", "closed")
                    else None,
                    "created_at": opened,
                    "updated_at": opened,
                },
            )
            contact = customer["phone"] if channel in ("sms", "phone") else customer["email"]
            for turn in range(self.random.randint(1, 4)):
                message_id += 1
                inbound = turn % 2 == 0
                texts = places.CUSTOMER_MESSAGES if inbound else places.AGENT_REPLIES
                self.rows.add(
                    Communication,
                    {
                        "id": message_id,
                        "name": _name("COM-", 7, message_id),
                        "customer_id": customer["id"],
                        "ticket_id": ticket_id,
                        "channel": channel,
                        "direction": "inbound" if inbound else "outbound",
                        "sender": contact if inbound else "soutien@gigafibre.ca",
                        "recipient": "soutien@gigafibre.ca" if inbound else contact,
                        "subject": "",
                        "content": self.random.choice(texts),
                        "status": "received" if inbound else "delivered",
                        "created_at": opened + dt.timedelta(minutes=40 * turn),
                    },
                )

    def equipment(self, made: Made) -> None:
        number = 0
        for customer, locations in made:
            if customer["status"] == "inactive":
                continue
            for location in locations:
                number += 1
                vendor, model, prefix = self.random.choice(catalog_data.ONTS)
                self.rows.add(
                    ServiceEquipment,
                    self.unit(
                        number,
                        "ont",
                        vendor,
                        model,
                        customer["id"],
                        location["id"],
                        gpon=self.serial(prefix, 8),
                    ),
                )
                if self.random.random() < 0.8:
                    number += 1
                    vendor, model, oui = self.random.choice(catalog_data.ROUTERS)
                    self.rows.add(
                        ServiceEquipment,
                        self.unit(
                            number,
                            "router",
                            vendor,
                            model,
                            customer["id"],
                            location["id"],
                            mac=self.mac(oui),
                        ),
                    )
        for _ in range(40):
            number += 1
            vendor, model, prefix = self.random.choice(catalog_data.ONTS)
            self.rows.add(
                ServiceEquipment,
                self.unit(number, "ont", vendor, model, None, None, gpon=self.serial(prefix, 8)),
            )

    def unit(
        self,
        number: int,
        kind: str,
        vendor: str,
        model: str,
        customer_id: int | None,
        location_id: int | None,
        *,
        gpon: str | None = None,
        mac: str | None = None,
    ) -> dict[str, Any]:
        installed = customer_id is not None
        return {
            "id": number,
            "name": _name("EQ-", 6, number),
            "equipment_type": kind,
            "vendor": vendor,
            "model": model,
            "serial_number": self.serial(vendor[:2].upper() + "SN", 10),
            "mac_address": mac,
            "gpon_serial": gpon,
            "status": "installed" if installed else "in_stock",
            "customer_id": customer_id,
            "service_location_id": location_id,
            "installed_at": self.now - dt.timedelta(days=self.random.randint(30, 900))
            if installed
            else None,
            "created_at": self.now,
            "updated_at": self.now,
        }

    def jobs(self, made: Made) -> None:
        technicians = len(catalog_data.TECHNICIANS)
        active = [pair for pair in made if pair[0]["status"] == "active"]
        plan = [(offset, True) for offset in (0, 0, 0, 1, 1, 2) for _ in range(4)]
        plan += [(-self.random.randint(1, 90), False) for _ in range(60)]
        for number, (offset, upcoming) in enumerate(plan, start=1):
            customer, locations = self.random.choice(active)
            kind = self.random.choice(tuple(places.JOB_SUBJECTS))
            day = self.today + dt.timedelta(days=offset)
            hour = self.random.choice((8, 10, 13, 15))
            start = dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL).astimezone(dt.UTC)
            assigned = not upcoming or self.random.random() < 0.6
            status = "completed" if not upcoming else "assigned" if assigned else "open"
            self.rows.add(
                DispatchJob,
                {
                    "id": number,
                    "name": _name("DJ-", 6, number),
                    "job_type": kind,
                    "subject": places.JOB_SUBJECTS[kind],
                    "customer_id": customer["id"],
                    "service_location_id": locations[0]["id"],
                    "technician_id": self.random.randint(1, technicians) if assigned else None,
                    "status": status,
                    "priority": self.random.choices(
                        ("low", "normal", "high", "urgent"), (2, 10, 3, 1)
                    )[0],
                    "scheduled_date": day,
                    "window_start": start,
                    "window_end": start + dt.timedelta(hours=2),
                    "duration_minutes": 120 if kind == "fibre_install" else 60,
                    "required_skills": ["fibre_install"] if kind == "fibre_install" else ["repair"],
                    "notes": locations[0]["access_notes"],
                    "completed_at": start + dt.timedelta(hours=1)
                    if status == "completed"
                    else None,
                    "created_at": self.now,
                    "updated_at": self.now,
                },
            )

    def vouchers(self) -> list[ledger.Voucher]:
        """GL postings of the seeded invoices and payments, so the books match the documents."""
        code_of = {item["id"]: code for code, item in self.items.items()}
        revenue: dict[int, dict[str, Decimal]] = {}
        for line in self.rows.tables.get(SalesInvoiceLine, []):
            by_item = revenue.setdefault(line["invoice_id"], {})
            code = code_of[line["item_id"]]
            by_item[code] = by_item.get(code, Decimal(0)) + line["amount"]
        made = [
            ledger.invoice_voucher(
                name=inv["name"],
                posting_date=inv["posting_date"],
                customer_id=inv["customer_id"],
                revenue_by_item=revenue[inv["id"]],
                gst=inv["gst"],
                qst=inv["qst"],
            )
            for inv in self.rows.tables.get(SalesInvoice, [])
        ]
        made += [
            ledger.payment_voucher(
                name=pay["name"],
                posting_date=pay["posting_date"],
                customer_id=pay["customer_id"],
                amount=pay["amount"],
                mode=PaymentMode(pay["mode"]),
            )
            for pay in self.rows.tables.get(PaymentEntry, [])
        ]
        return made


ORDER = (
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
SERIES = (
    Customer,
    ServiceLocation,
    Technician,
    Subscription,
    SalesInvoice,
    PaymentEntry,
    HDTicket,
    Communication,
    ServiceEquipment,
    DispatchJob,
)


async def seed_demo(
    session: AsyncSession, *, customers: int = 2000, seed: int = 42, today: dt.date | None = None
) -> SeedReport:
    """Fill an empty database; flushes only, the caller commits."""
    if await session.scalar(select(func.count()).select_from(Customer)):
        raise SeedError("The database already holds customers; the demo is seeded once.")
    generator = DemoGenerator(customers=customers, seed=seed, today=today or dt.date.today())
    generator.catalogue()
    generator.technicians()
    made = generator.customers_and_locations(generator.tags())
    subs = generator.subscriptions(made)
    generator.invoices(made, subs)
    generator.tickets(made)
    generator.equipment(made)
    generator.jobs(made)
    rows = generator.rows
    for table in ORDER:
        await _insert(session, table, rows.tables.get(table, []))
    await ledger.post(session, generator.vouchers())
    for model in SERIES:
        prefix, _digits = model.naming_series
        used = rows.count(model)
        if used:
            await session.merge(NamingSeries(prefix=prefix, current=used))
    await session.flush()
    return SeedReport(
        customers=rows.count(Customer),
        locations=rows.count(ServiceLocation),
        items=rows.count(Item),
        technicians=rows.count(Technician),
        subscriptions=rows.count(Subscription),
        invoices=rows.count(SalesInvoice),
        payments=rows.count(PaymentEntry),
        tickets=rows.count(HDTicket),
        communications=rows.count(Communication),
        equipment=rows.count(ServiceEquipment),
        jobs=rows.count(DispatchJob),
    )
