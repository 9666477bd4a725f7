"""Passwordless sign-in for customers (spec flow 4.6) and what their portal shows.

A request for a link answers the same whether or not the address is known; a link is an HS256
JWT (audience `portal`, 24 h) that works once; the session it opens is a second JWT in an
HttpOnly cookie (audience `portal-session`), so no session table is needed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.errors import AuthenticationRequiredError, ValidationFailedError
from gigafibre.core.i18n import N_
from gigafibre.core.links import (
    Audience,
    LinkClaims,
    issue_link_token,
    issue_session_token,
    session_subject,
    verify_link_token,
)
from gigafibre.customers.models import Customer, CustomerStatus
from gigafibre.customers.normalize import InvalidPhoneError, normalize_phone
from gigafibre.notify import service as notify
from gigafibre.portal.models import UsedLink

SESSION_AUDIENCE = "portal-session"
SESSION_LIFETIME = dt.timedelta(days=7)
LINK_LIFETIME = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Contact:
    email: str | None
    phone: str | None


def parse_contact(raw: str) -> Contact:
    """An email address or a phone number, in any usual form."""
    text = raw.strip()
    if "@" in text:
        try:
            return Contact(
                validate_email(text, check_deliverability=False).normalized.lower(), None
            )
        except EmailNotValidError:
            pass
    else:
        try:
            return Contact(None, normalize_phone(text))
        except InvalidPhoneError:
            pass
    raise ValidationFailedError(
        "Some fields are not valid.",
        fields={"contact": N_("Enter your email address or your phone number.")},
    )


async def request_link(
    session: AsyncSession, *, contact: Contact, base_url: str, secret: str, company_name: str
) -> bool:
    """Queue a sign-in link to a known customer; returns whether one was sent (never shown)."""
    statement = select(Customer).where(Customer.status != CustomerStatus.inactive)
    if contact.email:
        statement = statement.where(Customer.email == contact.email)
    else:
        statement = statement.where(Customer.phone == contact.phone)
    customer = await session.scalar(statement.limit(1))
    if customer is None:
        return False
    token = issue_link_token(
        secret, subject=customer.name, audience=Audience.portal, lifetime=LINK_LIFETIME
    )
    context: dict[str, Any] = {
        "url": f"{base_url}/portal/auth?token={token}",
        "hours": int(LINK_LIFETIME.total_seconds() // 3600),
        "customer_name": customer.customer_name,
        "company_name": company_name,
    }
    if contact.email:
        await notify.queue_email(
            session,
            to=contact.email,
            template="magic_link",
            language=customer.language,
            context=context,
            reference=customer.name,
        )
    else:
        assert contact.phone is not None
        await notify.queue_sms(
            session,
            to=contact.phone,
            template="magic_link",
            language=customer.language,
            context=context,
            reference=customer.name,
        )
    return True


async def redeem_link(session: AsyncSession, *, token: str, secret: str) -> Customer:
    """The customer a valid, unused link names; the link is spent."""
    claims = verify_link_token(secret, token, audience=Audience.portal)
    customer = await session.scalar(select(Customer).where(Customer.name == claims.subject))
    if customer is None or customer.status is CustomerStatus.inactive:
        raise AuthenticationRequiredError("This link is not valid or has expired.")
    await spend_link(session, claims, used_message="This link was already used. Ask for a new one.")
    return customer


async def spend_link(session: AsyncSession, claims: LinkClaims, *, used_message: str) -> None:
    """Record the link's token id, so a second use of the same link is refused."""
    try:
        async with session.begin_nested():
            session.add(
                UsedLink(
                    token_id=claims.token_id,
                    subject=claims.subject,
                    used_at=utcnow(),
                    expires_at=claims.expires_at,
                )
            )
            await session.flush()
    except IntegrityError:
        raise AuthenticationRequiredError(used_message) from None


def session_token(secret: str, customer_name: str) -> str:
    return issue_session_token(
        secret, subject=customer_name, audience=SESSION_AUDIENCE, lifetime=SESSION_LIFETIME
    )


def customer_of_session(secret: str, token: str) -> str | None:
    return session_subject(secret, token, audience=SESSION_AUDIENCE)
