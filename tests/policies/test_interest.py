"""Late interest at its edges: day counts, leap years, half-year splits, rates, rounding."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from bridge.vocab.domain import CustomerKind, InterestCharge, Payment, money
from policies.daycount import DayCount, counted_days, year_days
from policies.interest import accrue, first_interest_day, principal_of
from policies.law import RateUnavailable
from policies.law.dk import LAW
from tests.policies.factories import invoice

D = Decimal


def flat(amount: str) -> Callable[[date], Decimal]:
    return lambda _day: D(amount)


def charge(
    start: date,
    end: date,
    principal: Callable[[date], Decimal],
    *,
    due: date | None = None,
    day_count: DayCount = "actual/365",
    kind: CustomerKind = CustomerKind.BUSINESS,
) -> InterestCharge:
    result = accrue(
        LAW,
        due_date=due or date.fromordinal(start.toordinal() - 1),
        kind=kind,
        start=start,
        end=end,
        principal=principal,
        day_count=day_count,
    )
    assert result is not None
    return result


def test_actual_365_and_30_360_on_law_md_example_3() -> None:
    # DKK 10 000, 2025 H1 at 10.75 %: 45 actual days, 44 days in 30E/360.
    start, end = date(2025, 3, 2), date(2025, 4, 15)
    actual = charge(start, end, flat("10000"))
    thirty = charge(start, end, flat("10000"), day_count="30/360")
    assert (actual.amount, actual.periods[0].days, actual.periods[0].year_days) == (
        D("132.53"),
        45,
        365,
    )
    assert (thirty.amount, thirty.periods[0].days, thirty.periods[0].year_days) == (
        D("131.39"),
        44,
        360,
    )


def test_a_leap_year_counts_366_days() -> None:
    result = charge(date(2024, 2, 1), date(2024, 3, 1), flat("10000"))
    assert result.periods[0].year_days == 366
    assert result.amount == D("96.31")  # 10 000 x 11.75 % x 30 / 366


def test_a_period_across_new_year_into_a_leap_year_splits() -> None:
    result = charge(date(2023, 12, 31), date(2024, 1, 1), flat("100000"))
    assert [(p.start, p.days, p.year_days, p.rate) for p in result.periods] == [
        (date(2023, 12, 31), 1, 365, D("11.25")),
        (date(2024, 1, 1), 1, 366, D("11.75")),
    ]
    assert result.amount == D("62.93")  # 30.8219... + 32.1038...


def test_a_rate_change_on_1_july_splits_the_period() -> None:
    result = charge(date(2024, 6, 16), date(2024, 7, 15), flat("25000"))
    assert [(p.start, p.end, p.days, p.rate) for p in result.periods] == [
        (date(2024, 6, 16), date(2024, 6, 30), 15, D("11.75")),
        (date(2024, 7, 1), date(2024, 7, 15), 15, D("11.50")),
    ]
    assert result.amount == D("238.22")
    assert result.rate == D("11.50")  # the rate in force on the last day


def test_30_360_split_sums_like_the_whole() -> None:
    result = charge(date(2024, 6, 16), date(2024, 7, 15), flat("25000"), day_count="30/360")
    assert result.amount == D("242.19")  # law.md example 4 (30/360)
    assert sum(p.days for p in result.periods) == counted_days("30/360", *_span(result))


def _span(result: InterestCharge) -> tuple[date, date]:
    return result.start, result.end


def test_negative_reference_rate_2021_h2() -> None:
    result = charge(date(2021, 8, 2), date(2021, 8, 31), flat("10000"))
    assert result.periods[0].rate == D("7.65")  # -0.35 + 8
    assert result.amount == D("62.88")


def test_claim_due_before_march_2013_keeps_seven_points() -> None:
    old = charge(date(2013, 7, 1), date(2013, 7, 30), flat("10000"), due=date(2013, 2, 28))
    new = charge(date(2013, 7, 1), date(2013, 7, 30), flat("10000"), due=date(2013, 3, 1))
    assert (old.rate, old.amount) == (D("7.20"), D("59.18"))
    assert (new.rate, new.amount) == (D("8.20"), D("67.40"))


def test_rounded_once_half_up() -> None:
    # 200 x 9.75 % x 6/360 = 0.325 exactly: half-up gives 0.33 (half-even would give 0.32).
    single = charge(date(2025, 7, 2), date(2025, 7, 7), flat("200"), day_count="30/360")
    assert single.periods[0].amount == D("0.325")
    assert single.amount == D("0.33")

    # Two periods of 0.325 each: rounded once the total is 0.65, not 0.33 + 0.33.
    def principal(day: date) -> Decimal:
        return D(200) if day < date(2025, 7, 8) else D(100)

    double = charge(date(2025, 7, 2), date(2025, 7, 19), principal, day_count="30/360")
    assert [p.amount for p in double.periods] == [D("0.325"), D("0.325")]
    assert double.amount == D("0.65")
    assert sum(money(p.amount) for p in double.periods) == D("0.66")


def test_payment_reduces_principal_from_the_day_after_it() -> None:
    # Interest runs through the payment day (../shared/reference/law.md § 6, example 2).
    inv = invoice(due=date(2026, 1, 19), amount="10000.00", outstanding="4000.00")
    payments = [Payment("1001", date(2026, 2, 10), D("6000.00"))]
    principal = principal_of(inv, payments)
    assert principal(date(2026, 2, 10)) == D("10000.00")
    assert principal(date(2026, 2, 11)) == D("4000.00")
    result = charge(date(2026, 2, 1), date(2026, 2, 20), principal, due=inv.due_date)
    assert [(p.start, p.end, p.principal) for p in result.periods] == [
        (date(2026, 2, 1), date(2026, 2, 10), D("10000.00")),
        (date(2026, 2, 11), date(2026, 2, 20), D("4000.00")),
    ]


def test_unknown_payments_never_raise_the_principal() -> None:
    inv = invoice(amount="10000.00", outstanding="4000.00")
    principal = principal_of(inv, [])  # the vendor did not report the 6000 paid
    assert principal(date(2026, 1, 1)) == D("4000.00")


def test_empty_period_gives_no_charge() -> None:
    assert (
        accrue(
            LAW,
            due_date=date(2026, 1, 19),
            kind=CustomerKind.BUSINESS,
            start=date(2026, 1, 21),
            end=date(2026, 1, 20),
            principal=flat("1"),
            day_count="actual/365",
        )
        is None
    )


def test_a_day_outside_the_rate_table_raises() -> None:
    with pytest.raises(RateUnavailable):
        charge(date(2026, 12, 30), date(2027, 1, 2), flat("100"))


@pytest.mark.parametrize(
    ("due", "lenient", "first"),
    [
        (date(2026, 1, 19), True, date(2026, 1, 20)),  # a Monday: the day after
        (date(2026, 1, 17), True, date(2026, 1, 20)),  # Saturday: Monday is on time
        (date(2026, 1, 17), False, date(2026, 1, 18)),
        (date(2026, 12, 24), True, date(2026, 12, 29)),  # paid on the 28th is on time
    ],
)
def test_first_interest_day(due: date, lenient: bool, first: date) -> None:
    assert first_interest_day(LAW, due, lenient=lenient) == first


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 1, 31), date(2026, 1, 31), 0),  # the 31st counts as the 30th
        (date(2026, 3, 1), date(2026, 3, 1), 3),  # 28 Feb -> 1 Mar is three 30E days
        (date(2026, 1, 1), date(2026, 12, 31), 360),
        (date(2026, 1, 2), date(2026, 1, 1), 0),
    ],
)
def test_thirty_e_360_day_count(start: date, end: date, days: int) -> None:
    assert counted_days("30/360", start, end) == days


def test_year_days() -> None:
    assert year_days("actual/365", date(2024, 5, 1)) == 366
    assert year_days("actual/365", date(2025, 5, 1)) == 365
    assert year_days("30/360", date(2024, 5, 1)) == 360
