"""Customers: search, create, edit, locations, tags and the customer's whole picture."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gigafibre.core.db import utcnow
from gigafibre.core.errors import NotFoundError, ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.naming import assign_name
from gigafibre.customers import schemas
from gigafibre.customers.models import (
    Customer,
    CustomerSearchTerm,
    ServiceLocation,
    Tag,
    TimelineEntry,
)
from gigafibre.customers.normalize import search_terms


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
        [
            {"term": term, "customer_id": customer.id, "sort_name": customer.customer_name}
            for term in sorted(terms)
        ],
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
