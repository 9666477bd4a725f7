"""Public sign-up API (spec checkout.js, otp.js, referral.js, acceptance.js): no sign-in, each
call rate-limited per IP; the order and its slot are reached with the order's signed token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse

from gigafibre.billing import payments
from gigafibre.billing.payments_api import Gateways
from gigafibre.catalog.models import Item
from gigafibre.core.db import Database
from gigafibre.core.errors import ConflictError
from gigafibre.core.i18n import current_language, gettext
from gigafibre.core.web import SessionDep, writes_on_get
from gigafibre.dispatch.travel import TravelProvider, build_travel_provider
from gigafibre.portal.auth import PortalCustomer
from gigafibre.portal.service import parse_contact
from gigafibre.signup import acceptance, otp, referral, schemas, service, slots
from gigafibre.signup.contract import text_hash
from gigafibre.signup.models import OrderStatus, SignupOrder
from gigafibre.signup.slot_labels import slot_label
from gigafibre.staff.auth import require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

router = APIRouter(prefix="/api", tags=["signup"])
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "token not valid or expired"},
    403: {"description": "contact not verified"},
    409: {"description": "refused by a sign-up rule (message in fr/en)"},
    422: {"description": "invalid input (message in fr/en)"},
    429: {"description": "too many requests"},
}
SLOT_DAYS = 14
Staff = Annotated[StaffIdentity, Depends(require_staff(Role.support, Role.billing))]


def peer(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def limit(request: Request, rule: str, scope: str, key: str) -> None:
    await request.app.state.rate_limiter.enforce(rule, f"signup-{scope}", key)


def travel_of(request: Request) -> TravelProvider:
    provider: TravelProvider | None = getattr(request.app.state, "signup_travel", None)
    if provider is None:
        provider = build_travel_provider(request.app.state.settings)
        request.app.state.signup_travel = provider
    return provider


def _item(item: Item, language: str) -> schemas.CatalogItemPublic:
    return schemas.CatalogItemPublic(
        code=item.item_code,
        name=item.label(language),
        description=item.description_en if language == "en" else item.description_fr,
        price=item.price,
        interval=item.billing_interval.value,
        download_mbps=item.download_mbps,
        upload_mbps=item.upload_mbps,
    )


@router.get("/catalog", response_model=schemas.CatalogPublic)
async def catalog(session: SessionDep) -> schemas.CatalogPublic:
    """Plans, options and sign-up fees with prices before taxes, in the caller's language."""
    language = current_language.get()
    plans, options, fees = await service.catalog(session)
    return schemas.CatalogPublic(
        plans=[_item(i, language) for i in plans],
        options=[_item(i, language) for i in options],
        fees=[_item(i, language) for i in fees],
    )


@router.post(
    "/otp/send",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=schemas.MessagePublic,
    responses=ERRORS,
)
async def send_otp(
    request: Request, session: SessionDep, data: schemas.OtpSendInput
) -> schemas.MessagePublic:
    """Send a 6-digit code (10 minutes) by SMS or email; the same answer for any destination."""
    contact = parse_contact(data.contact)
    await limit(request, "10/hour", "otp-ip", peer(request))
    await limit(request, "3/10 minutes", "otp-to", otp.destination_of(contact))
    settings = request.app.state.settings
    await otp.send_code(
        session,
        contact=contact,
        secret=settings.secret_key,
        language=data.language,
        company_name=settings.company_name,
    )
    return schemas.MessagePublic(message=gettext(otp.SENT))


@router.post("/otp/verify", response_model=schemas.VerifiedPublic, responses=ERRORS)
async def verify_otp(request: Request, data: schemas.OtpVerifyInput) -> schemas.VerifiedPublic:
    """Check a code (5 attempts); the answer carries a 30-minute token for the order."""
    contact = parse_contact(data.contact)
    await limit(request, "30/10 minutes", "verify-ip", peer(request))
    settings = request.app.state.settings
    db: Database = request.app.state.db
    async with db.unit_of_work() as session:  # attempts are kept even when the code is wrong
        result = await otp.check_code(
            session,
            contact=contact,
            code=data.code,
            secret=settings.secret_key,
            jwt_secret=settings.jwt_secret,
        )
    if result.token is None:
        assert result.error is not None
        raise otp.OtpRefusedError(result.error, fields={"code": result.error})
    return schemas.VerifiedPublic(verification=result.token)


@router.get("/referral/mine", response_model=schemas.ReferralMinePublic)
@writes_on_get
async def my_referral(
    request: Request, session: SessionDep, customer: PortalCustomer
) -> schemas.ReferralMinePublic:
    """The signed-in customer's code to share (made on first request)."""
    code = await referral.code_for(session, customer)
    base = request.app.state.settings.public_base_url.rstrip("/")
    return schemas.ReferralMinePublic(
        code=code.code,
        uses=await referral.uses_of(session, code),
        credit=referral.REFERRAL_CREDIT,
        share_url=f"{base}/?ref={code.code}",
    )


@router.get("/referral/{code}", response_model=schemas.ReferralCheckPublic, responses=ERRORS)
async def check_referral(
    request: Request, session: SessionDep, code: str
) -> schemas.ReferralCheckPublic:
    """Whether a code exists (the sign-up form checks it as it is typed)."""
    await limit(request, "30/minute", "referral-ip", peer(request))
    await referral.find_code(session, code[:20])
    message = gettext("Valid code: {amount} $ off your next invoice, and the same for your friend.")
    return schemas.ReferralCheckPublic(
        valid=True, message=message.format(amount=referral.REFERRAL_CREDIT)
    )


