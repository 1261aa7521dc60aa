"""How amounts, rates and periods read in explanations (English, fixed format, via babel)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import parse_pattern

_LOCALE = Locale.parse("en_US")
# Parsed once: decide() explains every decision, and babel would parse locale and pattern on
# each call (most of decide()'s time, measured by bench/decide_throughput.py).
_RATE = parse_pattern("0.00##")
_POINTS = parse_pattern("0.##")


def amount(value: Decimal, currency: str) -> str:
    """Format money as ``DKK 10,000.00``.

    Explanations are English with a fixed format, which the standard format mini-language
    gives exactly (a test pins it to babel's en_US output) at a fraction of babel's cost;
    letters to customers use babel with the customer's locale.
    """
    return f"{currency} {value:,.2f}"


def percent(value: Decimal) -> str:
    """Format a rate as ``9.75 %`` (two decimals at least, more when the table has them)."""
    return _percent(str(value))


def points(value: Decimal) -> str:
    """Format a surcharge in percentage points as ``8`` or ``7.5``."""
    return _points(str(value))


# Rates and surcharges come from short tables, and every interest note names several: each is
# formatted by babel once. The cache is keyed by the number's text, not its value: 8 and 8.0
# are equal as numbers, and the formatted text must not depend on which was asked first.
@lru_cache(maxsize=1024)
def _percent(value: str) -> str:
    return f"{_RATE.apply(Decimal(value), _LOCALE)} %"


@lru_cache(maxsize=1024)
def _points(value: str) -> str:
    return str(_POINTS.apply(Decimal(value), _LOCALE))


def period(start: date, end: date) -> str:
    """Format an inclusive period as ``2026-02-03..2026-02-14``."""
    return f"{start.isoformat()}..{end.isoformat()}"


def days(count: int) -> str:
    """Format a day count with its noun."""
    return f"{count} day" if count == 1 else f"{count} days"


def weekday(day: date) -> str:
    """Name the day of the week in English (``Saturday``)."""
    return format_date(day, format="EEEE", locale=_LOCALE)


def written(value: Any, room: int = 60) -> str:
    """Show a value from a file as it is written there ("12.50", 12.50, true), cut to ``room``.

    Error messages name what the user wrote, never a Python repr such as ``Decimal('12.50')``.
    """
    if isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
    elif value is None or isinstance(value, bool):
        shown = json.dumps(value)
    elif isinstance(value, Decimal | int | float):
        shown = str(value)
    elif isinstance(value, Mapping):
        shown = "{" + ", ".join(f"{written(str(k))}: {written(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list | tuple):
        shown = "[" + ", ".join(written(v) for v in value) + "]"
    else:
        shown = str(value)
    return shown if len(shown) <= room else shown[: room - 3] + "..."
