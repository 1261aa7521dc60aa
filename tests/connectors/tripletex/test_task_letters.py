"""A task ("call the customer", "tell the salesperson") written into Tripletex.

The bridge e-mails a task to its person when it can; otherwise the session writes it like a
credit-hold proposal: a draft order the accountant sees, in review and autonomous mode alike.
It is never invoiced, and no reminder goes to the debtor because of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge import retry
from bridge.connector import Pending, TenantContext
from bridge.domain import ActionKind, Decision, Letter, Mode, StepStatus
from bridge.secrets import StaticSecrets
from connectors.tripletex import CONNECTOR, mapping
from connectors.tripletex.sandbox import TripletexSandbox
from connectors.tripletex.session import TripletexSession

TODAY = date(2026, 3, 2)
TEXT = "Ring kunden om faktura 10001: forfalt 40 dager, ingen svar på purringene."


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


@pytest.fixture
def sandbox() -> TripletexSandbox:
    return TripletexSandbox.demo(TODAY)


def _open(sandbox: TripletexSandbox, mode: Mode) -> TripletexSession:
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=mode,
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
    )
    return TripletexSession(ctx, today=lambda: TODAY)


def _task(sandbox: TripletexSandbox) -> tuple[Letter, int]:
    """A task about an overdue invoice of a customer with a salesperson (no charges at all)."""
    seller = sandbox.add_employee("Silje", "Haugland")  # no e-mail: the bridge cannot mail it
    customer = sandbox.add_customer(
        "Oppgave AS", email="post@oppgave.example.no", account_manager=seller
    )
    due = TODAY - timedelta(days=40)
    invoice = sandbox.add_invoice(
        customer, Decimal("5000"), issued=due - timedelta(days=14), due=due
    )
    decision = Decision(
        tenant="t",
        invoice_id=str(invoice),
        invoice_number=str(sandbox.state["invoices"][str(invoice)]["invoiceNumber"]),
        customer_id=str(customer),
        date=TODAY,
        action=ActionKind.TASK,
        step=3,
        currency="NOK",
        outstanding=Decimal("5000.00"),
        task="call",
        assignee="salesperson",
    )
    assert decision.total_charges == Decimal("0")
    return Letter("t", str(customer), ActionKind.TASK, 3, TODAY, "NOK", (decision,)), invoice


def _invoices(sandbox: TripletexSandbox) -> int:
    return len(sandbox.state["invoices"])


@pytest.mark.parametrize("mode", [Mode.REVIEW, Mode.AUTONOMOUS])
def test_a_task_is_a_proposal_the_accountant_sees(sandbox: TripletexSandbox, mode: Mode) -> None:
    session = _open(sandbox, mode)
    session.fetch(TODAY, None)
    letter, invoice = _task(sandbox)
    invoices, dispatched = _invoices(sandbox), list(sandbox.dispatched)

    result = session.apply(letter, TEXT)

    assert result.status is StepStatus.PENDING
    assert f"dunning-bridge approve t {letter.key}" in result.detail
    [order] = [o for o in sandbox.our_orders() if o["reference"] == letter.key]
    assert str(order["id"]) == result.document
    assert order["invoiceComment"].startswith(TEXT)  # our letter text, for the accountant to read
    assert order["isClosed"] is False
    parsed = mapping.parse_marker(order["deliveryComment"])
    assert parsed is not None
    assert parsed[1:3] == ((str(invoice),), ActionKind.TASK)
    # No charge anywhere: one zero-priced line saying what the task is about.
    assert [line["unitPriceExcludingVatCurrency"] for line in order["orderLines"]] == [0]
    assert order["orderLines"][0]["description"].startswith("Oppgave faktura ")
    # Nothing booked, nothing sent to the debtor.
    assert _invoices(sandbox) == invoices
    assert sandbox.dispatched == dispatched
    assert sandbox.reminders_of(invoice) == []
    found = session.find(letter.key)
    assert found is not None
    assert (found.status, found.document) == (StepStatus.PENDING, result.document)


@pytest.mark.parametrize("mode", [Mode.REVIEW, Mode.AUTONOMOUS])
def test_a_task_stays_pending_across_cycles(sandbox: TripletexSandbox, mode: Mode) -> None:
    first = _open(sandbox, mode)
    first.fetch(TODAY, None)
    letter, invoice = _task(sandbox)
    written = first.apply(letter, TEXT)
    invoices = _invoices(sandbox)

    later = _open(sandbox, mode)
    later.fetch(TODAY, None)
    [result] = list(later.reconcile([Pending(letter.key, written.document, TODAY)]))

    assert result.status is StepStatus.PENDING  # autonomous mode does not carry it out either
    assert _invoices(sandbox) == invoices
    assert sandbox.reminders_of(invoice) == []
    assert sandbox.documents_by_key() == {letter.key: 1}


def test_approving_a_task_closes_its_order_without_invoicing(sandbox: TripletexSandbox) -> None:
    session = _open(sandbox, Mode.REVIEW)
    session.fetch(TODAY, None)
    letter, invoice = _task(sandbox)
    written = session.apply(letter, TEXT)
    invoices, dispatched = _invoices(sandbox), list(sandbox.dispatched)

    done = _open(sandbox, Mode.REVIEW).approve(Pending(letter.key, written.document, TODAY))

    assert done.status is StepStatus.ISSUED
    assert "carried out" in done.detail
    [order] = [o for o in sandbox.our_orders() if o["reference"] == letter.key]
    assert order["isClosed"] is True
    assert "invoiceId" not in order  # closed, not turned into an invoice
    assert _invoices(sandbox) == invoices
    assert sandbox.dispatched == dispatched
    assert sandbox.reminders_of(invoice) == []
