"""Where a Tripletex reminder goes: the address the connector chose, and never a silent print.

``:createReminder`` takes ``email`` ("Defaults to the same email list as the invoice if not
provided", spec 2.74.00), so without it a customer's ``overdueNoticeEmail`` is never used.
``OWN_PRINTER`` only makes a letter for the company to print: nothing reaches the debtor unless
somebody prints and posts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.infra import retry
from bridge.vocab.connector import Pending, TenantContext
from bridge.vocab.domain import ActionKind, Decision, Letter, Mode, StepStatus
from bridge.vocab.secrets import StaticSecrets
from connectors.tripletex import CONNECTOR
from connectors.tripletex.sandbox.server import TripletexSandbox
from connectors.tripletex.session import TripletexSession

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _open(
    sandbox: TripletexSandbox, mode: Mode = Mode.AUTONOMOUS, **options: str
) -> TripletexSession:
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=mode,
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
        options=options,
    )
    return TripletexSession(ctx, today=lambda: TODAY)


def _invoice(sandbox: TripletexSandbox, customer: int) -> int:
    due = TODAY - timedelta(days=20)
    return sandbox.add_invoice(customer, Decimal("1000"), issued=due - timedelta(14), due=due)


def _letter(invoice: int, customer: int) -> Letter:
    decision = Decision(
        tenant="t",
        invoice_id=str(invoice),
        invoice_number=str(invoice),
        customer_id=str(customer),
        date=TODAY,
        action=ActionKind.REMINDER,
        step=1,
        currency="NOK",
        outstanding=Decimal("1000.00"),
    )
    return Letter("t", str(customer), ActionKind.REMINDER, 1, TODAY, "NOK", (decision,))


def test_the_reminder_goes_to_the_overdue_notice_address() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer = sandbox.add_customer(
        "Purring AS", email="faktura@purring.no", overdue_email="purring@purring.no"
    )
    invoice = _invoice(sandbox, customer)
    session = _open(sandbox)
    session.fetch(TODAY, None)
    result = session.apply(_letter(invoice, customer), "Purring")
    assert result.status is StepStatus.ISSUED
    reminder = sandbox.reminders_of(invoice)[0]["id"]
    assert sandbox.sent_to[reminder] == "purring@purring.no"
    assert any("email=purring@purring.no" in q for _, q in sandbox.requests)


def test_without_an_address_nothing_is_printed_silently() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer = sandbox.add_customer("Uten Epost AS")
    invoice = _invoice(sandbox, customer)
    session = _open(sandbox)
    session.fetch(TODAY, None)
    letter = _letter(invoice, customer)
    result = session.apply(letter, "Purring")
    assert result.status is StepStatus.PENDING
    assert "no e-mail address" in result.detail
    assert "dispatch_types" in result.detail
    assert sandbox.reminders_of(invoice) == []
    # Next cycle, still nothing sent and still pending, until an address or a choice is made.
    again = _open(sandbox)
    again.fetch(TODAY, None)
    [later] = list(again.reconcile([Pending(letter.key, result.document, TODAY)]))
    assert later.status is StepStatus.PENDING
    assert sandbox.reminders_of(invoice) == []


def test_own_printer_chosen_by_the_tenant_says_it_must_be_printed() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer = sandbox.add_customer("Uten Epost AS")
    invoice = _invoice(sandbox, customer)
    session = _open(sandbox, dispatch_types="OWN_PRINTER")
    session.fetch(TODAY, None)
    result = session.apply(_letter(invoice, customer), "Purring")
    assert sandbox.dispatched[-1] == (invoice, "SOFT_REMINDER", ("OWN_PRINTER",))
    assert result.status is StepStatus.ISSUED
    assert "print" in result.detail
