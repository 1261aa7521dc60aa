"""Plausibility checks on what a connector read, before any of it is decided on.

A connector maps what the vendor sent; this module refuses what no real ledger holds (an
unknown currency, a due date before the issue date, an amount that is not finite or absurdly
large, the same invoice twice). A refused invoice is named with the reason in the cycle's outcome
and gets no letter; every other invoice goes on. One place for all four connectors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache

from babel.numbers import list_currencies

from bridge.domain import Invoice

# No small Nordic company invoices a billion in one go; a number like that is a broken field.
ABSURD = Decimal("1e9")


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
        elif abs(value) >= ABSURD:
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
