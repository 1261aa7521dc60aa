"""Credit in the customer's favour reaches the engine: credit notes and unallocated payments.

``/invoices/unpaid`` lists booked invoices whose ``remainder`` is not 0; a booked credit note
has a negative ``grossAmount`` (invoices.unpaid.get schema: "For a credit note this amount will
be negative") and so a negative remainder until it is allocated. A payment booked on the
customer's account without an invoice lowers the customer's ``balance`` ("The outstanding
amount for this customer") but no invoice's remainder.
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
from connectors.economic import CONNECTOR
from connectors.economic.sandbox.server import EconomicSandbox
from connectors.economic.session import EconomicSession
from policies.engine import unapplied_credit

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


def _overdue(sandbox: EconomicSandbox, customer: int, amount: str) -> int:
    due = TODAY - timedelta(days=40)
    return sandbox.add_invoice(customer, due - timedelta(days=14), due, Decimal(amount))


def test_an_open_credit_note_is_credit_the_customer_holds() -> None:
    sandbox = EconomicSandbox.demo(TODAY)
    customer = sandbox.add_customer("Kreditnota ApS", cvr="12345678", email="a@b.dk")
    invoice = _overdue(sandbox, customer, "125.00")
    note = sandbox.add_invoice(
        customer, TODAY - timedelta(days=20), TODAY - timedelta(days=20), Decimal("-125.00")
    )
    snap = _open(sandbox).fetch(TODAY, None)
    by_id = {i.id: i for i in snap.invoices}
    assert by_id[str(invoice)].outstanding == Decimal("125.00")
    assert by_id[str(note)].outstanding == Decimal("-125.00")
    assert unapplied_credit(snap)[str(customer)] == Decimal("125.00")
    # The credit note is in the invoices, so the balance adds nothing on top of it.
    assert snap.customers[str(customer)].unapplied_credit == Decimal("0")


def test_a_payment_on_account_lowers_the_balance_and_is_unapplied_credit() -> None:
    sandbox = EconomicSandbox.demo(TODAY)
    customer = sandbox.add_customer("Aconto ApS", cvr="87654321", email="a@b.dk")
    _overdue(sandbox, customer, "125.00")
    sandbox.pay_on_account(customer, Decimal("125.00"), TODAY - timedelta(days=3))
    snap = _open(sandbox).fetch(TODAY, None)
    assert snap.customers[str(customer)].unapplied_credit == Decimal("125.00")
    assert unapplied_credit(snap)[str(customer)] == Decimal("125.00")


def test_customers_without_credit_have_none() -> None:
    sandbox = EconomicSandbox.demo(TODAY)
    snap = _open(sandbox).fetch(TODAY, None)
    assert all(c.unapplied_credit == 0 for c in snap.customers.values())
