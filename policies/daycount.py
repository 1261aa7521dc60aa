"""Day-count conventions for late interest: actual/365 (366 in leap years) and 30E/360."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Final, Literal, get_args

DayCount = Literal["actual/365", "30/360"]
DAY_COUNTS: Final[tuple[str, ...]] = get_args(DayCount)


def year_days(day_count: DayCount, day: date) -> int:
    """Return the number of days in the interest year that ``day`` belongs to."""
    if day_count == "30/360":
        return 360
    return 366 if calendar.isleap(day.year) else 365


def counted_days(day_count: DayCount, start: date, end: date) -> int:
    """Count the interest days from ``start`` through ``end``, both inclusive."""
    if end < start:
        return 0
    if day_count == "30/360":
        return _thirty_e_360(start - timedelta(days=1), end)
    return (end - start).days + 1


def _thirty_e_360(before: date, last: date) -> int:
    """European 30E/360 between the day before the first interest day and the last one."""
    # Additive over adjacent periods, so a period split at half-years sums to the whole.
    d1 = min(before.day, 30)
    d2 = min(last.day, 30)
    return 360 * (last.year - before.year) + 30 * (last.month - before.month) + d2 - d1
