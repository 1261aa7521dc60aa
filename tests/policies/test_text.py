"""Explanation formatting: fixed English formats, equal to babel's en_US output."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from policies import text


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_amount_equals_babel_en_us(value: Decimal) -> None:
    expected = format_decimal(value, format="#,##0.00", locale="en_US")
    assert text.amount(value, "DKK") == f"DKK {expected}"


def test_fixed_formats() -> None:
    assert text.amount(Decimal("10000"), "DKK") == "DKK 10,000.00"
    assert text.percent(Decimal("9.75")) == "9.75 %"
    assert text.percent(Decimal("9.125")) == "9.125 %"
    assert text.points(Decimal("8")) == "8"
    assert text.points(Decimal("7.5")) == "7.5"
