from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gigafibre.core.money import Money, quebec_taxes, to_money


def test_taxes_round_half_up_to_the_cent() -> None:
    assert quebec_taxes(Decimal("75.00")) == (Decimal("3.75"), Decimal("7.48"))
    # 0.10 * 9.975 % = 0.009975 -> 0.01 ; 0.10 * 5 % = 0.005 -> 0.01 (half-up, not banker's)
    assert quebec_taxes(Decimal("0.10")) == (Decimal("0.01"), Decimal("0.01"))


def test_to_money_rounds_half_up() -> None:
    assert to_money("2.675") == Decimal("2.68")
    assert to_money("-2.675") == Decimal("-2.68")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_money_column_round_trips_cents(value: Decimal) -> None:
    column = Money()
    stored = column.process_bind_param(value, None)  # type: ignore[arg-type]
    assert isinstance(stored, int)
    assert column.process_result_value(stored, None) == value  # type: ignore[arg-type]
