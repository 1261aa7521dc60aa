"""Ledger entries read for the shapes the schema allows, not one tidy shape.

accounting-years.accountingYear.entries.get: ``invoiceNumber`` is "Unique identifier for
reminders and invoices" (a reminder's entry may carry the reminder's own number), and
``bookedInvoice`` is "A reference to any booked Invoice this entry might be related to". One
voucher may hold several entries; a payment may name no invoice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.infra import retry
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Mode
from bridge.vocab.secrets import StaticSecrets
from connectors.economic import CONNECTOR, mapping
from connectors.economic.sandbox.server import EconomicSandbox
from connectors.economic.session import EconomicSession

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _open(sandbox: EconomicSandbox) -> EconomicSession:
    ctx = TenantContext(
        tenant="demo",
        country="DK",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("demo", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
    )
    session = CONNECTOR.open(ctx)
    assert isinstance(session, EconomicSession)
    return session


def test_the_booked_invoice_reference_wins_over_the_entrys_own_number() -> None:
    entry = {
        "entryNumber": 9,
        "entryType": "reminder",
        "date": "2026-02-01",
        "amount": 100,
        "invoiceNumber": "R-17",
        "bookedInvoice": {"bookedInvoiceNumber": 1004},
        "customer": {"customerNumber": 3},
    }
    found = mapping.reminder(entry)
    assert found.invoice_id == "1004"
    assert found.customer == "3"
    assert found.by_reference


def test_a_reminder_named_only_by_a_number_is_marked_so() -> None:
    entry = {"entryNumber": 9, "amount": 100, "date": "2026-02-01", "invoiceNumber": "1004"}
    found = mapping.reminder(entry)
    assert found.invoice_id == "1004"
    assert not found.by_reference
    assert found.customer is None


def _overdue(sandbox: EconomicSandbox, customer: int, amount: str = "500.00") -> int:
    due = TODAY - timedelta(days=40)
    return sandbox.add_invoice(customer, due - timedelta(days=14), due, Decimal(amount))


def test_a_reminders_own_number_never_lands_on_another_customers_invoice() -> None:
    sandbox = EconomicSandbox.demo(TODAY)
    first = sandbox.add_customer("Først ApS", cvr="10000001", email="a@f.dk")
    second = sandbox.add_customer("Anden ApS", cvr="10000002", email="a@a.dk")
    reminded = _overdue(sandbox, first)
    bystander = _overdue(sandbox, second)
    number = sandbox.add_reminder(reminded, TODAY - timedelta(days=10))
    # The reminder's entry as the schema allows it: its own number, no invoice reference. The
    # number happens to be the other customer's invoice number.
    entry = sandbox._state.entries[number]
    del entry["bookedInvoice"]
    entry["invoiceNumber"] = str(bystander)
    snap = _open(sandbox).fetch(TODAY, None)
    assert not [s for s in snap.steps if s.invoice_id == str(bystander)]
    assert not [s for s in snap.steps if s.invoice_id == str(reminded)]


def test_a_reminder_named_by_number_of_the_same_customers_invoice_counts() -> None:
    sandbox = EconomicSandbox.demo(TODAY)
    customer = sandbox.add_customer("Samme ApS", cvr="10000003", email="a@s.dk")
    reminded = _overdue(sandbox, customer)
    number = sandbox.add_reminder(reminded, TODAY - timedelta(days=10))
    del sandbox._state.entries[number]["bookedInvoice"]
    snap = _open(sandbox).fetch(TODAY, None)
    assert [s.invoice_id for s in snap.steps if s.invoice_id == str(reminded)] == [str(reminded)]


def test_one_payment_voucher_over_two_invoices_pays_both() -> None:
    sandbox = EconomicSandbox.demo(TODAY)
    customer = sandbox.add_customer("To ApS", cvr="10000004", email="a@t.dk")
    a = _overdue(sandbox, customer)
    b = _overdue(sandbox, customer)
    sandbox.pay(a, Decimal("200.00"), TODAY - timedelta(days=5))
    sandbox.pay(b, Decimal("300.00"), TODAY - timedelta(days=5))
    entries = [e for e in sandbox._state.entries.values() if e["entryType"] == "customerPayment"]
    voucher = entries[-2]["voucherNumber"]
    entries[-1]["voucherNumber"] = voucher  # one voucher, two lines
    snap = _open(sandbox).fetch(TODAY, None)
    paid = {p.invoice_id: p.amount for p in snap.payments if p.invoice_id in {str(a), str(b)}}
    assert paid == {str(a): Decimal("200.00"), str(b): Decimal("300.00")}
