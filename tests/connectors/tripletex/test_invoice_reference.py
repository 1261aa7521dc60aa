"""Tripletex's KID on an invoice becomes the payment reference letters print."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connectors.tripletex import mapping

INVOICE: dict[str, Any] = {
    "id": 11,
    "invoiceNumber": 1001,
    "invoiceDate": "2026-01-05",
    "invoiceDueDate": "2026-01-19",
    "amount": Decimal("1250.00"),
    "amountOutstanding": Decimal("1250.00"),
    "customer": {"id": 7},
    "currency": {"code": "NOK"},
    "amountCurrency": Decimal("1250.00"),
    "amountCurrencyOutstanding": Decimal("1250.00"),
}


def test_the_kid_is_the_payment_reference() -> None:
    assert mapping.invoice({**INVOICE, "kid": "00010017"}).payment_reference == "00010017"


def test_a_blank_kid_is_none() -> None:
    # Tripletex writes "" when the company has no KID agreement.
    assert mapping.invoice({**INVOICE, "kid": ""}).payment_reference is None
    assert mapping.invoice(INVOICE).payment_reference is None
