"""Seed a sandbox organization with a large synthetic company quickly (the benchmarks use it).

``debtors`` and ``sales`` are any objects with the attributes bench/companies.py gives its
``Debtor`` (index, name, business, email) and ``Sale`` (index, debtor, amount, issued, due,
paid, paid_on, reminded_on). Invoice numbers are handed out here, so no insert scans the table.
Each contact gets an address, a phone and (a company) a CVR number, as the demo company's do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connectors.dinero.sandbox.server import DineroSandbox

FIRST_INVOICE = 100_001


def seed(sandbox: DineroSandbox, debtors: Iterable[Any], sales: Iterable[Any]) -> None:
    """Add every contact and booked invoice, its payment and its reminder, in order."""
    contacts = {
        debtor.index: sandbox.add_contact(
            debtor.name,
            person=not debtor.business,
            email=debtor.email,
            street=f"Testvej {debtor.index + 1}",
            zip_code="5000",
            city="Odense C",
            phone=f"+45 {20_000_000 + debtor.index:08d}",
            vat_number=f"{30_000_000 + debtor.index:08d}" if debtor.business else None,
        )
        for debtor in debtors
    }
    for sale in sales:
        guid = sandbox.add_invoice(
            contacts[sale.debtor],
            issued=sale.issued,
            due=sale.due,
            total=sale.amount,
            number=FIRST_INVOICE + sale.index,
        )
        if sale.paid_on is not None:
            sandbox.pay(guid, sale.paid, sale.paid_on)
        if sale.reminded_on is not None:
            sandbox.add_reminder(guid, sale.reminded_on)
