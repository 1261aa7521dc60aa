"""Seed a sandbox company with a large synthetic company quickly (the benchmarks use it).

``debtors`` and ``sales`` are any objects with the attributes bench/companies.py gives its
``Debtor`` (index, name, business, email) and ``Sale`` (index, debtor, amount, issued, due,
paid, paid_on, reminded_on).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connectors.tripletex.sandbox.server import TripletexSandbox

# Salespeople of the synthetic company: business debtors whose index is a multiple of three have
# one as account manager.
_SALESPEOPLE = (
    ("Anne", "Lie", "anne.lie@example.no"),
    ("Per", "Dahl", "per.dahl@example.no"),
    ("Eva", "Moe", None),
)


def seed(sandbox: TripletexSandbox, debtors: Iterable[Any], sales: Iterable[Any]) -> None:
    """Add every customer and invoice, its payment and its UI reminder, in order."""
    staff = [sandbox.add_employee(*person) for person in _SALESPEOPLE]
    ids: dict[int, int] = {}
    for debtor in debtors:
        n = debtor.index
        ids[n] = sandbox.add_customer(
            debtor.name,
            private=not debtor.business,
            email=debtor.email,
            org_number=f"9{n:08d}" if debtor.business else None,
            street=f"Storgata {1 + n % 120}",
            postal_code=f"{5000 + n % 900:04d}",
            city="Bergen",
            phone=f"55 {10 + n % 90:02d} {n % 100:02d} {(n // 100) % 100:02d}",
            account_manager=staff[n // 3 % len(staff)] if debtor.business and n % 3 == 0 else None,
        )
    for sale in sales:
        ident = sandbox.add_invoice(ids[sale.debtor], sale.amount, issued=sale.issued, due=sale.due)
        if sale.paid_on is not None:
            sandbox.pay(ident, sale.paid)
        if sale.reminded_on is not None:
            sandbox.send_reminder(ident, "REMINDER", sale.reminded_on)
