"""A customer's open credit (a credit note or an overpayment not yet allocated) stops dunning."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from connectors.fortnox.sandbox.server import FortnoxSandbox
from tests.connectors.fortnox.conftest import TODAY
from tests.connectors.fortnox.test_session import _fetched


def test_an_open_credit_note_is_the_customer_s_unapplied_credit(sandbox: FortnoxSandbox) -> None:
    customer = sandbox.add_customer("Tillgodo AB")
    owed = sandbox.add_invoice(
        customer,
        Decimal("1000.00"),
        issued=TODAY - timedelta(days=50),
        due=TODAY - timedelta(days=20),
    )
    paid = sandbox.add_invoice(
        customer,
        Decimal("400.00"),
        issued=TODAY - timedelta(days=40),
        due=TODAY - timedelta(days=10),
    )
    sandbox.pay(paid, Decimal("400.00"), TODAY - timedelta(days=12))
    sandbox.credit(paid, on=TODAY - timedelta(days=2))  # a refund owed: credit of 400
    _, snapshot = _fetched(sandbox)
    assert snapshot.customers[customer].unapplied_credit == Decimal("400.00")
    assert owed in {i.id for i in snapshot.invoices}


def test_a_customer_without_credit_has_none(sandbox: FortnoxSandbox) -> None:
    _, snapshot = _fetched(sandbox)
    assert all(c.unapplied_credit == 0 for c in snapshot.customers.values())
