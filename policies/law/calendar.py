"""Banking days per country: weekends, public holidays and the days banks close anyway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays


@lru_cache(maxsize=256)
def _closed_days(
    country: str,
    year: int,
    categories: tuple[str, ...],
    options: tuple[tuple[str, bool], ...] = (),
) -> frozenset[date]:
    """Return the holidays of one country and year in the given categories."""
    extra: dict[str, Any] = dict(options)
    table = holidays.country_holidays(country, years=year, categories=categories, **extra)
    return frozenset(table.keys())


@dataclass(frozen=True, slots=True)
class BankingCalendar:
    """A country's banking days, from the ``holidays`` tables plus pinned extra closing days."""

    country: str
    # Categories are named explicitly so a library upgrade cannot silently change the set.
    categories: tuple[str, ...] = ("public",)
    # (month, day) pairs that are never banking days whatever the library says.
    extra_closed: tuple[tuple[int, int], ...] = ()
    # Library options passed explicitly, e.g. Sweden's include_sundays (on by default there).
    options: tuple[tuple[str, bool], ...] = ()

    def closed_days(self, year: int) -> frozenset[date]:
        """Return the library's holidays of one year in the chosen categories."""
        return _closed_days(self.country, year, self.categories, self.options)

    def is_banking_day(self, day: date) -> bool:
        """Tell whether banks are open on ``day``."""
        return _is_banking_day(self, day)

    def next_banking_day(self, day: date) -> date:
        """Return ``day`` when it is a banking day, else the first banking day after it."""
        return _next_banking_day(self, day)


# decide() asks these for every invoice; a ledger has few distinct dates, so remember answers.
@lru_cache(maxsize=1 << 16)
def _is_banking_day(calendar: BankingCalendar, day: date) -> bool:
    if day.weekday() >= 5:
        return False
    if (day.month, day.day) in calendar.extra_closed:
        return False
    return day not in _closed_days(
        calendar.country, day.year, calendar.categories, calendar.options
    )


@lru_cache(maxsize=1 << 16)
def _next_banking_day(calendar: BankingCalendar, day: date) -> date:
    while not _is_banking_day(calendar, day):
        day += timedelta(days=1)
    return day
