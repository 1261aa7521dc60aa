"""Credit in the customer's favour reaches the engine: open credit notes.

A Tripletex credit note is an invoice with ``isCreditNote`` true; ``creditedInvoice`` names the
invoice it credits (openapi-2.74.00.json, Invoice). ``amountOutstanding`` is "the amount
outstanding based on the history collection": for a credit note not yet settled against an
invoice it is negative, and that is credit the customer holds. A customer with credit is not
dunned until the accountant allocates it (docs/holds.md).
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
from connectors.tripletex import CONNECTOR
from connectors.tripletex.sandbox.server import TripletexSandbox
from connectors.tripletex.session import TripletexSession
from policies.engine import unapplied_credit

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _open(sandbox: TripletexSandbox) -> TripletexSession:
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
    )
    return TripletexSession(ctx, today=lambda: TODAY)


def _overdue(sandbox: TripletexSandbox, customer: int, amount: str) -> int:
    due = TODAY - timedelta(days=40)
    return sandbox.add_invoice(customer, Decimal(amount), issued=due - timedelta(days=14), due=due)


def test_an_open_credit_note_is_credit_the_customer_holds() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer = sandbox.add_customer("Kreditnota AS", email="a@k.no", org_number="912345678")
    invoice = _overdue(sandbox, customer, "125.00")
    other = _overdue(sandbox, customer, "125.00")
    sandbox.pay(other, Decimal("125.00"))
    sandbox.add_credit_note(other, Decimal("125.00"), on=TODAY - timedelta(days=20))
    snap = _open(sandbox).fetch(TODAY, None)
    assert str(invoice) in {i.id for i in snap.invoices}
    assert unapplied_credit(snap)[str(customer)] == Decimal("125.00")


def test_a_credit_note_settled_against_its_invoice_is_no_credit() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer = sandbox.add_customer("Avregnet AS", email="a@k.no", org_number="987654321")
    _overdue(sandbox, customer, "125.00")
    credited = _overdue(sandbox, customer, "80.00")
    sandbox.credit(credited)  # a full credit note, settled against the invoice it credits
    snap = _open(sandbox).fetch(TODAY, None)
    assert str(customer) not in unapplied_credit(snap)


def test_a_partly_settled_credit_note_counts_what_is_left() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer = sandbox.add_customer("Delvis AS", email="a@k.no", org_number="911111111")
    _overdue(sandbox, customer, "125.00")
    other = _overdue(sandbox, customer, "100.00")
    sandbox.pay(other, Decimal("100.00"))
    note = sandbox.add_credit_note(other, Decimal("60.00"), on=TODAY - timedelta(days=10))
    sandbox.settle_credit_note(note, Decimal("59.00"))
    snap = _open(sandbox).fetch(TODAY, None)
    assert unapplied_credit(snap)[str(customer)] == Decimal("1.00")
