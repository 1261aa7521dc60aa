"""Promises to pay and payment plans: kept, broken or done, judged from the snapshot's payments.

A promise pauses dunning of the invoices it covers while it is kept. Instalment k is kept when
the payments received from the day the promise was made through its deadline add up to the
instalments 1..k (paying early or paying more counts towards the later ones). The deadline is
the instalment's date, moved to the next banking day when it is not one (the lenient reading
the due date gets too), plus the tenant's grace days: a payment made on time may reach the
ledger a day or two later. The first missed deadline breaks the promise for good, and dunning
resumes the next day at the step where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from bridge.vocab.domain import ZERO, Instalment, Invoice, Payment, Promise
from policies import text
from policies.law.base import LawPack


class PromiseState(StrEnum):
    """Where a promise stands on one day."""

    KEPT = "kept"  # every deadline so far met, at least one still to come: dunning pauses
    BROKEN = "broken"  # a deadline passed short of the promised amount: dunning resumes
    DONE = "done"  # every instalment met, or everything it covers is paid
    ENDED = "ended"  # withdrawn by the accountant
    NOT_YET = "not_yet"  # recorded with a later start date


@dataclass(frozen=True, slots=True)
class PromiseStatus:
    """A promise's state on one day, with the instalment that broke it and a sentence why."""

    promise: Promise
    state: PromiseState
    note: str
    missed: Instalment | None = None
    broken_on: date | None = None  # the first day after the missed deadline
    paid: Decimal = ZERO  # received towards the promise through the day judged

    @property
    def pauses(self) -> bool:
        """Tell whether the promise stops dunning on the day judged."""
        return self.state is PromiseState.KEPT


def covered(promise: Promise, invoice: Invoice) -> bool:
    """Tell whether a promise covers an invoice (its own, or the customer's in its currency)."""
    if promise.invoice_id is not None:
        return invoice.id == promise.invoice_id
    return invoice.customer_id == promise.customer_id and invoice.currency == promise.currency


def instalment_deadline(
    law: LawPack, instalment: Instalment, *, lenient: bool, grace_days: int
) -> date:
    """Return the last day a payment counts towards an instalment."""
    day = instalment.due
    if lenient and not law.is_banking_day(day):
        day = law.next_banking_day(day)
    return day + timedelta(days=grace_days)


def assess(
    promise: Promise,
    today: date,
    *,
    invoices: Sequence[Invoice],
    payments: Iterable[Payment],
    law: LawPack,
    lenient: bool = True,
    grace_days: int = 0,
) -> PromiseStatus:
    """Judge a promise on ``today`` from the invoices it covers and their payments.

    ``invoices`` are the snapshot's open and settled invoices; those the promise does not
    cover are ignored. An invoice settled without itemised payments counts as paid in full on
    its ``paid_date``.
    """
    if promise.ended is not None and promise.ended <= today:
        return PromiseStatus(promise, PromiseState.ENDED, _ended(promise))
    if today < promise.made_on:
        return PromiseStatus(promise, PromiseState.NOT_YET, "")
    scope = {i.id: i for i in invoices if covered(promise, i)}
    received = _received(promise, scope, payments)
    paid_today = _sum_through(received, today)
    if scope and all(i.outstanding <= ZERO for i in scope.values()):
        return PromiseStatus(
            promise, PromiseState.DONE, f"{_name(promise)} is fulfilled: paid.", paid=paid_today
        )
    owed = ZERO
    deadline = promise.made_on
    for instalment in sorted(promise.instalments, key=lambda i: i.due):
        owed += instalment.amount
        deadline = instalment_deadline(law, instalment, lenient=lenient, grace_days=grace_days)
        paid_by = _sum_through(received, deadline)
        if today > deadline and paid_by < owed:
            broken_on = deadline + timedelta(days=1)
            note = (
                f"Dunning resumes: {_name(promise)} was broken, the instalment of "
                f"{text.amount(instalment.amount, promise.currency)} due "
                f"{instalment.due.isoformat()} was not met ("
                f"{text.amount(paid_by, promise.currency)} of "
                f"{text.amount(owed, promise.currency)} received by "
                f"{deadline.isoformat()}), so the ladder continues from where it stopped."
            )
            return PromiseStatus(
                promise,
                PromiseState.BROKEN,
                note,
                missed=instalment,
                broken_on=broken_on,
                paid=paid_today,
            )
    if today > deadline:
        note = f"{_name(promise)} was kept to its last instalment; dunning of any rest resumes."
        return PromiseStatus(promise, PromiseState.DONE, note, paid=paid_today)
    upcoming = next(
        i
        for i in sorted(promise.instalments, key=lambda i: i.due)
        if instalment_deadline(law, i, lenient=lenient, grace_days=grace_days) >= today
    )
    note = (
        f"{_name(promise)} is being kept: "
        f"{text.amount(paid_today, promise.currency)} received so far; next "
        f"{text.amount(upcoming.amount, promise.currency)} by {upcoming.due.isoformat()}."
    )
    return PromiseStatus(promise, PromiseState.KEPT, note, paid=paid_today)


def _received(
    promise: Promise, scope: dict[str, Invoice], payments: Iterable[Payment]
) -> list[tuple[date, Decimal]]:
    """Return (day, amount) of money received towards the promise, from the day it was made."""
    own = [
        (p.date, p.amount)
        for p in payments
        if p.invoice_id in scope and p.amount > ZERO and p.date >= promise.made_on
    ]
    itemised = {p.invoice_id for p in payments if p.invoice_id in scope}
    for invoice in scope.values():
        # A system that reports only the settling date: the rest was paid that day.
        paid_on = invoice.paid_date
        if invoice.id not in itemised and paid_on is not None and paid_on >= promise.made_on:
            own.append((paid_on, invoice.amount - max(invoice.outstanding, ZERO)))
    return own


def _sum_through(received: Sequence[tuple[date, Decimal]], day: date) -> Decimal:
    return sum((amount for when, amount in received if when <= day), ZERO)


def _name(promise: Promise) -> str:
    """Name a promise: 'the promise to pay' or 'the payment plan', with its number."""
    what = "the payment plan" if len(promise.instalments) > 1 else "the promise to pay"
    scope = f"invoice {promise.invoice_id}" if promise.invoice_id else "the customer's invoices"
    return f"{what} #{promise.id} ({scope}, made {promise.made_on.isoformat()})"


def _ended(promise: Promise) -> str:
    assert promise.ended is not None
    return f"{_name(promise)} was withdrawn on {promise.ended.isoformat()}."
