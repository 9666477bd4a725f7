from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.core.errors import ConflictError, ValidationFailedError
from gigafibre.staff import service


def test_roles_come_from_authentik_groups() -> None:
    groups = ["Admin", "gigafibre-dispatch", "gf-tech", "marketing", "billing-team"]
    assert service.roles_from_groups(groups) == ["admin", "dispatch", "tech"]


async def test_passwords_are_stored_as_argon2_hashes(session: AsyncSession) -> None:
    staff = await service.create_staff(
        session, username="Hélène", password="a long passphrase", roles=["billing"]
    )
    assert staff.username == "hélène"
    assert staff.password_hash is not None
    assert staff.password_hash.startswith("$argon2id$")
    assert "a long passphrase" not in staff.password_hash


async def test_short_passwords_and_duplicates_are_refused(session: AsyncSession) -> None:
    with pytest.raises(ValidationFailedError):
        await service.create_staff(session, username="ivan", password="short", roles=["tech"])
    await service.create_staff(session, username="ivan", password="long enough pw", roles=["tech"])
    with pytest.raises(ConflictError):
        await service.create_staff(
            session, username="IVAN", password="long enough pw", roles=["tech"]
        )


async def test_disabled_staff_cannot_sign_in(session: AsyncSession) -> None:
    staff = await service.create_staff(
        session, username="julie", password="long enough pw", roles=["support"]
    )
    staff.active = False
    await session.flush()
    result = await service.log_in(
        session, username="julie", password="long enough pw", max_age_seconds=60
    )
    assert result is None
