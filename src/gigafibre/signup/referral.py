"""Referral codes (spec referral.js): a customer shares a code; a new customer who signs up with
it gets a credit, and so does the customer who shared it, each on their next invoice.

A code cannot be used by its own customer (same email, phone or service address), and a new
customer, an order or an address is referred once only.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.billing import service as billing
from gigafibre.billing.models import CreditReason
from gigafibre.core.errors import ConflictError, ValidationFailedError
from gigafibre.core.i18n import N_
from gigafibre.customers.models import Customer, ServiceLocation
from gigafibre.customers.normalize import fold
from gigafibre.signup.models import ReferralCode, ReferralUse, SignupOrder

REFERRAL_CREDIT = Decimal("50.00")
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
UNKNOWN = N_("This referral code does not exist. Check it or leave the field empty.")
SELF = N_("You cannot use your own referral code.")
USED = N_("A referral code was already used for this customer or this address.")


def address_key(civic_number: str, street: str, unit: str, postal_code: str) -> str:
    """One address however it is typed: folded words, postal code without space."""
    return " ".join(
        part for part in (fold(unit), fold(civic_number), fold(street), fold(postal_code)) if part
    ).replace(" ", "")[:200]


def normalize_code(raw: str) -> str:
    return raw.strip().upper().replace("-", "").replace(" ", "")


async def code_for(session: AsyncSession, customer: Customer) -> ReferralCode:
    """The customer's code, made the first time it is asked for."""
    found = await session.scalar(
        select(ReferralCode).where(ReferralCode.customer_id == customer.id)
    )
    while found is None:
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        try:
            async with session.begin_nested():
                found = ReferralCode(customer_id=customer.id, code=code)
                session.add(found)
                await session.flush()
        except IntegrityError:  # the same code drawn twice, or another request made one
            found = await session.scalar(
                select(ReferralCode).where(ReferralCode.customer_id == customer.id)
            )
    return found


async def uses_of(session: AsyncSession, code: ReferralCode) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(ReferralUse)
            .where(ReferralUse.referral_code_id == code.id)
        )
        or 0
    )


async def find_code(session: AsyncSession, raw: str) -> ReferralCode:
    code = await session.scalar(
        select(ReferralCode).where(ReferralCode.code == normalize_code(raw))
    )
    if code is None:
        raise ValidationFailedError(UNKNOWN, fields={"referral_code": UNKNOWN})
    return code


async def check_code(
    session: AsyncSession,
    *,
    raw: str,
    email: str | None,
    phone: str | None,
    key: str,
) -> ReferralCode:
    """A code the person described may use; refused with a clear message otherwise."""
    code = await find_code(session, raw)
    owner = await session.get(Customer, code.customer_id)
    assert owner is not None
    same_contact = (email is not None and owner.email == email) or (
        phone is not None and owner.phone == phone
    )
    owner_locations = (
        await session.scalars(
            select(ServiceLocation).where(ServiceLocation.customer_id == owner.id)
        )
    ).all()
    same_address = any(
        address_key(loc.civic_number, loc.street, loc.unit, loc.postal_code) == key
        for loc in owner_locations
    )
    if same_contact or same_address:
        raise ConflictError(SELF, fields={"referral_code": SELF})
    already = await session.scalar(
        select(ReferralUse.id).where(ReferralUse.address_key == key).limit(1)
    )
    contacts = [Customer.email == email] if email else []
    contacts += [Customer.phone == phone] if phone else []
    if already is None and contacts:
        already = await session.scalar(
            select(ReferralUse.id)
            .join(Customer, Customer.id == ReferralUse.referee_customer_id)
            .where(or_(*contacts))
            .limit(1)
        )
    if already is not None:
        raise ConflictError(USED, fields={"referral_code": USED})
    return code


async def reward(session: AsyncSession, *, order: SignupOrder, customer: Customer) -> bool:
    """Credit both sides once the referred order is accepted; False if there is no code."""
    if not order.referral_code:
        return False
    key = address_key(order.civic_number, order.street, order.unit, order.postal_code)
    code = await check_code(
        session, raw=order.referral_code, email=customer.email, phone=customer.phone, key=key
    )
    try:
        async with session.begin_nested():
            session.add(
                ReferralUse(
                    referral_code_id=code.id,
                    referee_customer_id=customer.id,
                    order_id=order.id,
                    address_key=key,
                    credit=REFERRAL_CREDIT,
                )
            )
            await session.flush()
    except IntegrityError:
        raise ConflictError(USED, fields={"referral_code": USED}) from None
    for customer_id, note in ((customer.id, code.code), (code.customer_id, customer.name)):
        await billing.grant_credit(
            session,
            customer_id=customer_id,
            amount=REFERRAL_CREDIT,
            reason=CreditReason.referral,
            note=f"referral {note}",
        )
    return True
