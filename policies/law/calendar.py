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


@lru_cache(maxsize=256)
def _days_after(country: str, year: int, names: tuple[str, ...]) -> frozenset[date]:
    """Return the days of ``year`` that follow a holiday named in ``names``.

    Names are the library's English ones (asked for explicitly, so a default language cannot
    change them); a name the library no longer knows raises rather than open a closed day.
    """
    if not names:
        return frozenset()
    table = holidays.country_holidays(country, years=(year - 1, year), language="en_US")
    found: set[date] = set()
    for name in names:
        days = table.get_named(name, lookup="exact")
        if not days:
            raise LookupError(f"the holidays library has no {name!r} in {country} for {year}")
        found.update(day + timedelta(days=1) for day in days)
    return frozenset(day for day in found if day.year == year)


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
    # Holidays (the library's English names) whose next day banks close too, e.g. Denmark's
    # Friday after Ascension Day; the library gives the holiday's date, we add one day.
    closed_day_after: tuple[str, ...] = ()

    def closed_days(self, year: int) -> frozenset[date]:
        """Return the library's holidays of one year in the chosen categories, and the days
        after the holidays named in ``closed_day_after``."""
        return _closed_days(self.country, year, self.categories, self.options) | _days_after(
            self.country, year, self.closed_day_after
        )

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
    if day in _days_after(calendar.country, day.year, calendar.closed_day_after):
        return False
    return day not in _closed_days(
        calendar.country, day.year, calendar.categories, calendar.options
    )


@lru_cache(maxsize=1 << 16)
def _next_banking_day(calendar: BankingCalendar, day: date) -> date:
    while not _is_banking_day(calendar, day):
        day += timedelta(days=1)
    return day
