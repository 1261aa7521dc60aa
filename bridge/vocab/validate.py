"""Plausibility checks on what a connector read, before any of it is decided on.

A connector maps what the vendor sent; this module refuses what no real ledger holds (an
unknown currency, a due date before the issue date, an amount that is not finite or absurdly
large, the same invoice twice). A refused invoice is named with the reason in the cycle's outcome
and gets no letter; every other invoice goes on. One place for all four connectors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.numbers import list_currencies

from bridge.vocab.domain import Invoice, money
from bridge.vocab.errors import MalformedResponse

# No small Nordic company invoices a billion kroner in one go; a number like that is a broken
# field. The bound is per currency (docs/reliability.md): about 100 million euro worth, rounded
# up to a power of ten, so a strong currency gets a lower bound and a weak one a higher.
ABSURD = Decimal("1e9")
ABSURD_BY_CURRENCY = {
    "EUR": Decimal("1e8"),
    "USD": Decimal("1e8"),
    "GBP": Decimal("1e8"),
    "CHF": Decimal("1e8"),
    # The Nordic crowns and most others: ABSURD.
    "ISK": Decimal("1e11"),
    "JPY": Decimal("1e11"),
    "HUF": Decimal("1e11"),
    "KRW": Decimal("1e12"),
    "IDR": Decimal("1e13"),
    "VND": Decimal("1e13"),
}
# Beyond this no connector maps an amount at all: rounding it to cents would overflow Decimal's
# 28 digits (InvalidOperation), and no currency's plausible bound comes near it.
UNMAPPABLE = Decimal("1e15")


def implausible_above(currency: str) -> Decimal:
    """The magnitude from which an amount in ``currency`` is taken for a broken field."""
    return ABSURD_BY_CURRENCY.get(currency.upper(), ABSURD)


def money_of(amount: Decimal, what: str) -> Decimal:
    """Round a mapped amount to cents, refusing what cannot be one (MalformedResponse).

    For the connectors' mapping: NaN, infinities and magnitudes of :data:`UNMAPPABLE` and more
    leave only their item out, with ``what`` named, instead of raising InvalidOperation.
    """
    if not amount.is_finite():
        raise MalformedResponse(f"{what} is not a finite amount")
    if abs(amount) >= UNMAPPABLE:
        raise MalformedResponse(f"{what} is implausibly large ({amount:.3E})")
    try:
        return money(amount)
    except InvalidOperation:  # pragma: no cover - the bound above keeps within 28 digits
        raise MalformedResponse(f"{what} is not an amount") from None


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def problems(invoice: Invoice) -> list[str]:
    """What is wrong with one invoice, in words; empty when it is plausible."""
    found = []
    if invoice.currency not in _currencies():
        found.append(f"unknown currency {invoice.currency!r}")
    if invoice.due_date < invoice.issue_date:
        found.append(f"due date {invoice.due_date} is before the issue date {invoice.issue_date}")
    for name, value in (("amount", invoice.amount), ("outstanding", invoice.outstanding)):
        if not value.is_finite():
            found.append(f"{name} is not a finite number")
        elif abs(value) >= implausible_above(invoice.currency):
            found.append(f"{name} {value} is implausibly large")
    # Outstanding above the amount is allowed: some systems add their reminder fees to it.
    return found


def plausible(invoices: Iterable[Invoice], skip: Callable[[str], None]) -> tuple[Invoice, ...]:
    """Keep the plausible invoices, each id once; tell ``skip`` why each other one was left out.

    An id seen twice is ambiguous (which copy is true?), so every copy is left out.
    """
    items = list(invoices)
    counts = Counter(i.id for i in items)
    kept = []
    for invoice in items:
        if counts[invoice.id] != 1:
            if counts[invoice.id] > 1:
                skip(f"invoice {invoice.number} skipped: listed {counts[invoice.id]} times")
                counts[invoice.id] = -1  # said once for all copies
            continue
        wrong = problems(invoice)
        if wrong:
            skip(f"invoice {invoice.number} skipped: {'; '.join(wrong)}")
            continue
        kept.append(invoice)
    return tuple(kept)
