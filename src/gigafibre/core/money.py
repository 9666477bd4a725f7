"""Money: Decimal in Python, integer cents in the database, CAD, half-up to the cent.

Integer cents behave the same on SQLite (which has no decimal type) and PostgreSQL.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")
GST_RATE = Decimal("0.05")
QST_RATE = Decimal("0.09975")


def to_money(value: Decimal | int | str | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def quebec_taxes(taxable_subtotal: Decimal) -> tuple[Decimal, Decimal]:
    """GST 5 % and QST 9.975 %, each on the taxable subtotal, rounded half-up to the cent."""
    return to_money(taxable_subtotal * GST_RATE), to_money(taxable_subtotal * QST_RATE)


class Money(TypeDecorator[Decimal]):
    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int(to_money(value) * 100)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)
