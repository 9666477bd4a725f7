"""The public website (sign-up wizard at `/`), the contract page `/accept` and `/bienvenue`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError

from gigafibre.billing.payments_api import Gateways
from gigafibre.core.db import utcnow
from gigafibre.core.errors import AuthenticationRequiredError, DomainError, ValidationFailedError
from gigafibre.core.i18n import N_, current_language
from gigafibre.core.links import Audience, verify_link_token
from gigafibre.core.web import SessionDep, render
from gigafibre.dispatch.models import DispatchJob
from gigafibre.portal.models import UsedLink
from gigafibre.signup import acceptance, service, slots
from gigafibre.signup.api import checkout_url, peer
from gigafibre.signup.contract import text_hash
from gigafibre.signup.models import OrderStatus
from gigafibre.signup.slot_labels import slot_label

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Query(max_length=2000)]
USED = N_("This link was already used.")


SCRIPT = Path(__file__).resolve().parent / "static" / "signup.js"


@router.get("/")
async def home(
    request: Request, session: SessionDep, ref: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """The website: plans, address check, cart, verification, order (vanilla JS + JSON API)."""
    plans, options, fees = await service.catalog(session)
    return render(
        request,
        "signup/home.html",
        {"referral": ref, "plans": plans, "options": options, "fees": fees},
        headers={"Cache-Control": "private, max-age=60", "Vary": "Cookie, Accept-Language"},
    )


@router.get("/signup.js")
async def script() -> FileResponse:
    """The wizard's only script (a few kilobytes, no framework)."""
    return FileResponse(
        SCRIPT, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"}
    )


def _refused(request: Request, error: DomainError) -> Response:
    return render(
        request,
        "signup/accept.html",
        {"error": error.render()["message"], "text": "", "hash": "", "token": ""},
        status_code=error.status_code,
    )


@router.get("/accept")
async def contract_page(request: Request, session: SessionDep, token: Token = "") -> Response:
    """The contract behind a signed `accept` link: plan, prices, taxes, term."""
    try:
        claims = verify_link_token(
            request.app.state.settings.jwt_secret, token, audience=Audience.accept
        )
        if await session.get(UsedLink, claims.token_id) is not None:
            raise AuthenticationRequiredError(USED)
        order = await service.order_of_quotation(session, claims.subject)
        _quotation, text = await service.contract_of(
            session, order, company=request.app.state.settings.company_name
        )
    except DomainError as error:
        return _refused(request, error)
    hold = await slots.hold_of(session, order)
    window = slot_label(hold.start, hold.end, current_language.get()) if hold else ""
    context = {"error": "", "text": text, "hash": text_hash(text), "token": token, "window": window}
    return render(request, "signup/accept.html", context)


@router.post("/accept")
async def accept_contract(
    request: Request,
    session: SessionDep,
    gateways: Gateways,
    token: Annotated[str, Form(max_length=2000)],
    text_hash: Annotated[str, Form(max_length=64)],
    agree: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Record acceptance (time, IP, hash of the text shown), then off to the payment page."""
    settings = request.app.state.settings
    try:
        claims = verify_link_token(settings.jwt_secret, token, audience=Audience.accept)
        if await session.get(UsedLink, claims.token_id) is not None:
            raise AuthenticationRequiredError(USED)
        if agree != "yes":
            raise ValidationFailedError(
                acceptance.MUST_AGREE, fields={"agree": acceptance.MUST_AGREE}
            )
        async with session.begin_nested():  # all or nothing: a refusal leaves no half customer
            order = await service.order_of_quotation(session, claims.subject)
            done = await acceptance.accept(
                session,
                order=order,
                given_hash=text_hash,
                ip=peer(request),
                actor="customer",
                company=settings.company_name,
            )
            session.add(
                UsedLink(
                    token_id=claims.token_id,
                    subject=claims.subject,
                    used_at=utcnow(),
                    expires_at=claims.expires_at,
                )
            )
            await session.flush()
    except IntegrityError:  # the same link submitted twice at once
        return _refused(request, AuthenticationRequiredError(USED))
    except DomainError as error:
        return _refused(request, error)
    order_token = service.order_token(settings.jwt_secret, done.order)
    if done.invoice is None:
        return RedirectResponse(f"/bienvenue?token={order_token}", status_code=303)
    url = await checkout_url(request, session, gateways, done.order, order_token)
    return RedirectResponse(url, status_code=303)


@router.get("/bienvenue")
async def welcome(
    request: Request,
    session: SessionDep,
    token: Token = "",
    cancelled: Annotated[str, Query(max_length=1)] = "",
) -> Response:
    """Where the payment page sends the customer back: paid, booked, or still to pay."""
    try:
        order = await service.order_of_token(session, request.app.state.settings.jwt_secret, token)
    except DomainError as error:
        return _refused(request, error)
    job = await session.get(DispatchJob, order.job_id) if order.job_id else None
    window = ""
    if job is not None and job.window_start is not None and job.window_end is not None:
        window = slot_label(job.window_start, job.window_end, current_language.get())
    return render(
        request,
        "signup/welcome.html",
        {
            "order": order,
            "paid": order.status is OrderStatus.paid,
            "cancelled": bool(cancelled) and order.status is OrderStatus.accepted,
            "window": window,
            "token": token,
        },
    )
