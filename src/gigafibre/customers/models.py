"""Customer, Service Location, Tag, the search index and the customer's timeline."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gigafibre.core.db import Base, Timestamped, utcnow
from gigafibre.core.types import UTCDateTime, enum_column


class CustomerType(StrEnum):
    residential = "residential"
    commercial = "commercial"


class CustomerStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    inactive = "inactive"


class Language(StrEnum):
    fr = "fr"
    en = "en"


customer_tag = Table(
    "customer_tag",
    Base.metadata,
    Column("customer_id", ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_customer_tag_tag_id", "tag_id"),
)


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    color: Mapped[str] = mapped_column(String(20), default="secondary")


class Customer(Timestamped, Base):
    """Someone we serve. `phone` is E.164; `name` is the C-000123 series."""

    __tablename__ = "customer"
    naming_series: ClassVar[tuple[str, int]] = ("C-", 6)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    customer_name: Mapped[str] = mapped_column(String(140), index=True)
    customer_type: Mapped[CustomerType] = mapped_column(
        enum_column(CustomerType, "customer_type"), default=CustomerType.residential
    )
    status: Mapped[CustomerStatus] = mapped_column(
        enum_column(CustomerStatus, "customer_status"), default=CustomerStatus.active
    )
    language: Mapped[Language] = mapped_column(
        enum_column(Language, "customer_language"), default=Language.fr
    )
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    billing_day: Mapped[int] = mapped_column(SmallInteger, default=1)
    notes: Mapped[str] = mapped_column(Text, default="")

    locations: Mapped[list[ServiceLocation]] = relationship(
        back_populates="customer", order_by="ServiceLocation.id", lazy="raise"
    )
    tags: Mapped[list[Tag]] = relationship(
        secondary=customer_tag, order_by="Tag.name", lazy="raise"
    )


class ServiceLocation(Timestamped, Base):
    """A civic address where we deliver service, and where it plugs into the PON."""

    __tablename__ = "service_location"
    naming_series: ClassVar[tuple[str, int]] = ("LOC-", 6)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    civic_number: Mapped[str] = mapped_column(String(12))
    street: Mapped[str] = mapped_column(String(140))
    unit: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(80))
    province: Mapped[str] = mapped_column(String(2), default="QC")
    postal_code: Mapped[str] = mapped_column(String(7), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    olt_name: Mapped[str] = mapped_column(String(60), default="")
    pon_port: Mapped[str] = mapped_column(String(20), default="")
    onu_id: Mapped[int | None] = mapped_column(Integer)
    access_notes: Mapped[str] = mapped_column(Text, default="")

    customer: Mapped[Customer] = relationship(back_populates="locations", lazy="raise")

    @property
    def address_line(self) -> str:
        unit = f"{self.unit}-" if self.unit else ""
        return f"{unit}{self.civic_number} {self.street}"


class CustomerSearchTerm(Base):
    """Normalised words of a customer (name, phone digits, email, address, postal code).

    A prefix range scan on (term) works the same on SQLite and PostgreSQL (byte order: "C"
    collation there) and keeps search off full scans; the customer service rewrites a
    customer's terms on every change. Each row carries the customer's name as `sort_name`, so
    the (term, sort_name, customer_id) index alone yields a sorted page of matches: without it
    the database either walks every customer by name or looks each match up in `customer`.
    """

    __tablename__ = "customer_search_term"
    __table_args__ = (
        Index("ix_customer_search_term_term_sort", "term", "sort_name", "customer_id"),
    )

    term: Mapped[str] = mapped_column(
        String(160).with_variant(String(160, collation="C"), "postgresql"), primary_key=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    sort_name: Mapped[str] = mapped_column(String(140), default="", server_default="")


class TimelineEntry(Base):
    """Something that happened to a customer, in words staff can read."""

    __tablename__ = "timeline_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(80), default="")
    reference: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
