"""Supplier Bill: an invoice a supplier sent us, recorded after a person reviewed its reading."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import Boolean, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gigafibre.core.db import Base, Timestamped
from gigafibre.core.money import Money


class SupplierBill(Timestamped, Base):
    """One supplier invoice; a supplier's invoice number is recorded once."""

    __tablename__ = "supplier_bill"
    naming_series: ClassVar[tuple[str, int]] = ("PINV-", 6)
    __table_args__ = (
        UniqueConstraint("supplier_name", "bill_number", name="uq_supplier_bill_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    supplier_name: Mapped[str] = mapped_column(String(140), index=True)
    bill_number: Mapped[str] = mapped_column(String(60))
    bill_date: Mapped[dt.date] = mapped_column(Date)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    gst: Mapped[Decimal] = mapped_column(Money)
    qst: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    taxes_match: Mapped[bool] = mapped_column(Boolean)  # GST, QST and total checked on saving
    recorded_by: Mapped[str] = mapped_column(String(80))
