"""Ops pages for Clients: search as you type, detail, create and edit, locations, tags."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from gigafibre.core.errors import DomainError, NotFoundError, field_errors
from gigafibre.core.i18n import gettext
from gigafibre.core.web import SessionDep, render
from gigafibre.customers import overview, schemas, search, service
from gigafibre.customers.models import CustomerStatus, CustomerType, Language
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/ops/clients", include_in_schema=False)
ModelT = TypeVar("ModelT", bound=BaseModel)

Reader = Annotated[StaffIdentity, Depends(require_staff(Role.support, Role.billing, Role.dispatch))]
Writer = Annotated[StaffIdentity, Depends(require_staff(Role.support, Role.billing))]
LOCATION_FIELDS = tuple(schemas.LocationInput.model_fields)
CHOICES = {
    "customer_types": list(CustomerType),
    "statuses": list(CustomerStatus),
    "languages": list(Language),
}


async def _form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _validate(model: type[ModelT], data: dict[str, Any]) -> tuple[ModelT | None, dict[str, str]]:
    try:
        return model.model_validate(data), {}
    except ValidationError as error:
        return None, {
            key: gettext(text) for key, text in field_errors(list(error.errors())).items()
        }


def _location_payload(values: dict[str, str], prefix: str = "") -> dict[str, Any]:
    return {field: values.get(prefix + field, "") for field in LOCATION_FIELDS}


def _form_page(
    request: Request,
    template: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    **context: Any,
) -> Response:
    return render(
        request,
        template,
        {"values": values, "errors": errors, **CHOICES, **context},
        status_code=status,
    )


@router.get("")
async def clients_page(
    request: Request,
    session: SessionDep,
    _staff: Reader,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    results, next_offset = await search.search_customers(session, query=q)
    return render(
        request,
        "customers/list.html",
        {"q": q, "results": results, "next_offset": next_offset, "active": "clients"},
    )


@router.get("/results")
async def clients_results(
    request: Request,
    session: SessionDep,
    _staff: Reader,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> Response:
    results, next_offset = await search.search_customers(session, query=q, offset=offset)
    return render(
        request,
        "customers/_results.html",
        {"q": q, "results": results, "next_offset": next_offset, "offset": offset},
    )


@router.get("/new")
async def new_client_form(request: Request, _staff: Writer) -> Response:
    values = {
        "customer_type": "residential",
        "language": "fr",
        "billing_day": 1,
        "location.province": "QC",
    }
    return _form_page(request, "customers/form.html", values, {}, active="clients", creating=True)


@router.post("/new")
async def create_client(request: Request, session: SessionDep, staff: Writer) -> Response:
    values = await _form_values(request)
    payload: dict[str, Any] = {
        key: values.get(key, "")
        for key in ("customer_name", "customer_type", "language", "email", "phone", "notes")
    }
    payload["billing_day"] = values.get("billing_day") or 1
    payload["location"] = _location_payload(values, "location.")
    payload["tags"] = [tag.strip() for tag in values.get("tags", "").split(",") if tag.strip()]
    data, errors = _validate(schemas.CustomerCreate, payload)
    if data is not None:
        try:
            customer = await service.create_customer(session, data=data, actor=staff.username)
        except DomainError as error:
            errors = error.render()["fields"] or {"form": error.render()["message"]}
        else:
            return RedirectResponse(f"/ops/clients/{customer.name}", status_code=303)
    return _form_page(
        request,
        "customers/form.html",
        values,
        errors,
        status=422,
        active="clients",
        creating=True,
    )


@router.get("/{name}")
async def client_detail(
    request: Request, session: SessionDep, _staff: Reader, name: str
) -> Response:
    detail = await overview.customer_detail(session, name=name)
    tags = await service.list_tags(session)
    return render(
        request,
        "customers/detail.html",
        {
            "c": detail,
            "all_tags": [tag.name for tag in tags],
            "active": "clients",
            "labels": schemas.TIMELINE_LABELS,
        },
    )


@router.get("/{name}/edit")
async def edit_client_form(
    request: Request, session: SessionDep, _staff: Writer, name: str
) -> Response:
    customer = await service.get_customer(session, name=name)
    values = service.to_public(customer).model_dump()
    values["phone"] = values["phone_display"]
    return _form_page(
        request,
        "customers/form.html",
        values,
        {},
        active="clients",
        creating=False,
        customer=customer,
    )


@router.post("/{name}/edit")
async def update_client(
    request: Request, session: SessionDep, staff: Writer, name: str
) -> Response:
    customer = await service.get_customer(session, name=name)
    values = await _form_values(request)
    fields = (
        "customer_name",
        "customer_type",
        "status",
        "language",
        "email",
        "phone",
        "billing_day",
        "notes",
    )
    changes, errors = _validate(
        schemas.CustomerUpdate, {key: values.get(key, "") for key in fields}
    )
    if changes is not None:
        try:
            await service.update_customer(session, name=name, changes=changes, actor=staff.username)
        except DomainError as error:
            errors = error.render()["fields"] or {"form": error.render()["message"]}
        else:
            return RedirectResponse(f"/ops/clients/{customer.name}", status_code=303)
    return _form_page(
        request,
        "customers/form.html",
        values,
        errors,
        status=422,
        active="clients",
        creating=False,
        customer=customer,
    )


@router.get("/{name}/locations/new")
async def new_location_form(
    request: Request, session: SessionDep, _staff: Writer, name: str
) -> Response:
    customer = await service.get_customer(session, name=name)
    return _form_page(
        request,
        "customers/location_form.html",
        {"province": "QC"},
        {},
        active="clients",
        customer=customer,
        location=None,
    )


@router.post("/{name}/locations/new")
async def create_location(
    request: Request, session: SessionDep, staff: Writer, name: str
) -> Response:
    customer = await service.get_customer(session, name=name)
    values = await _form_values(request)
    data, errors = _validate(schemas.LocationInput, _location_payload(values))
    if data is not None:
        await service.add_location(session, name=name, data=data, actor=staff.username)
        return RedirectResponse(f"/ops/clients/{customer.name}", status_code=303)
    return _form_page(
        request,
        "customers/location_form.html",
        values,
        errors,
        status=422,
        active="clients",
        customer=customer,
        location=None,
    )


def _find_location(customer: Any, location_name: str) -> Any:
    location = next((loc for loc in customer.locations if loc.name == location_name), None)
    if location is None:
        raise NotFoundError("No service location is named {name}.", name=location_name)
    return location


@router.get("/{name}/locations/{location}/edit")
async def edit_location_form(
    request: Request, session: SessionDep, _staff: Writer, name: str, location: str
) -> Response:
    customer = await service.get_customer(session, name=name)
    found = _find_location(customer, location)
    values = schemas.LocationPublic.model_validate(found).model_dump()
    return _form_page(
        request,
        "customers/location_form.html",
        values,
        {},
        active="clients",
        customer=customer,
        location=found,
    )


@router.post("/{name}/locations/{location}/edit")
async def update_location(
    request: Request, session: SessionDep, staff: Writer, name: str, location: str
) -> Response:
    customer = await service.get_customer(session, name=name)
    found = _find_location(customer, location)
    values = await _form_values(request)
    full, errors = _validate(schemas.LocationInput, _location_payload(values))
    if full is not None:
        changes = schemas.LocationUpdate.model_validate(full.model_dump(exclude={"province"}))
        await service.update_location(
            session, name=name, location_name=location, changes=changes, actor=staff.username
        )
        return RedirectResponse(f"/ops/clients/{customer.name}", status_code=303)
    return _form_page(
        request,
        "customers/location_form.html",
        values,
        errors,
        status=422,
        active="clients",
        customer=customer,
        location=found,
    )


async def _tags_fragment(
    request: Request, session: SessionDep, name: str, tags: list[str], error: str = ""
) -> Response:
    all_tags = [tag.name for tag in await service.list_tags(session)]
    return render(
        request,
        "customers/_tags.html",
        {"c": {"name": name, "tags": tags}, "all_tags": all_tags, "tag_error": error},
    )


@router.post("/{name}/tags")
async def add_tag(request: Request, session: SessionDep, staff: Writer, name: str) -> Response:
    customer = await service.get_customer(session, name=name)
    tag = (await _form_values(request)).get("tag", "").strip()
    current = [t.name for t in customer.tags]
    if not tag or len(tag) > 60:
        return await _tags_fragment(
            request,
            session,
            customer.name,
            current,
            gettext("A tag needs 1 to 60 characters."),
        )
    customer = await service.set_tags(
        session, name=name, tags=[*current, tag], actor=staff.username
    )
    return await _tags_fragment(request, session, customer.name, [t.name for t in customer.tags])


@router.post("/{name}/tags/remove")
async def remove_tag(request: Request, session: SessionDep, staff: Writer, name: str) -> Response:
    customer = await service.get_customer(session, name=name)
    tag = (await _form_values(request)).get("tag", "")
    remaining = [t.name for t in customer.tags if t.name != tag]
    customer = await service.set_tags(session, name=name, tags=remaining, actor=staff.username)
    return await _tags_fragment(request, session, customer.name, [t.name for t in customer.tags])
