"""A Fortnox customer's credit: the negative balances of its unpaid invoices.

A credit note not yet used, or an overpayment, shows in ``filter=unpaid`` as an invoice with a
negative balance; the fetch collects them and adds them to the customer as unapplied credit
(the engine does not dun a customer holding some, docs/holds.md).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bridge.vocab.domain import Customer, Invoice, money


def with_credit(customers: dict[str, Customer], credit: list[Invoice]) -> dict[str, Customer]:
    """Add each customer's open credit (negative balances) as unapplied credit."""
    owed: dict[str, Decimal] = {}
    for item in credit:
        owed[item.customer_id] = owed.get(item.customer_id, money(0)) - item.outstanding
    return {
        cid: replace(c, unapplied_credit=c.unapplied_credit + owed[cid]) if cid in owed else c
        for cid, c in customers.items()
    }
