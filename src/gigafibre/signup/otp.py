"""One-time codes that prove a visitor owns the email or phone they give (spec otp.js).

Six digits, ten minutes, five attempts. Only an HMAC of the code (keyed with the app secret and
bound to the destination) is stored. Sending answers the same for any destination; a verified
code yields a 30-minute signed token (audience `signup`, subject `otp:<destination>`) that the
order must carry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.errors import AuthenticationRequiredError, DomainError
from gigafibre.core.i18n import N_
from gigafibre.core.links import Audience, issue_link_token, verify_link_token
from gigafibre.notify import service as notify
from gigafibre.portal.service import Contact
from gigafibre.signup.models import OtpChallenge

CODE_LIFETIME = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
VERIFIED_LIFETIME = dt.timedelta(minutes=30)
SENT = N_("If this address can receive messages, a 6-digit code is on its way.")
BAD_CODE = N_("This code is not valid or has expired. Check it or ask for a new one.")
TOO_MANY = N_("Too many wrong codes. Ask for a new code.")
NOT_VERIFIED = N_("Verify your email or phone number first.")


class OtpRefusedError(DomainError):
    """A wrong, expired or exhausted code (422, so the attempt is counted and kept)."""

    status_code = 422
    code = "otp_refused"


def destination_of(contact: Contact) -> str:
    value = contact.email or contact.phone
    assert value is not None
    return value


def code_digest(secret: str, destination: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{destination}|{code}".encode(), hashlib.sha256).hexdigest()


async def send_code(
    session: AsyncSession,
    *,
    contact: Contact,
    secret: str,
    language: str,
    company_name: str,
    now: dt.datetime | None = None,
) -> OtpChallenge:
    """A new code replaces any earlier one for the destination; sent through the outbox."""
    now = now or utcnow()
    destination = destination_of(contact)
    code = f"{secrets.randbelow(1_000_000):06d}"
    challenge = OtpChallenge(
        destination=destination,
        channel="email" if contact.email else "sms",
        code_hash=code_digest(secret, destination, code),
        attempts=0,
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    session.add(challenge)
    await session.flush()
    context = {
        "code": code,
        "minutes": int(CODE_LIFETIME.total_seconds() // 60),
        "company_name": company_name,
    }
    if contact.email:
        await notify.queue_email(
            session, to=contact.email, template="otp", language=language, context=context
        )
    else:
        await notify.queue_sms(
            session, to=destination, template="otp", language=language, context=context
        )
    return challenge


@dataclass(frozen=True)
class Verification:
    """What a verify call decided; the caller commits before raising, so attempts stay counted."""

    token: str | None
    error: str | None


async def check_code(
    session: AsyncSession,
    *,
    contact: Contact,
    code: str,
    secret: str,
    jwt_secret: str,
    now: dt.datetime | None = None,
) -> Verification:
    now = now or utcnow()
    destination = destination_of(contact)
    challenge = await session.scalar(
        select(OtpChallenge)
        .where(OtpChallenge.destination == destination)
        .order_by(OtpChallenge.created_at.desc(), OtpChallenge.id.desc())
        .limit(1)
        .with_for_update()
    )
    if challenge is None or challenge.verified_at is not None or challenge.expires_at <= now:
        return Verification(None, BAD_CODE)
    if challenge.attempts >= MAX_ATTEMPTS:
        return Verification(None, TOO_MANY)
    challenge.attempts += 1
    expected = challenge.code_hash
    given = code_digest(secret, destination, code.strip())
    if not hmac.compare_digest(expected, given):
        await session.flush()
        return Verification(None, TOO_MANY if challenge.attempts >= MAX_ATTEMPTS else BAD_CODE)
    challenge.verified_at = now
    await session.flush()
    token = issue_link_token(
        jwt_secret,
        subject=f"otp:{destination}",
        audience=Audience.signup,
        lifetime=VERIFIED_LIFETIME,
    )
    return Verification(token, None)


def verified_destination(jwt_secret: str, token: str) -> str:
    """The email or phone a verification token proves, or 401."""
    claims = verify_link_token(jwt_secret, token, audience=Audience.signup)
    if not claims.subject.startswith("otp:"):
        raise AuthenticationRequiredError(NOT_VERIFIED)
    return claims.subject.removeprefix("otp:")
