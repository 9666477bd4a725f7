"""Staff accounts: local (argon2) or known through Authentik ForwardAuth."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped


class Role(StrEnum):
    admin = "admin"
    dispatch = "dispatch"
    billing = "billing"
    support = "support"
    tech = "tech"


class StaffUser(Timestamped, Base):
    """A member of staff. `password_hash` is empty for accounts known only through Authentik."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(140), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2), default="fr")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
