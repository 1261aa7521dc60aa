"""A task ("call the customer", "tell the salesperson") written into Tripletex.

The bridge e-mails a task to its person when it can; otherwise the session writes it like a
credit-hold proposal: a draft order the accountant sees, in review and autonomous mode alike.
It is never invoiced, and no reminder goes to the debtor because of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.infra import retry
from bridge.vocab.connector import Pending, TenantContext
from bridge.vocab.domain import ActionKind, Decision, Letter, Mode, StepStatus
from bridge.vocab.errors import RejectedRequest
from bridge.vocab.secrets import StaticSecrets
from connectors.tripletex import CONNECTOR, mapping, writer
from connectors.tripletex.sandbox.server import TripletexSandbox
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
@pytest.mark.parametrize("action", [ActionKind.TASK, ActionKind.CREDIT_HOLD])
def test_a_task_is_never_written_as_an_order(
    sandbox: TripletexSandbox, mode: Mode, action: ActionKind
) -> None:
    """An order can be invoiced to the debtor: a task never becomes one."""
    session = _open(sandbox, mode)
    session.fetch(TODAY, None)
    task, invoice = _task(sandbox)
    letter = replace(task, action=action, key="")
    invoices, dispatched = _invoices(sandbox), list(sandbox.dispatched)

    with pytest.raises(RejectedRequest, match="never written as an order"):
        session.apply(letter, TEXT)

    assert [o for o in sandbox.our_orders() if o["reference"] == letter.key] == []
    assert _invoices(sandbox) == invoices
    assert sandbox.dispatched == dispatched
    assert sandbox.reminders_of(invoice) == []


def test_an_earlier_task_order_still_reconciles_and_approves(sandbox: TripletexSandbox) -> None:
    """A task order written before tasks moved to the bridge is still followed to its end."""
    session = _open(sandbox, Mode.REVIEW)
    session.fetch(TODAY, None)
    letter, invoice = _task(sandbox)
    body = writer.order_body(letter, TEXT, company_fee=None)
    order = mapping.order(session.client.create_order(body))
    assert order is not None
    pending = Pending(letter.key, str(order.id), TODAY)
    [result] = list(_open(sandbox, Mode.AUTONOMOUS).reconcile([pending]))
    assert result.status is StepStatus.PENDING  # autonomous mode does not carry it out either
    done = _open(sandbox, Mode.REVIEW).approve(pending)
    assert done.status is StepStatus.ISSUED
    assert "carried out" in done.detail
    assert sandbox.reminders_of(invoice) == []
