"""How amounts, rates and periods read in explanations (English, fixed format, via babel)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

_LOCALE = "en_US"


def amount(value: Decimal, currency: str) -> str:
    """Format money as ``DKK 10,000.00``."""
    return f"{currency} {format_decimal(value, format='#,##0.00', locale=_LOCALE)}"


def percent(value: Decimal) -> str:
    """Format a rate as ``9.75 %`` (two decimals at least, more when the table has them)."""
    return f"{format_decimal(value, format='0.00##', locale=_LOCALE)} %"


def points(value: Decimal) -> str:
    """Format a surcharge in percentage points as ``8`` or ``7.5``."""
    return format_decimal(value, format="0.##", locale=_LOCALE)


def period(start: date, end: date) -> str:
    """Format an inclusive period as ``2026-02-03..2026-02-14``."""
    return f"{start.isoformat()}..{end.isoformat()}"


def days(count: int) -> str:
    """Format a day count with its noun."""
    return f"{count} day" if count == 1 else f"{count} days"


def weekday(day: date) -> str:
    """Name the day of the week in English (``Saturday``)."""
    return format_date(day, format="EEEE", locale=_LOCALE)
