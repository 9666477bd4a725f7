"""Customer search: every word typed matched as a prefix of a customer's search terms."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, intersect, select
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


@cache
def _search_statement(term_count: int) -> Select[*tuple[Any, ...]]:
    """The search for a number of words, built once: requests only bind the words and the page.

    The matching ids, sorted by the name each search term carries and cut to a page, in a CTE;
    then the page's customers with their locations and tags joined, in the same round trip.
    """
    if term_count:
        matches = [
            select(CustomerSearchTerm.customer_id, CustomerSearchTerm.sort_name).where(
                CustomerSearchTerm.term >= bindparam(f"term_{number}_from"),
                CustomerSearchTerm.term < bindparam(f"term_{number}_to"),
            )
            for number in range(term_count)
        ]
        matched = (
            matches[0].distinct() if term_count == 1 else intersect(*matches)
        ).subquery("matched")
        page = select(matched.c.customer_id.label("id")).order_by(
            matched.c.sort_name, matched.c.customer_id
        )
    else:
        page = select(Customer.id.label("id")).order_by(Customer.id.desc())
    hits = (
        page.offset(bindparam("page_offset", type_=Integer))
        .limit(bindparam("page_limit", type_=Integer))
        .cte("hits")
    )
    return (
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


async def search_customers(
    session: AsyncSession, *, query: str, limit: int = 20, offset: int = 0
) -> tuple[list[schemas.CustomerSummary], int | None]:
    """Customers matching every word typed (prefixes), by name, phone, email, address, number."""
    limit = max(1, min(limit, MAX_RESULTS))
    terms = query_terms(query)
    if terms and max(len(term) for term in terms) < 2:
        return [], None
    parameters: dict[str, object] = {"page_offset": offset, "page_limit": limit + 1}
    for number, term in enumerate(terms):
        parameters[f"term_{number}_from"] = term
        parameters[f"term_{number}_to"] = term + TERM_END
    rows = (await session.execute(_search_statement(len(terms)), parameters)).all()
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
