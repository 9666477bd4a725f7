"""Customer search: every word typed matched as a prefix of a customer's search terms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import intersect, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.customers import schemas
from gigafibre.customers.models import (
    Customer,
    CustomerSearchTerm,
    ServiceLocation,
    Tag,
    customer_tag,
)
from gigafibre.customers.normalize import query_terms

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
