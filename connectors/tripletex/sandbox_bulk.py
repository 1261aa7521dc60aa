"""Seed a sandbox company with a large synthetic company quickly (the benchmarks use it).

``debtors`` and ``sales`` are any objects with the attributes bench/companies.py gives its
``Debtor`` (index, name, business, email) and ``Sale`` (index, debtor, amount, issued, due,
paid, paid_on, reminded_on).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connectors.tripletex.sandbox import TripletexSandbox


def seed(sandbox: TripletexSandbox, debtors: Iterable[Any], sales: Iterable[Any]) -> None:
    """Add every customer and invoice, its payment and its UI reminder, in order."""
    ids: dict[int, int] = {}
    for debtor in debtors:
        ids[debtor.index] = sandbox.add_customer(
            debtor.name,
            private=not debtor.business,
            email=debtor.email,
            org_number=f"9{debtor.index:08d}" if debtor.business else None,
        )
    for sale in sales:
        ident = sandbox.add_invoice(ids[sale.debtor], sale.amount, issued=sale.issued, due=sale.due)
        if sale.paid_on is not None:
            sandbox.pay(ident, sale.paid)
        if sale.reminded_on is not None:
            sandbox.send_reminder(ident, "REMINDER", sale.reminded_on)
