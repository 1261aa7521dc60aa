"""Late interest: simple, per day, at the rate in force that day, on that day's principal."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bridge.vocab.domain import (
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


@dataclass(frozen=True, slots=True)
class PaidDown:
    """An invoice's interest-bearing principal per day (a ``Principal``), from its payments.

    It changes only on the day after a payment arrives, which ``accrue`` reads to price whole
    stretches of days at once instead of asking day by day.
    """

    amount: Decimal  # the invoice's amount: the principal never exceeds it
    outstanding: Decimal  # today's outstanding amount, never below zero
    payments: tuple[Payment, ...]  # the invoice's own payments, oldest first

    def __call__(self, day: date) -> Decimal:
        """Return the principal on ``day``: today's outstanding plus what was paid that day or
        later (the payment day still bears interest on the amount paid that day)."""
        later = sum((p.amount for p in self.payments if p.date >= day), ZERO)
        return max(ZERO, min(self.amount, self.outstanding + later))

    def changes(self) -> Iterator[date]:
        """Yield the days the principal may change on: the day after each payment."""
        return (p.date + _DAY for p in self.payments)


def principal_of(invoice: Invoice, payments: Iterable[Payment]) -> PaidDown:
    """Return the interest-bearing principal per day, rebuilt from today's outstanding amount.

    Adding back the payments made on or after a day gives that day's principal: interest runs
    through the payment date, so a payment reduces the principal from the day after it. The
    research's worked examples count days late as payment date minus due date (SEK 20 000 at 8 %
    paid 30 days late is 131.51, 30 days of interest); see docs/law.md "Interest through the
    payment date".

    When the vendor reports only some payments, this can only understate the principal, never
    overstate it; with no payment at all but a settling date, the whole amount counts as paid
    on that date.
    """
    own = sorted(
        (p for p in payments if p.invoice_id == invoice.id and p.amount > ZERO),
        key=lambda p: p.date,
    )
    outstanding = max(invoice.outstanding, ZERO)
    if not own and invoice.paid_date is not None:
        # A system that reports only the settling date: take the amount as paid that day.
        own = [Payment(invoice.id, invoice.paid_date, invoice.amount - outstanding)]
    return PaidDown(invoice.amount, outstanding, tuple(own))


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
        rate = law.annual_rate(day, due_date, kind)
        half = 1 if day.month <= 6 else 2
        basis = year_days(day_count, day)
        return principal(day), rate.rate, day.year, half, basis, rate.placeholder

    # The key holds between the days it may change on, so only those days are asked; a run of
    # days ends where the key differs from the run's. Asked in order, a day the rate table does
    # not cover raises for the first such day, as a walk through every day would.
    periods: list[InterestPeriod] = []
    run_start = start
    run_key = key(run_start)
    for day in _changes(law, principal, start, end):
        next_key = key(day)
        if next_key != run_key:
            periods.append(_period(run_start, day - _DAY, run_key, day_count))
            run_start, run_key = day, next_key
    periods.append(_period(run_start, end, run_key, day_count))
    total = sum((p.amount for p in periods), ZERO)
    return InterestCharge(
        start=start, end=end, amount=money(total), periods=tuple(periods), day_count=day_count
    )


_Key = tuple[Decimal, Decimal, int, int, int, bool] | None


def _changes(law: LawPack, principal: Principal, start: date, end: date) -> list[date]:
    """Return the days after ``start`` through ``end`` on which the period key may change.

    Those are the half-years (which also start the years, and so the year lengths), the
    reference-rate rows and the day after the table's last, and the day after each payment.
    A principal of unknown shape may change on any day, so then every day is one.
    """
    if not isinstance(principal, PaidDown):
        return [start + timedelta(days=n) for n in range(1, (end - start).days + 1)]
    days = set(law.rate_changes(start, end))
    days.update(
        date(year, month, 1) for year in range(start.year, end.year + 1) for month in (1, 7)
    )
    days.update(principal.changes())
    return sorted(day for day in days if start < day <= end)


def _period(start: date, end: date, key: _Key, day_count: DayCount) -> InterestPeriod:
    """Price one run of identical days; the amount stays unrounded until the charge sums it."""
    assert key is not None
    principal, rate, _year, _half, basis, placeholder = key
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
        placeholder=placeholder,
    )
