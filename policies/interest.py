"""Late interest: simple, per day, at the rate in force that day, on that day's principal."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal

from bridge.domain import (
    ZERO,
    CustomerKind,
    InterestCharge,
    InterestPeriod,
    Invoice,
    Payment,
    money,
)
from policies.daycount import DayCount, counted_days, year_days
from policies.law.base import LawPack

Principal = Callable[[date], Decimal]
_HUNDRED = Decimal(100)
_DAY = timedelta(days=1)


def last_timely_day(law: LawPack, due_date: date, *, lenient: bool) -> date:
    """Return the last day a payment is on time: the due date, or under the lenient reading
    the next banking day when the due date is not one."""
    if lenient and not law.is_banking_day(due_date):
        return law.next_banking_day(due_date)
    return due_date


def first_interest_day(law: LawPack, due_date: date, *, lenient: bool) -> date:
    """Return the first day that bears interest: the day after the due date.

    Lenient: when the due date is not a banking day, payment on the next banking day is timely,
    so interest starts the day after that banking day.
    """
    if lenient and not law.is_banking_day(due_date):
        return law.next_banking_day(due_date) + _DAY
    return due_date + _DAY


def principal_of(invoice: Invoice, payments: Iterable[Payment]) -> Principal:
    """Return the interest-bearing principal per day, rebuilt from today's outstanding amount.

    Adding back the payments made after a day gives that day's principal; a payment reduces the
    principal from its own date on. When the vendor reports only some payments, this can only
    understate the principal, never overstate it; with no payment at all but a settling date,
    the whole amount counts as paid on that date.
    """
    own = sorted(
        (p for p in payments if p.invoice_id == invoice.id and p.amount > ZERO),
        key=lambda p: p.date,
    )
    outstanding = max(invoice.outstanding, ZERO)
    if not own and invoice.paid_date is not None:
        # A system that reports only the settling date: take the amount as paid that day.
        own = [Payment(invoice.id, invoice.paid_date, invoice.amount - outstanding)]

    def principal(day: date) -> Decimal:
        later = sum((p.amount for p in own if p.date > day), ZERO)
        return max(ZERO, min(invoice.amount, outstanding + later))

    return principal


def accrue(
    law: LawPack,
    *,
    due_date: date,
    kind: CustomerKind,
    start: date,
    end: date,
    principal: Principal,
    day_count: DayCount,
) -> InterestCharge | None:
    """Charge interest for ``start``..``end`` (both counted), rounded once; None when empty."""
    if end < start:
        return None

    def key(day: date) -> _Key:
        # Days sharing principal, rate, half-year and year length form one period.
        rate = law.annual_rate(day, due_date, kind).rate
        half = 1 if day.month <= 6 else 2
        return principal(day), rate, day.year, half, year_days(day_count, day)

    periods: list[InterestPeriod] = []
    run_start = start
    run_key = key(run_start)
    day = start + _DAY
    while day <= end + _DAY:
        next_key = key(day) if day <= end else None
        if next_key != run_key:
            periods.append(_period(run_start, day - _DAY, run_key, day_count))
            run_start, run_key = day, next_key
        day += _DAY
    total = sum((p.amount for p in periods), ZERO)
    return InterestCharge(
        start=start, end=end, amount=money(total), periods=tuple(periods), day_count=day_count
    )


_Key = tuple[Decimal, Decimal, int, int, int] | None


def _period(start: date, end: date, key: _Key, day_count: DayCount) -> InterestPeriod:
    """Price one run of identical days; the amount stays unrounded until the charge sums it."""
    assert key is not None
    principal, rate, _year, _half, basis = key
    days = counted_days(day_count, start, end)
    amount = principal * rate * days / (_HUNDRED * basis)
    return InterestPeriod(
        start=start,
        end=end,
        rate=rate,
        days=days,
        year_days=basis,
        principal=principal,
        amount=amount,
    )
