"""Staff accounts, local logins, and staff known through Authentik ForwardAuth headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError, ValidationFailedError
from gigafibre.core.security import (
    hash_password,
    new_token,
    password_needs_rehash,
    token_digest,
    verify_password,
)
from gigafibre.staff.models import Role, StaffSession, StaffUser

MIN_PASSWORD_LENGTH = 10
GROUP_PREFIXES = ("", "gigafibre-", "gigafibre_", "gf-")


@dataclass(frozen=True)
class StaffIdentity:
    """Who is making a request, however they were recognised."""

    id: int
    username: str
    full_name: str
    roles: frozenset[str]
    language: str
    via: str  # "session" or "forwardauth"
    binding: str  # what the CSRF token is bound to

    def has_any(self, roles: Iterable[str]) -> bool:
        return Role.admin in self.roles or bool(self.roles.intersection(roles))


def roles_from_groups(groups: Iterable[str]) -> list[str]:
    """Authentik groups named `admin`, `gigafibre-dispatch`, … give the matching roles."""
    valid = {role.value for role in Role}
    found: set[str] = set()
    for group in groups:
        name = group.strip().lower()
        for prefix in GROUP_PREFIXES:
            if name.startswith(prefix) and name[len(prefix) :] in valid:
                found.add(name[len(prefix) :])
    return sorted(found)


def _check_roles(roles: Sequence[str]) -> list[str]:
    valid = {role.value for role in Role}
    unknown = [role for role in roles if role not in valid]
    if unknown or not roles:
        raise ValidationFailedError(
            "Choose at least one role among: {roles}.",
            fields={"roles": "Choose one of the listed values."},
            roles=", ".join(sorted(valid)),
        )
    return sorted(set(roles))


async def create_staff(
    session: AsyncSession,
    *,
    username: str,
    password: str | None,
    roles: Sequence[str],
    full_name: str = "",
    email: str | None = None,
    language: str = "fr",
) -> StaffUser:
    username = username.strip().lower()
    if not username:
        raise ValidationFailedError(
            "Some fields are not valid.", fields={"username": "This field is required."}
        )
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailedError(
            "Some fields are not valid.",
            fields={"password": "Use at least 10 characters."},
        )
    existing = await session.scalar(select(StaffUser.id).where(StaffUser.username == username))
    if existing is not None:
        raise ConflictError("A staff account named {username} already exists.", username=username)
    staff = StaffUser(
        username=username,
        full_name=full_name or username,
        email=email,
        roles=_check_roles(roles),
        language=language,
        password_hash=hash_password(password) if password else None,
    )
    session.add(staff)
    await session.flush()
    return staff


async def list_staff(session: AsyncSession) -> Sequence[StaffUser]:
    return (await session.scalars(select(StaffUser).order_by(StaffUser.username))).all()


def identity_of(staff: StaffUser, *, via: str, binding: str) -> StaffIdentity:
    return StaffIdentity(
        id=staff.id,
        username=staff.username,
        full_name=staff.full_name,
        roles=frozenset(staff.roles),
        language=staff.language,
        via=via,
        binding=binding,
    )


async def log_in(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    max_age_seconds: int,
    ip_address: str = "",
    user_agent: str = "",
) -> tuple[str, StaffUser] | None:
    """Check a password; on success open a session and return its token (to put in a cookie)."""
    staff = await session.scalar(
        select(StaffUser).where(StaffUser.username == username.strip().lower())
    )
    valid = verify_password(staff.password_hash if staff else None, password)
    if staff is None or not valid or not staff.active:
        return None
    assert staff.password_hash is not None
    if password_needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    now = utcnow()
    staff.last_login_at = now
    token = new_token()
    session.add(
        StaffSession(
            token_hash=token_digest(token),
            staff_id=staff.id,
            created_at=now,
            expires_at=now + dt.timedelta(seconds=max_age_seconds),
            ip_address=ip_address[:45],
            user_agent=user_agent[:300],
        )
    )
    await session.flush()
    return token, staff


async def log_out(session: AsyncSession, *, token: str) -> None:
    digest = token_digest(token)
    await session.execute(delete(StaffSession).where(StaffSession.token_hash == digest))


async def staff_for_session(session: AsyncSession, *, token: str) -> StaffUser | None:
    row = await session.execute(
        select(StaffUser, StaffSession.expires_at)
        .join(StaffSession, StaffSession.staff_id == StaffUser.id)
        .where(StaffSession.token_hash == token_digest(token))
    )
    found = row.first()
    if found is None:
        return None
    staff, expires_at = found
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=dt.UTC)
    if expires_at <= utcnow() or not staff.active:
        return None
    return staff


async def staff_from_forwardauth(
    session: AsyncSession, *, username: str, email: str | None, groups: Sequence[str]
) -> StaffUser | None:
    """Find or create the account Authentik vouches for; its roles follow the groups."""
    username = username.strip().lower()
    if not username:
        return None
    roles = roles_from_groups(groups)
    staff = await session.scalar(select(StaffUser).where(StaffUser.username == username))
    if staff is None:
        staff = StaffUser(username=username, full_name=username, email=email, roles=roles)
        session.add(staff)
    else:
        if staff.roles != roles:
            staff.roles = roles
        if email and staff.email != email:
            staff.email = email
    await session.flush()
    return staff if staff.active else None


async def purge_expired_sessions(session: AsyncSession) -> int:
    result = await session.execute(delete(StaffSession).where(StaffSession.expires_at < utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)
