"""JSON API for customers, service locations and tags."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from gigafibre.core.web import SessionDep
from gigafibre.customers import overview, schemas, search, service
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/api", tags=["customers"])

READERS = (Role.support, Role.billing, Role.dispatch)
WRITERS = (Role.support, Role.billing)
Reader = Annotated[StaffIdentity, Depends(require_staff(*READERS))]
Writer = Annotated[StaffIdentity, Depends(require_staff(*WRITERS))]


@router.get("/customers", response_model=schemas.SearchResults)
async def search_customers(
    session: SessionDep,
    _staff: Reader,
    q: Annotated[str, Query(max_length=200, description="Name, phone, email, address or C-…")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> schemas.SearchResults:
    """Find customers by every word typed; phones match in any format."""
    items, next_offset = await search.search_customers(session, query=q, limit=limit, offset=offset)
    return schemas.SearchResults(items=items, next_offset=next_offset)


@router.post(
    "/customers", response_model=schemas.CustomerPublic, status_code=status.HTTP_201_CREATED
)
async def create_customer(
    session: SessionDep, staff: Writer, data: schemas.CustomerCreate
) -> schemas.CustomerPublic:
    customer = await service.create_customer(session, data=data, actor=staff.username)
    return service.to_public(customer)


@router.get("/customers/{name}", response_model=schemas.CustomerDetail)
async def get_customer(session: SessionDep, _staff: Reader, name: str) -> schemas.CustomerDetail:
    return await overview.customer_detail(session, name=name)


@router.patch("/customers/{name}", response_model=schemas.CustomerPublic)
async def update_customer(
    session: SessionDep, staff: Writer, name: str, changes: schemas.CustomerUpdate
) -> schemas.CustomerPublic:
    customer = await service.update_customer(
        session, name=name, changes=changes, actor=staff.username
    )
    return service.to_public(customer)


@router.post(
    "/customers/{name}/locations",
    response_model=schemas.LocationPublic,
    status_code=status.HTTP_201_CREATED,
)
async def add_location(
    session: SessionDep, staff: Writer, name: str, data: schemas.LocationInput
) -> schemas.LocationPublic:
    location = await service.add_location(session, name=name, data=data, actor=staff.username)
    return schemas.LocationPublic.model_validate(location)


@router.patch("/customers/{name}/locations/{location}", response_model=schemas.LocationPublic)
async def update_location(
    session: SessionDep, staff: Writer, name: str, location: str, changes: schemas.LocationUpdate
) -> schemas.LocationPublic:
    updated = await service.update_location(
        session, name=name, location_name=location, changes=changes, actor=staff.username
    )
    return schemas.LocationPublic.model_validate(updated)


@router.put("/customers/{name}/tags", response_model=list[str])
async def set_tags(
    session: SessionDep, staff: Writer, name: str, data: schemas.TagsInput
) -> list[str]:
    customer = await service.set_tags(session, name=name, tags=data.tags, actor=staff.username)
    return [tag.name for tag in customer.tags]


@router.get("/tags", response_model=list[str])
async def list_tags(session: SessionDep, _staff: Reader) -> list[str]:
    return [tag.name for tag in await service.list_tags(session)]
