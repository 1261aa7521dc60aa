"""Danish banking days: weekends, public holidays, and the days banks close anyway (pinned),
as Danmarks Nationalbank's closing days (../shared/reference/law.md § 5.2)."""

from __future__ import annotations

from datetime import date

import pytest

from policies import rules
from policies.interest import first_interest_day
from policies.law.dk import LAW
from tests.policies.factories import invoice, policy, run, snapshot


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


# Danmarks Nationalbank's closing days (../shared/reference/law.md § 5.2, corrected): the Friday
# after Ascension Day is closed, 1 May is open.
@pytest.mark.parametrize(
    "day",
    [
        date(2026, 5, 15),  # Ascension Day is Thursday 14 May 2026
        date(2025, 5, 30),  # Ascension Day is Thursday 29 May 2025
        date(2024, 5, 10),  # Ascension Day is Thursday 9 May 2024
    ],
)
def test_the_friday_after_ascension_day_is_closed(day: date) -> None:
    assert not LAW.is_banking_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 5, 1),  # a Friday
        date(2025, 5, 1),  # a Thursday
        date(2026, 5, 13),  # the day before Ascension Day
        date(2026, 5, 18),  # the Monday after
    ],
)
def test_1_may_and_the_days_around_ascension_are_open(day: date) -> None:
    assert LAW.is_banking_day(day)


def test_ascension_closes_thursday_and_friday() -> None:
    assert LAW.next_banking_day(date(2026, 5, 14)) == date(2026, 5, 18)
    assert LAW.next_banking_day(date(2026, 5, 15)) == date(2026, 5, 18)
    assert LAW.next_banking_day(date(2025, 5, 29)) == date(2025, 6, 2)
    assert LAW.next_banking_day(date(2026, 5, 1)) == date(2026, 5, 1)


@pytest.mark.parametrize(
    ("sent", "deadline"),
    [
        (date(2026, 5, 4), date(2026, 5, 18)),  # 10 days: Thursday 14 May, Ascension Day
        (date(2026, 5, 5), date(2026, 5, 18)),  # 10 days: Friday 15 May, closed
        (date(2026, 5, 6), date(2026, 5, 18)),  # 10 days: Saturday 16 May
        (date(2026, 4, 21), date(2026, 5, 1)),  # 10 days: Friday 1 May, open
        (date(2025, 5, 20), date(2025, 6, 2)),  # 10 days: Friday 30 May 2025, closed
    ],
)
def test_a_deadline_moves_off_the_friday_after_ascension_not_off_1_may(
    sent: date, deadline: date
) -> None:
    assert rules.deadline(LAW, today=sent, days=10).day == deadline


def test_a_reminder_deadline_in_decide_skips_the_friday_after_ascension() -> None:
    # A one-step ladder: a reminder with 10 days to pay, sent on the day decide() runs.
    ladder = {"steps": [{"action": "reminder", "days": 1, "deadline_days": 10}]}
    snap = snapshot([invoice(due=date(2026, 4, 27))])
    [reminder] = run(date(2026, 5, 5), snap, (), policy(ladder))
    assert reminder.deadline == date(2026, 5, 18)
    assert "moved from Friday 2026-05-15 (not a banking day)" in reminder.explanation
    [reminder] = run(
        date(2026, 4, 21), snapshot([invoice(due=date(2026, 4, 13))]), (), policy(ladder)
    )
    assert reminder.deadline == date(2026, 5, 1)


@pytest.mark.parametrize(
    ("due", "first"),
    [
        (date(2026, 5, 15), date(2026, 5, 19)),  # closed Friday: Monday 18 May is on time
        (date(2026, 5, 1), date(2026, 5, 2)),  # 1 May is a banking day
    ],
)
def test_lenient_due_date_on_danish_closing_days(due: date, first: date) -> None:
    assert first_interest_day(LAW, due, lenient=True) == first
