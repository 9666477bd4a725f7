"""Portal pages added with sign-up: the account (contact details, language, notification
preferences), the catalogue to ask for one more service, and the referral code to share."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.catalog.models import Item
from gigafibre.core.db import utcnow
from gigafibre.core.errors import DomainError, ValidationFailedError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.core.web import SessionDep, render, writes_on_get
from gigafibre.customers import schemas as customer_schemas
from gigafibre.customers import service as customers
from gigafibre.customers.models import Customer
from gigafibre.dispatch.models import DispatchJob, JobStatus
from gigafibre.portal.auth import PortalCustomer
from gigafibre.portal.models import NotificationPreference
from gigafibre.signup import referral
from gigafibre.signup import service as signup
from gigafibre.signup.slot_labels import slot_label

router = APIRouter(prefix="/portal", include_in_schema=False)
PICK_ONE = N_("Choose at least one service.")


async def preferences_of(session: AsyncSession, customer: Customer) -> NotificationPreference:
    found = await session.get(NotificationPreference, customer.id)
    if found is None:
        found = NotificationPreference(
            customer_id=customer.id,
            invoices_by_email=True,
            reminders_by_sms=True,
            appointments_by_sms=True,
        )
    return found


async def _account(
    request: Request,
    session: SessionDep,
    customer: Customer,
    *,
    saved: bool = False,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    code = await referral.code_for(session, customer)
    return render(
        request,
        "portal/account.html",
        {
            "customer": customer,
            "preferences": await preferences_of(session, customer),
            "referral": code,
            "referral_uses": await referral.uses_of(session, code),
            "referral_credit": referral.REFERRAL_CREDIT,
            "saved": saved,
            "errors": errors or {},
            "active": "account",
        },
        status_code=status_code,
    )


@router.get("/account")
@writes_on_get
async def account(request: Request, session: SessionDep, customer: PortalCustomer) -> Response:
    """The referral code shown here is made the first time the page is shown."""
    return await _account(request, session, customer)


@router.post("/account")
async def save_account(
    request: Request,
    session: SessionDep,
    customer: PortalCustomer,
    email: Annotated[str, Form(max_length=254)] = "",
    phone: Annotated[str, Form(max_length=30)] = "",
    language: Annotated[str, Form(max_length=2)] = "fr",
    invoices_by_email: Annotated[str, Form(max_length=3)] = "",
    reminders_by_sms: Annotated[str, Form(max_length=3)] = "",
    appointments_by_sms: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """Contact details through the customer service (same rules as staff edits)."""
    try:
        changes = customer_schemas.CustomerUpdate.model_validate(
            {"email": email or None, "phone": phone or None, "language": language}
        )
        await customers.update_customer(
            session, name=customer.name, changes=changes, actor=f"portal:{customer.name}"
        )
    except ValidationError as error:
        fields = {str(e["loc"][0]): N_("This value is not valid.") for e in error.errors()}
        return await _account(request, session, customer, errors=fields, status_code=422)
    except DomainError as error:
        rendered = error.render()
        fields = rendered["fields"] or {"email": rendered["message"]}
        return await _account(
            request, session, customer, errors=fields, status_code=error.status_code
        )
    preferences = await preferences_of(session, customer)
    preferences.invoices_by_email = invoices_by_email == "yes"
    preferences.reminders_by_sms = reminders_by_sms == "yes"
    preferences.appointments_by_sms = appointments_by_sms == "yes"
    session.add(preferences)
    await session.flush()
    response = await _account(request, session, customer, saved=True)
    response.set_cookie("gf_lang", customer.language, samesite="lax", max_age=31536000)
    return response


@router.get("/catalog")
async def catalog(request: Request, session: SessionDep, customer: PortalCustomer) -> Response:
    plans, options, _fees = await signup.catalog(session)
    return render(
        request,
        "portal/catalog.html",
        {"customer": customer, "items": [*plans, *options], "active": "catalog", "error": ""},
    )


@router.post("/catalog")
async def request_service(
    request: Request, session: SessionDep, customer: PortalCustomer
) -> Response:
    """A quotation for the services picked; staff confirm it and schedule any visit."""
    form = await request.form()
    codes = {str(value) for value in form.getlist("item")}
    plans, options, _fees = await signup.catalog(session)
    items: list[Item] = [i for i in [*plans, *options] if i.item_code in codes]
    if not items:
        error = ValidationFailedError(PICK_ONE, fields={"item": PICK_ONE})
        return render(
            request,
            "portal/catalog.html",
            {
                "customer": customer,
                "items": [*plans, *options],
                "active": "catalog",
                "error": error.render()["message"],
            },
            status_code=422,
        )
    quotation = await signup.build_quotation(
        session, items, language=customer.language, customer_id=customer.id
    )
    await emit(
        session,
        "quotation.requested",
        {"customer": customer.name, "quotation": quotation.name, "source": "portal"},
        topics=[f"customer:{customer.name}"],
    )
    return RedirectResponse(f"/portal/?requested={quotation.name}", status_code=303)


async def next_appointment(session: AsyncSession, customer_id: int) -> DispatchJob | None:
    """The customer's next visit with a time window (installation or repair)."""
    return await session.scalar(
        select(DispatchJob)
        .where(
            DispatchJob.customer_id == customer_id,
            DispatchJob.window_start.is_not(None),
            DispatchJob.window_end > utcnow(),
            DispatchJob.status.not_in((JobStatus.cancelled, JobStatus.completed)),
        )
        .order_by(DispatchJob.window_start)
        .limit(1)
    )


def appointment_label(job: DispatchJob | None, language: str) -> str:
    if job is None or job.window_start is None or job.window_end is None:
        return ""
    return slot_label(job.window_start, job.window_end, language)
