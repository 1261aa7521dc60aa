"""Banking days per country: weekends, public holidays and the days banks close anyway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _closed_days(country: str, year: int, categories: tuple[str, ...]) -> frozenset[date]:
    """Return the holidays of one country and year in the given categories."""
    table = holidays.country_holidays(country, years=year, categories=categories)
    return frozenset(table.keys())


@dataclass(frozen=True, slots=True)
class BankingCalendar:
    """A country's banking days, from the ``holidays`` tables plus pinned extra closing days."""

    country: str
    # Categories are named explicitly so a library upgrade cannot silently change the set.
    categories: tuple[str, ...] = ("public",)
    # (month, day) pairs that are never banking days whatever the library says.
    extra_closed: tuple[tuple[int, int], ...] = ()

    def is_banking_day(self, day: date) -> bool:
        """Tell whether banks are open on ``day``."""
        if day.weekday() >= 5:
            return False
        if (day.month, day.day) in self.extra_closed:
            return False
        return day not in _closed_days(self.country, day.year, self.categories)

    def next_banking_day(self, day: date) -> date:
        """Return ``day`` when it is a banking day, else the first banking day after it."""
        while not self.is_banking_day(day):
            day += timedelta(days=1)
        return day
