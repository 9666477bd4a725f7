"""Signed links for customers (audience `portal`) and technicians (audience `tech`).

HS256 JWTs, 24 h by default, algorithms pinned on verification, a `jti` on every token so a
one-time link can be recorded as used. Who may do what with a verified link is the caller's rule.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum

import jwt

from gigafibre.core.db import utcnow
from gigafibre.core.errors import AuthenticationRequiredError

ALGORITHM = "HS256"
DEFAULT_LIFETIME = dt.timedelta(hours=24)


class Audience(StrEnum):
    portal = "portal"
    tech = "tech"
    accept = "accept"  # a contract to accept (signup); one-time
    signup = "signup"  # a sign-up order in progress, or a verified contact


@dataclass(frozen=True)
class LinkClaims:
    subject: str  # a customer name (C-000123) or a technician name (TECH-0001)
    audience: Audience
    token_id: str
    expires_at: dt.datetime


def issue_link_token(
    secret: str, *, subject: str, audience: Audience, lifetime: dt.timedelta = DEFAULT_LIFETIME
) -> str:
    now = utcnow()
    claims = {
        "sub": subject,
        "aud": audience.value,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_link_token(secret: str, token: str, *, audience: Audience) -> LinkClaims:
    """A valid, unexpired token of this audience, or 401."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience.value,
            options={"require": ["sub", "aud", "exp", "jti"]},
        )
    except jwt.PyJWTError:
        raise AuthenticationRequiredError("This link is not valid or has expired.") from None
    return LinkClaims(
        subject=str(claims["sub"]),
        audience=audience,
        token_id=str(claims["jti"]),
        expires_at=dt.datetime.fromtimestamp(int(claims["exp"]), tz=dt.UTC),
    )


SESSION_LIFETIME = dt.timedelta(days=7)


def issue_session_token(
    secret: str, *, subject: str, audience: str, lifetime: dt.timedelta = SESSION_LIFETIME
) -> str:
    """What a spent link is exchanged for: a cookie's JWT of its own audience (portal, tech)."""
    now = utcnow()
    claims = {
        "sub": subject,
        "aud": audience,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def session_subject(secret: str, token: str, *, audience: str) -> str | None:
    """The customer or technician a session cookie names, or None if it is not valid."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience,
            options={"require": ["sub", "aud", "exp"]},
        )
    except jwt.PyJWTError:
        return None
    return str(claims["sub"])
