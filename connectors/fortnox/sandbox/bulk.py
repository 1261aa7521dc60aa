"""Seed a sandbox company with a large synthetic company quickly (the benchmarks use it).

``debtors`` and ``sales`` are any objects with the attributes bench/companies.py gives its
``Debtor`` (index, name, business, email) and ``Sale`` (index, debtor, amount, issued, due,
paid, paid_on, reminded_on). Customer numbers are handed out here, so no insert scans a table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connectors.fortnox.sandbox.server import FortnoxSandbox


def seed(sandbox: FortnoxSandbox, debtors: Iterable[Any], sales: Iterable[Any]) -> None:
    """Add every customer and booked invoice, its payment and its UI reminder, in order."""
    numbers: dict[int, str] = {}
    for debtor in debtors:
        numbers[debtor.index] = sandbox.add_customer(
            debtor.name,
            number=str(debtor.index + 1),
            kind="COMPANY" if debtor.business else "PRIVATE",
            email=debtor.email,
            organisation_number=f"5566{debtor.index:06d}" if debtor.business else "",
            address=f"Storgatan {debtor.index % 90 + 1}",
            zip_code="753 20",
            city="Uppsala",
            # The 95 mobile numbers Sweden keeps for fiction (070-174 06 05 to 99), in turn.
            phone=f"070-174 06 {5 + debtor.index % 95:02d}",
        )
    for sale in sales:
        number = sandbox.add_invoice(
            numbers[sale.debtor], sale.amount, issued=sale.issued, due=sale.due
        )
        if sale.paid_on is not None:
            sandbox.pay(number, sale.paid, sale.paid_on)
        if sale.reminded_on is not None:
            sandbox.remind(number, sale.reminded_on)
