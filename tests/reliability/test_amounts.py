"""Issue 18, finding 9: an implausible amount leaves out only its invoice, with the reason.

A remainder of 1e27 used to raise decimal.InvalidOperation from the rounding to cents, which no
connector caught: the whole tenant failed with "unexpected InvalidOperation". Every connector's
mapping now refuses such an amount as MalformedResponse (the item is skipped and said), and
bridge/vocab/validate.py bounds plausible amounts per currency.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bridge.infra.items import read_each
from bridge.vocab.domain import Invoice
from bridge.vocab.errors import MalformedResponse
from bridge.vocab.validate import implausible_above, problems
from connectors.dinero import mapping as dinero
from connectors.economic import mapping as economic
from connectors.fortnox import mapping as fortnox
from connectors.tripletex import mapping as tripletex

ECONOMIC = {
    "bookedInvoiceNumber": 20001,
    "customer": {"customerNumber": 7},
    "date": "2026-01-05",
    "dueDate": "2026-01-19",
    "currency": "DKK",
    "grossAmount": Decimal("1000.00"),
    "remainder": Decimal("1000.00"),
}
DINERO = {
    "Guid": "5f1c0e5e-6a4b-4f49-9a43-3f6f4e7a1b21",
    "Number": 12,
    "ContactGuid": "716a3105-e8fd-4fdd-a886-0490b047986f",
    "Date": "2026-01-05",
    "PaymentDate": "2026-01-19",
    "Currency": "DKK",
    "TotalInclVat": Decimal("1000.00"),
}
DINERO_PAID = {"RemainingAmount": Decimal("1000.00"), "PaidAmount": 0, "Payments": []}
FORTNOX = {
    "DocumentNumber": "32",
    "CustomerNumber": "1",
    "InvoiceDate": "2026-01-05",
    "DueDate": "2026-01-19",
    "Currency": "SEK",
    "Total": Decimal("1000.00"),
    "Balance": Decimal("1000.00"),
}
TRIPLETEX = {
    "id": 41,
    "invoiceNumber": 1041,
    "customer": {"id": 7},
    "invoiceDate": "2026-01-05",
    "invoiceDueDate": "2026-01-19",
    "currency": {"code": "NOK"},
    "amountCurrency": Decimal("1000.00"),
    "amountCurrencyOutstanding": Decimal("1000.00"),
}

# connector -> (map one object, a good object, the remainder field)
CASES: dict[str, tuple[Callable[[dict[str, Any]], Invoice], dict[str, Any], str]] = {
    "economic": (economic.invoice, ECONOMIC, "remainder"),
    "dinero": (lambda o: dinero.invoice(o, DINERO_PAID), DINERO, "TotalInclVat"),
    "dinero payments": (
        lambda o: dinero.invoice(DINERO, o),
        DINERO_PAID,
        "RemainingAmount",
    ),
    "fortnox": (fortnox.invoice, FORTNOX, "Balance"),
    "tripletex": (tripletex.invoice, TRIPLETEX, "amountCurrencyOutstanding"),
}
BAD = [Decimal("1e27"), Decimal("-1e27"), "1e27", Decimal("NaN"), "Infinity", 10**30]


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_good_object_maps(name: str) -> None:
    read, good, _ = CASES[name]
    assert read(good).outstanding == Decimal("1000.00")


@pytest.mark.parametrize("value", BAD, ids=str)
@pytest.mark.parametrize("name", sorted(CASES))
def test_an_implausible_amount_skips_only_its_invoice(name: str, value: object) -> None:
    read, good, field = CASES[name]
    bad = {**good, field: value}
    reasons: list[str] = []
    kept = read_each([good, bad, good], read, "invoice", reasons.append)
    assert len(kept) == 2
    assert len(reasons) == 1
    assert field in reasons[0]
    with pytest.raises(MalformedResponse):
        read(bad)


def _invoice(currency: str, amount: str) -> Invoice:
    return Invoice(
        id="1",
        number="1001",
        customer_id="7",
        issue_date=date(2026, 1, 5),
        due_date=date(2026, 1, 19),
        currency=currency,
        amount=Decimal(amount),
        outstanding=Decimal(amount),
    )


def test_the_bound_is_per_currency() -> None:
    assert implausible_above("EUR") < implausible_above("DKK") < implausible_above("ISK")
    assert problems(_invoice("DKK", "500000000")) == []
    assert problems(_invoice("EUR", "500000000")) != []  # half a billion euro: a broken field
    assert problems(_invoice("ISK", "50000000000")) == []  # 50 bn ISK is about 350 M DKK
    assert "implausibly large" in problems(_invoice("JPY", "1e27"))[0]
