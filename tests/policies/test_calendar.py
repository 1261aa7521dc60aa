"""Danish banking days: weekends, public holidays, and the days banks close anyway (pinned)."""

from __future__ import annotations

from datetime import date

import pytest

from policies.law.dk import LAW


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year's Day
        date(2026, 4, 2),  # Maundy Thursday
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 14),  # Ascension Day
        date(2026, 5, 25),  # Whit Monday
        date(2026, 6, 5),  # Constitution Day, a Friday: banks closed
        date(2026, 12, 24),  # Christmas Eve, a Thursday
        date(2026, 12, 25),
        date(2026, 12, 31),  # New Year's Eve, a Thursday
        date(2023, 5, 5),  # Great Prayer Day, still a holiday in 2023
        date(2026, 2, 14),  # Saturday
        date(2026, 2, 15),  # Sunday
    ],
)
def test_non_banking_days(day: date) -> None:
    assert not LAW.is_banking_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 2, 16),  # an ordinary Monday
        date(2024, 4, 26),  # Great Prayer Day was abolished from 2024
        date(2026, 6, 4),
        date(2026, 12, 23),
        date(2026, 12, 30),
    ],
)
def test_banking_days(day: date) -> None:
    assert LAW.is_banking_day(day)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 16), date(2026, 2, 16)),  # already a banking day
        (date(2026, 2, 14), date(2026, 2, 16)),  # Saturday -> Monday
        (date(2026, 12, 24), date(2026, 12, 28)),  # Christmas -> the Monday after
        (date(2026, 12, 31), date(2027, 1, 4)),  # New Year's Eve, New Year, weekend
        (date(2026, 4, 2), date(2026, 4, 7)),  # Easter
        (date(2026, 6, 5), date(2026, 6, 8)),  # Constitution Day, then the weekend
    ],
)
def test_next_banking_day_only_moves_later(day: date, expected: date) -> None:
    assert LAW.next_banking_day(day) == expected
