"""Sign-up rules (spec flow 4.1): catalogue, order (Lead -> Quotation with taxes), acceptance
(Customer, Service Location, Subscriptions, first invoice, installation job) and payment.

The order is quoted first; accepting the contract creates the customer and the first invoice
(one-time fees and the first month); paying it through the existing gateway confirms the held
installation slot (`on_order_paid`, a subscriber of `payment.received`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.addresses.models import Address
from gigafibre.addresses.service import get_address
from gigafibre.billing.models import SalesInvoice
from gigafibre.catalog.models import (
    BillingInterval,
    Item,
    ItemGroup,
    Lead,
    LeadStatus,
    Quotation,
    QuotationLine,
    QuotationStatus,
)
from gigafibre.core.errors import ConflictError, ForbiddenError, NotFoundError
from gigafibre.core.events import emit
from gigafibre.core.i18n import N_
from gigafibre.core.links import Audience, issue_link_token, verify_link_token
from gigafibre.core.money import quebec_taxes, to_money
from gigafibre.core.naming import assign_name
from gigafibre.customers.models import Customer
from gigafibre.customers.normalize import InvalidPhoneError, normalize_phone
from gigafibre.signup import referral
from gigafibre.signup.contract import contract_text
from gigafibre.signup.models import OrderStatus, SignupOrder
from gigafibre.signup.schemas import OrderInput

ORDER_LIFETIME = dt.timedelta(hours=24)
QUOTE_VALID_DAYS = 30
NO_FIBRE = N_("Fibre is not available at this address yet.")
ALREADY_CUSTOMER = N_("You are already a customer: sign in to your portal to add a service.")
UNVERIFIED = N_("Verify this email or phone number with the code we sent first.")
NO_CONTACT = N_("Enter an email address or a phone number.")


def is_monthly(item: Item) -> bool:
    return item.billing_interval is not BillingInterval.once


async def catalog(session: AsyncSession) -> tuple[list[Item], list[Item], list[Item]]:
    """Plans, options (services and equipment), and the fees every new order pays."""
    items = (
        await session.scalars(
            select(Item).where(Item.active.is_(True)).order_by(Item.price, Item.item_code)
        )
    ).all()
    plans = [i for i in items if i.item_group is ItemGroup.plan]
    fees = [i for i in items if i.item_group is ItemGroup.fee]
    options = [
        i for i in items if i.item_group in (ItemGroup.service, ItemGroup.equipment) and i.price > 0
    ]
    return plans, options, fees


def _invalid(field: str, message: str) -> ConflictError:
    return ConflictError(message, fields={field: message})


async def _chosen_items(session: AsyncSession, data: OrderInput) -> list[Item]:
    plans, options, fees = await catalog(session)
    plan = next((p for p in plans if p.item_code == data.plan), None)
    if plan is None:
        raise _invalid("plan", N_("Choose one of our plans."))
    by_code = {o.item_code: o for o in options}
    chosen = [plan]
    for code in dict.fromkeys(data.options):
        if code not in by_code:
            raise _invalid("options", N_("One of the options is not offered."))
        chosen.append(by_code[code])
    return chosen + list(fees)


def _contacts(data: OrderInput) -> tuple[str | None, str | None]:
    email = data.email.strip().lower() if data.email else None
    phone = None
    if data.phone:
        try:
            phone = normalize_phone(data.phone)
        except InvalidPhoneError:
            raise _invalid("phone", N_("Enter a valid phone number.")) from None
    if not email and not phone:
        raise _invalid("email", NO_CONTACT)
    return email, phone


async def create_order(
    session: AsyncSession,
    *,
    data: OrderInput,
    verified: str,
    ip: str,
) -> SignupOrder:
    """A Lead and its Quotation (GST/QST) for a verified visitor at a fibre-ready address."""
    email, phone = _contacts(data)
    if verified not in (email, phone):
        raise ForbiddenError(UNVERIFIED)
    match = await get_address(session, data.address_id)
    if not match.fibre_available:
        raise _invalid("address_id", NO_FIBRE)
    address = await session.get(Address, data.address_id)
    assert address is not None
    key = referral.address_key(match.civic_number, match.street, data.unit, match.postal_code)
    code = None
    if data.referral_code:
        found = await referral.check_code(
            session, raw=data.referral_code, email=email, phone=phone, key=key
        )
        code = found.code
    if email and await session.scalar(select(Customer.id).where(Customer.email == email)):
        raise _invalid("email", ALREADY_CUSTOMER)
    items = await _chosen_items(session, data)
    lead = Lead(
        full_name=data.full_name,
        email=email,
        phone=phone,
        language=data.language,
        address=match.label,
        status=LeadStatus.quoted,
        source="website",
    )
    await assign_name(session, lead)
    session.add(lead)
    await session.flush()
    quotation = await build_quotation(session, items, language=data.language, lead_id=lead.id)
    order = SignupOrder(
        lead_id=lead.id,
        quotation_id=quotation.id,
        address_id=address.id,
        civic_number=match.civic_number,
        street=match.street,
        unit=data.unit,
        city=match.municipality,
        postal_code=match.postal_code or "",
        latitude=match.latitude,
        longitude=match.longitude,
        olt_name=address.olt_name,
        pon_port=address.pon_port,
        referral_code=code,
        created_ip=ip[:45],
    )
    await assign_name(session, order)
    session.add(order)
    await session.flush()
    await emit(
        session,
        "order.quoted",
        {"order": order.name, "lead": lead.name, "quotation": quotation.name},
        topics=[],
    )
    return order


async def build_quotation(
    session: AsyncSession,
    items: Sequence[Item],
    *,
    language: str,
    lead_id: int | None = None,
    customer_id: int | None = None,
) -> Quotation:
    """A sent quotation of one of each item, with GST and QST on the taxable lines."""
    quotation = Quotation(
        lead_id=lead_id,
        customer_id=customer_id,
        status=QuotationStatus.sent,
        valid_until=dt.date.today() + dt.timedelta(days=QUOTE_VALID_DAYS),
    )
    await assign_name(session, quotation)
    session.add(quotation)
    await session.flush()
    taxable = Decimal(0)
    subtotal = Decimal(0)
    for item in items:
        amount = to_money(item.price)
        session.add(
            QuotationLine(
                quotation_id=quotation.id,
                item_id=item.id,
                description=item.label(language),
                qty=1,
                rate=item.price,
                amount=amount,
                taxable=item.taxable,
            )
        )
        subtotal += amount
        taxable += amount if item.taxable else Decimal(0)
    quotation.subtotal = subtotal
    quotation.gst, quotation.qst = quebec_taxes(taxable)
    quotation.total = subtotal + quotation.gst + quotation.qst
    await session.flush()
    return quotation


def order_token(jwt_secret: str, order: SignupOrder) -> str:
    return issue_link_token(
        jwt_secret, subject=order.name, audience=Audience.signup, lifetime=ORDER_LIFETIME
    )


def accept_token(jwt_secret: str, quotation: Quotation) -> str:
    return issue_link_token(
        jwt_secret, subject=quotation.name, audience=Audience.accept, lifetime=ORDER_LIFETIME
    )


async def order_of_token(session: AsyncSession, jwt_secret: str, token: str) -> SignupOrder:
    """The order a signup token names (401 for a forged, expired or foreign token)."""
    claims = verify_link_token(jwt_secret, token, audience=Audience.signup)
    order = await session.scalar(select(SignupOrder).where(SignupOrder.name == claims.subject))
    if order is None:
        raise NotFoundError("No order is named {name}.", name=claims.subject)
    return order


async def order_of_quotation(session: AsyncSession, name: str) -> SignupOrder:
    order = await session.scalar(
        select(SignupOrder)
        .join(Quotation, Quotation.id == SignupOrder.quotation_id)
        .where(Quotation.name == name)
    )
    if order is None:
        raise NotFoundError("No quotation is named {name}.", name=name)
    return order


async def quote_parts(
    session: AsyncSession, order: SignupOrder
) -> tuple[Lead, Quotation, list[tuple[QuotationLine, Item]]]:
    lead = await session.get(Lead, order.lead_id)
    quotation = await session.get(Quotation, order.quotation_id)
    assert lead is not None
    assert quotation is not None
    rows = (
        await session.execute(
            select(QuotationLine, Item)
            .join(Item, Item.id == QuotationLine.item_id)
            .where(QuotationLine.quotation_id == quotation.id)
            .order_by(QuotationLine.id)
        )
    ).all()
    return lead, quotation, [(line, item) for line, item in rows]


async def contract_of(
    session: AsyncSession, order: SignupOrder, *, company: str
) -> tuple[Quotation, str]:
    lead, quotation, lines = await quote_parts(session, order)
    text = contract_text(
        company=company,
        order=order,
        lead=lead,
        quotation=quotation,
        lines=[(line, is_monthly(item)) for line, item in lines],
        language=lead.language,
    )
    return quotation, text


def order_lines(lines: Sequence[tuple[QuotationLine, Item]]) -> list[dict[str, object]]:
    return [
        {
            "code": item.item_code,
            "description": line.description,
            "qty": line.qty,
            "rate": line.rate,
            "amount": line.amount,
            "monthly": is_monthly(item),
        }
        for line, item in lines
    ]


async def quotation_of(session: AsyncSession, order: SignupOrder) -> Quotation:
    quotation = await session.get(Quotation, order.quotation_id)
    assert quotation is not None
    return quotation


async def first_invoice_name(session: AsyncSession, order: SignupOrder) -> str:
    """The invoice the order's first payment settles; 409 before acceptance or once paid."""
    if order.status is OrderStatus.quoted or order.invoice_id is None:
        raise ConflictError(N_("Accept the contract before paying."))
    if order.status is not OrderStatus.accepted:
        raise ConflictError(N_("This order is already paid."))
    invoice = await session.get(SalesInvoice, order.invoice_id)
    assert invoice is not None
    return invoice.name
