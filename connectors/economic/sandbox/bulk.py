"""Seed a sandbox agreement with a large synthetic company quickly (the benchmarks use it).

``debtors`` and ``sales`` are any objects with the attributes bench/companies.py gives its
``Debtor`` (index, name, business, email) and ``Sale`` (index, debtor, amount, issued, due,
paid, paid_on, reminded_on). Numbers are handed out here, so no insert scans the tables.
Every customer gets an invented street address and a phone (a mobile for a consumer). None
names a salesperson: the benchmarks hold a cycle to a request count without the employee list.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from connectors.economic.sandbox.catalog import BUSINESS_GROUP, PRIVATE_GROUP
from connectors.economic.sandbox.server import EconomicSandbox

FIRST_INVOICE = 100_001


def seed(sandbox: EconomicSandbox, debtors: Iterable[Any], sales: Iterable[Any]) -> None:
    """Book every customer and invoice, its payment and its UI reminder, in order."""
    stamp = datetime.combine(sandbox.today, datetime.min.time(), tzinfo=UTC)
    for debtor in debtors:
        sandbox.add_customer(
            debtor.name,
            number=debtor.index + 1,
            group=BUSINESS_GROUP if debtor.business else PRIVATE_GROUP,
            email=debtor.email,
            cvr=f"{30_000_000 + debtor.index}" if debtor.business else None,
            address=f"Handelsvej {debtor.index % 200 + 1}",
            zip_code=f"{1000 + debtor.index % 8900}",
            city="Testby",
            phone=f"{70_000_000 + debtor.index}" if debtor.business else None,
            mobile=None if debtor.business else f"{20_000_000 + debtor.index}",
            last_updated=stamp,
        )
    for sale in sales:
        number = sandbox.add_invoice(
            sale.debtor + 1, sale.issued, sale.due, sale.amount, number=FIRST_INVOICE + sale.index
        )
        if sale.paid_on is not None:
            sandbox.pay(number, sale.paid, sale.paid_on)
        if sale.reminded_on is not None:
            sandbox.add_reminder(number, sale.reminded_on)