async def _order_public(
    request: Request, session: SessionDep, order: SignupOrder
) -> schemas.OrderPublic:
    _lead, quotation, lines = await service.quote_parts(session, order)
    secret = request.app.state.settings.jwt_secret
    return schemas.OrderPublic(
        order=order.name,
        quotation=quotation.name,
        lines=[schemas.LinePublic.model_validate(line) for line in service.order_lines(lines)],
        subtotal=quotation.subtotal,
        gst=quotation.gst,
        qst=quotation.qst,
        total=quotation.total,
        token=service.order_token(secret, order),
        accept_url=f"/accept?token={service.accept_token(secret, quotation)}",
    )


@router.post(
    "/order",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.OrderPublic,
    responses=ERRORS,
)
async def create_order(
    request: Request, session: SessionDep, data: schemas.OrderInput
) -> schemas.OrderPublic:
    """A Lead and a Quotation with GST/QST for a verified contact at a fibre-ready address."""
    await limit(request, "10/hour", "order-ip", peer(request))
    verified = otp.verified_destination(request.app.state.settings.jwt_secret, data.verification)
    order = await service.create_order(session, data=data, verified=verified, ip=peer(request))
    return await _order_public(request, session, order)


@router.get("/slots", response_model=schemas.SlotsPublic, responses=ERRORS)
async def list_slots(
    request: Request, session: SessionDep, token: Annotated[str, Query(max_length=2000)]
) -> schemas.SlotsPublic:
    """Installation windows free for this order's address over the next two weeks."""
    await limit(request, "60/minute", "slots-ip", peer(request))
    order = await service.order_of_token(session, request.app.state.settings.jwt_secret, token)
    found = await slots.available_slots(
        session,
        slots.order_point(order),
        days=SLOT_DAYS,
        travel=travel_of(request),
        exclude_order_id=order.id,
    )
    language = current_language.get()
    return schemas.SlotsPublic(
        slots=[
            schemas.SlotPublic(start=s.start, end=s.end, label=slot_label(s.start, s.end, language))
            for s in found
        ]
    )


@router.post("/slots/hold", response_model=schemas.HoldPublic, responses=ERRORS)
async def hold_slot(
    request: Request, session: SessionDep, data: schemas.HoldInput
) -> schemas.HoldPublic:
    """Keep one window for this order for 15 minutes, until the first payment."""
    await limit(request, "20/minute", "hold-ip", peer(request))
    secret = request.app.state.settings.jwt_secret
    order = await service.order_of_token(session, secret, data.token)
    if order.status is not OrderStatus.quoted:
        raise ConflictError(slots.BOOKED)
    hold = await slots.hold_slot(
        session,
        order=order,
        start=data.start,
        days=SLOT_DAYS,
        travel=travel_of(request),
    )
    quotation = await service.quotation_of(session, order)
    return schemas.HoldPublic(
        start=hold.start,
        end=hold.end,
        expires_at=hold.expires_at,
        accept_url=f"/accept?token={service.accept_token(secret, quotation)}",
    )


@router.post("/checkout", response_model=schemas.LinkPublic, responses=ERRORS)
async def checkout(
    request: Request, session: SessionDep, gateways: Gateways, data: schemas.CheckoutInput
) -> schemas.LinkPublic:
    """The payment page of the accepted order's first invoice (sandbox unless Stripe is set)."""
    await limit(request, "20/minute", "checkout-ip", peer(request))
    order = await service.order_of_token(session, request.app.state.settings.jwt_secret, data.token)
    url = await checkout_url(request, session, gateways, order, data.token)
    return schemas.LinkPublic(url=url)


async def checkout_url(
    request: Request, session: SessionDep, gateways: Gateways, order: SignupOrder, token: str
) -> str:
    invoice = await service.first_invoice_name(session, order)
    base = request.app.state.settings.public_base_url.rstrip("/")
    return await payments.checkout_link(
        session,
        gateway=gateways(session),
        invoice_name=invoice,
        base_url=base,
        success_url=f"{base}/bienvenue?token={token}",
        cancel_url=f"{base}/bienvenue?token={token}&cancelled=1",
    )


@router.get(
    "/accept-for-client/{quotation}", response_model=schemas.ContractPublic, responses=ERRORS
)
async def contract_for_client(
    request: Request, session: SessionDep, _staff: Staff, quotation: str
) -> schemas.ContractPublic:
    """The contract text to read to a customer on the phone, and its hash."""
    order = await service.order_of_quotation(session, quotation)
    found, text = await service.contract_of(
        session, order, company=request.app.state.settings.company_name
    )
    return schemas.ContractPublic(quotation=found.name, text=text, text_hash=text_hash(text))


@router.post("/accept-for-client", response_model=schemas.AcceptedPublic, responses=ERRORS)
async def accept_for_client(
    request: Request, session: SessionDep, staff: Staff, data: schemas.AcceptForClientInput
) -> JSONResponse:
    """Staff accept on behalf of a customer (e.g. by phone), recorded with their name and IP."""
    order = await service.order_of_quotation(session, data.quotation)
    done = await acceptance.accept(
        session,
        order=order,
        given_hash=data.text_hash,
        ip=peer(request),
        actor=f"staff:{staff.username}",
        company=request.app.state.settings.company_name,
    )
    body = schemas.AcceptedPublic(
        order=done.order.name,
        customer=done.customer.name,
        job=done.job.name,
        invoice=done.invoice.name if done.invoice else None,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=201)
