"""Customers: search, create, edit, locations, tags and the customer's whole picture."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, intersect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gigafibre.billing import service as billing
from gigafibre.core.db import utcnow
from gigafibre.core.errors import NotFoundError, ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import format_money
from gigafibre.core.naming import assign_name
from gigafibre.customers import schemas
from gigafibre.customers.models import (
    Customer,
    CustomerSearchTerm,
    ServiceLocation,
    Tag,
    TimelineEntry,
    customer_tag,
)
from gigafibre.customers.normalize import query_terms, search_terms
from gigafibre.dispatch import service as dispatch
from gigafibre.equipment import service as equipment
from gigafibre.tickets import service as tickets

TERM_END = "\uffff"
MAX_RESULTS = 50


async def search_customers(
    session: AsyncSession, *, query: str, limit: int = 20, offset: int = 0
) -> tuple[list[schemas.CustomerSummary], int | None]:
    """Customers matching every word typed (prefixes), by name, phone, email, address, number.

    One round trip: the matching ids, sorted and cut to a page, in a CTE; then the page's
    customers with their locations and tags joined, assembled here.
    """
    limit = max(1, min(limit, MAX_RESULTS))
    terms = query_terms(query)
    page = select(Customer.id.label("id"))
    if terms:
        if max(len(term) for term in terms) < 2:
            return [], None
        matches = [
            select(CustomerSearchTerm.customer_id).where(
                CustomerSearchTerm.term >= term, CustomerSearchTerm.term < term + TERM_END
            )
            for term in terms
        ]
        ids = matches[0] if len(matches) == 1 else intersect(*matches)
        page = page.where(Customer.id.in_(ids)).order_by(Customer.customer_name, Customer.id)
    else:
        page = page.order_by(Customer.id.desc())
    hits = page.offset(offset).limit(limit + 1).cte("hits")
    rows = (
        await session.execute(
            select(
                Customer.id,
                Customer.name,
                Customer.customer_name,
                Customer.customer_type,
                Customer.status,
                Customer.phone,
                Customer.email,
                ServiceLocation.id,
                ServiceLocation.civic_number,
                ServiceLocation.street,
                ServiceLocation.unit,
                ServiceLocation.city,
                Tag.name,
            )
            .join(hits, hits.c.id == Customer.id)
            .outerjoin(ServiceLocation, ServiceLocation.customer_id == Customer.id)
            .outerjoin(customer_tag, customer_tag.c.customer_id == Customer.id)
            .outerjoin(Tag, Tag.id == customer_tag.c.tag_id)
        )
    ).all()
    found: dict[int, dict[str, Any]] = {}
    for (
        cid,
        name,
        customer_name,
        kind,
        status,
        phone,
        email,
        location_id,
        civic,
        street,
        unit,
        city,
        tag,
    ) in rows:
        entry = found.setdefault(
            cid,
            {
                "name": name,
                "customer_name": customer_name,
                "customer_type": kind,
                "status": status,
                "phone": phone,
                "phone_display": schemas.phone_display(phone),
                "email": email,
                "address": "",
                "city": "",
                "location": None,
                "tags": [],
            },
        )
        if location_id is not None and (
            entry["location"] is None or location_id < entry["location"]
        ):
            entry["location"] = location_id
            entry["address"] = f"{unit}-{civic} {street}" if unit else f"{civic} {street}"
            entry["city"] = city
        if tag is not None and tag not in entry["tags"]:
            entry["tags"].append(tag)
    if terms:
        order = sorted(found, key=lambda cid: (found[cid]["customer_name"], cid))
    else:
        order = sorted(found, reverse=True)
    next_offset = offset + limit if len(order) > limit else None
    summaries = []
    for cid in order[:limit]:
        entry = found[cid]
        del entry["location"]
        entry["tags"].sort()
        summaries.append(schemas.CustomerSummary(**entry))
    return summaries, next_offset


def to_public(customer: Customer) -> schemas.CustomerPublic:
    return schemas.CustomerPublic(
        name=customer.name,
        customer_name=customer.customer_name,
        customer_type=customer.customer_type,
        status=customer.status,
        language=customer.language,
        email=customer.email,
        phone=customer.phone,
        phone_display=schemas.phone_display(customer.phone),
        billing_day=customer.billing_day,
        notes=customer.notes,
        tags=[tag.name for tag in customer.tags],
        locations=[schemas.LocationPublic.model_validate(loc) for loc in customer.locations],
        created_at=customer.created_at,
    )


async def get_customer(session: AsyncSession, *, name: str) -> Customer:
    customer = await session.scalar(
        select(Customer)
        .options(selectinload(Customer.locations), selectinload(Customer.tags))
        .where(Customer.name == name.upper())
    )
    if customer is None:
        raise NotFoundError("No customer is named {name}.", name=name)
    return customer


async def _refresh_search_terms(session: AsyncSession, customer: Customer) -> None:
    locations = (
        await session.scalars(
            select(ServiceLocation).where(ServiceLocation.customer_id == customer.id)
        )
    ).all()
    terms = search_terms(
        name=customer.name,
        customer_name=customer.customer_name,
        email=customer.email,
        phone=customer.phone,
        addresses=[(loc.address_line, loc.city, loc.postal_code) for loc in locations],
    )
    await session.execute(
        delete(CustomerSearchTerm).where(CustomerSearchTerm.customer_id == customer.id)
    )
    await session.execute(
        insert(CustomerSearchTerm),
        [{"term": term, "customer_id": customer.id} for term in sorted(terms)],
    )


async def _check_unique_email(
    session: AsyncSession, *, email: str | None, exclude_id: int | None
) -> None:
    """Two customers with one email would make portal log-in ambiguous."""
    if not email:
        return
    statement = select(Customer.name).where(Customer.email == email.lower())
    if exclude_id is not None:
        statement = statement.where(Customer.id != exclude_id)
    other = await session.scalar(statement.limit(1))
    if other is not None:
        raise ValidationFailedError(
            "Customer {other} already uses this email address.",
            fields={"email": "This email address is already used by another customer."},
            other=other,
        )


def _note(session: AsyncSession, customer: Customer, kind: str, summary: str, actor: str) -> None:
    session.add(
        TimelineEntry(
            customer_id=customer.id,
            kind=kind,
            summary=summary[:500],
            actor=actor,
            created_at=utcnow(),
        )
    )


async def _tags_by_name(session: AsyncSession, names: Sequence[str]) -> list[Tag]:
    wanted = sorted({name.strip() for name in names if name.strip()})
    if not wanted:
        return []
    existing = {
        tag.name: tag for tag in (await session.scalars(select(Tag).where(Tag.name.in_(wanted))))
    }
    for name in wanted:
        if name not in existing:
            existing[name] = Tag(name=name)
            session.add(existing[name])
    await session.flush()
    return [existing[name] for name in wanted]


async def create_customer(
    session: AsyncSession, *, data: schemas.CustomerCreate, actor: str
) -> Customer:
    email = data.email.lower() if data.email else None
    await _check_unique_email(session, email=email, exclude_id=None)
    customer = Customer(
        customer_name=data.customer_name,
        customer_type=data.customer_type,
        language=data.language,
        email=email,
        phone=data.phone,
        billing_day=data.billing_day,
        notes=data.notes,
    )
    await assign_name(session, customer)
    customer.tags = await _tags_by_name(session, data.tags)
    customer.locations = []
    session.add(customer)
    await session.flush()
    if data.location is not None:
        location = ServiceLocation(customer_id=customer.id, **data.location.model_dump())
        await assign_name(session, location)
        session.add(location)
        customer.locations.append(location)
    await session.flush()
    await _refresh_search_terms(session, customer)
    _note(session, customer, "customer.created", "", actor)
    await emit(
        session,
        "customer.created",
        {"customer": customer.name, "type": customer.customer_type.value, "actor": actor},
        topics=[f"customer:{customer.name}"],
    )
    return customer


async def update_customer(
    session: AsyncSession, *, name: str, changes: schemas.CustomerUpdate, actor: str
) -> Customer:
    customer = await get_customer(session, name=name)
    values = changes.model_dump(exclude_unset=True)
    if values.get("email"):
        values["email"] = values["email"].lower()
        await _check_unique_email(session, email=values["email"], exclude_id=customer.id)
    for required in ("customer_name", "customer_type", "status", "language", "billing_day"):
        if required in values and values[required] is None:
            raise ValidationFailedError(
                "Some fields are not valid.", fields={required: "This field is required."}
            )
    changed = [field for field, value in values.items() if getattr(customer, field) != value]
    for field in changed:
        setattr(customer, field, values[field])
    if changed:
        await session.flush()
        await _refresh_search_terms(session, customer)
        _note(session, customer, "customer.updated", ", ".join(changed), actor)
        await emit(
            session,
            "customer.updated",
            {"customer": customer.name, "fields": changed, "actor": actor},
            topics=[f"customer:{customer.name}"],
        )
    return customer


async def add_location(
    session: AsyncSession, *, name: str, data: schemas.LocationInput, actor: str
) -> ServiceLocation:
    customer = await get_customer(session, name=name)
    location = ServiceLocation(customer_id=customer.id, **data.model_dump())
    await assign_name(session, location)
    session.add(location)
    await session.flush()
    await _refresh_search_terms(session, customer)
    _note(session, customer, "location.added", location.address_line, actor)
    await session.flush()
    return location


async def update_location(
    session: AsyncSession,
    *,
    name: str,
    location_name: str,
    changes: schemas.LocationUpdate,
    actor: str,
) -> ServiceLocation:
    customer = await get_customer(session, name=name)
    location = next((loc for loc in customer.locations if loc.name == location_name), None)
    if location is None:
        raise NotFoundError("No service location is named {name}.", name=location_name)
    values = changes.model_dump(exclude_unset=True)
    for required in ("civic_number", "street", "city", "postal_code"):
        if required in values and values[required] is None:
            raise ValidationFailedError(
                "Some fields are not valid.", fields={required: "This field is required."}
            )
    changed = [field for field, value in values.items() if getattr(location, field) != value]
    for field in changed:
        setattr(location, field, values[field])
    if changed:
        await session.flush()
        await _refresh_search_terms(session, customer)
        _note(
            session,
            customer,
            "location.updated",
            f"{location.name}: " + ", ".join(changed),
            actor,
        )
        await session.flush()
    return location


async def set_tags(
    session: AsyncSession, *, name: str, tags: Sequence[str], actor: str
) -> Customer:
    customer = await get_customer(session, name=name)
    before = {tag.name for tag in customer.tags}
    customer.tags = await _tags_by_name(session, tags)
    after = {tag.name for tag in customer.tags}
    if before != after:
        added, removed = sorted(after - before), sorted(before - after)
        parts = [f"+{tag}" for tag in added] + [f"-{tag}" for tag in removed]
        _note(session, customer, "tags.changed", " ".join(parts), actor)
    await session.flush()
    return customer


async def list_tags(session: AsyncSession) -> Sequence[Tag]:
    return (await session.scalars(select(Tag).order_by(Tag.name))).all()


async def customer_detail(session: AsyncSession, *, name: str) -> schemas.CustomerDetail:
    """Everything staff see on the customer page, one query per kind of document."""
    customer = await get_customer(session, name=name)
    subscriptions = await billing.subscriptions_for_customer(session, customer_id=customer.id)
    invoices = await billing.invoices_for_customer(session, customer_id=customer.id)
    balance = await billing.customer_balance(session, customer_id=customer.id)
    payments = await billing.payments_for_customer(session, customer_id=customer.id)
    credits = await billing.credits_for_customer(session, customer_id=customer.id)
    ticket_rows = await tickets.tickets_for_customer(session, customer_id=customer.id)
    gear = await equipment.equipment_for_customer(session, customer_id=customer.id)
    jobs = await dispatch.jobs_for_customer(session, customer_id=customer.id)
    entries = (
        await session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.customer_id == customer.id)
            .order_by(TimelineEntry.created_at.desc())
            .limit(50)
        )
    ).all()
    timeline = [
        schemas.TimelineRow(
            at=entry.created_at,
            kind=entry.kind,
            summary=entry.summary,
            actor=entry.actor,
            reference=entry.reference,
        )
        for entry in entries
    ]
    timeline += [
        schemas.TimelineRow(
            at=ticket.opened_at,
            kind="ticket.opened",
            summary=ticket.subject,
            actor="",
            reference=ticket.name,
        )
        for ticket in ticket_rows
    ]
    timeline += [
        schemas.TimelineRow(
            at=invoice.created_at,
            kind="invoice.issued",
            summary=format_money(invoice.total),
            actor="",
            reference=invoice.name,
        )
        for invoice in invoices
    ]
    timeline.sort(key=lambda row: row.at.timestamp(), reverse=True)
    public = to_public(customer)
    return schemas.CustomerDetail(
        **public.model_dump(),
        subscriptions=[
            schemas.SubscriptionRow(
                name=sub.name,
                item_code=item.item_code,
                description=item.label(customer.language),
                qty=sub.qty,
                rate=sub.rate,
                status=sub.status,
                start_date=sub.start_date,
                end_date=sub.end_date,
            )
            for sub, item in subscriptions
        ],
        invoices=[
            schemas.InvoiceRow(
                name=inv.name,
                posting_date=inv.posting_date,
                due_date=inv.due_date,
                total=inv.total,
                outstanding_amount=inv.outstanding_amount,
                status=inv.status,
            )
            for inv in invoices
        ],
        payments=[
            schemas.PaymentRow(
                name=p.name,
                posting_date=p.posting_date,
                amount=p.amount,
                refunded_amount=p.refunded_amount,
                mode=p.mode,
                reference=p.reference,
            )
            for p in payments
        ],
        credits=[
            schemas.CreditRow(
                name=c.name,
                posting_date=c.posting_date,
                amount=c.amount,
                remaining=c.remaining,
                reason=c.reason,
                note=c.note,
            )
            for c in credits
        ],
        balance=balance,
        tickets=[
            schemas.TicketRow(
                name=t.name,
                subject=t.subject,
                status=t.status,
                priority=t.priority,
                channel=t.channel,
                opened_at=t.opened_at,
            )
            for t in ticket_rows
        ],
        equipment=[
            schemas.EquipmentRow(
                name=eq.name,
                equipment_type=eq.equipment_type,
                vendor=eq.vendor,
                model=eq.model,
                serial_number=eq.serial_number,
                mac_address=eq.mac_address,
                status=eq.status,
            )
            for eq in gear
        ],
        jobs=[
            schemas.JobRow(
                name=job.name,
                job_type=job.job_type,
                subject=job.subject,
                status=job.status,
                scheduled_date=job.scheduled_date,
                technician=technician,
            )
            for job, technician in jobs
        ],
        timeline=timeline[:60],
    )
