"""The contact person ticked for reminder e-mails receives the letter.

A contact's ``emailNotifications`` (customers.customerNumber.contacts.get schema) says which
e-mails they get: ``invoices``, ``orders``, ``quotations``, ``reminders``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.infra import retry
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import ActionKind, Decision, Letter, Mode, StepStatus
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


def _write(
    sandbox: EconomicSandbox, customer: int, mode: Mode = Mode.REVIEW
) -> tuple[EconomicSession, str]:
    due = TODAY - timedelta(days=30)
    invoice = sandbox.add_invoice(customer, due - timedelta(days=14), due, Decimal("1000.00"))
    ctx = TenantContext(
        tenant="demo",
        country="DK",
        mode=mode,
        secrets=StaticSecrets("demo", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
    )
    session = CONNECTOR.open(ctx)
    assert isinstance(session, EconomicSession)
    snap = session.fetch(TODAY, None)
    item = next(i for i in snap.invoices if i.id == str(invoice))
    decision = Decision(
        tenant="demo",
        invoice_id=item.id,
        invoice_number=item.number,
        customer_id=item.customer_id,
        date=TODAY,
        action=ActionKind.REMINDER,
        step=1,
        currency=item.currency,
        outstanding=item.outstanding,
        fee=Decimal("100.00"),
    )
    letter = Letter("demo", item.customer_id, ActionKind.REMINDER, 1, TODAY, "DKK", (decision,))
    result = session.apply(letter, "Rykker")
    return session, result.document if result.status is StepStatus.PENDING else result.detail


def test_the_reminder_contact_is_the_drafts_attention() -> None:
    sandbox = EconomicSandbox.demo(TODAY)
    customer = sandbox.add_customer("Kontakt ApS", cvr="11112222", email="bogholderi@k.dk")
    sandbox.add_contact(customer, "Faktura", "faktura@k.dk", reminders=False)
    wanted = sandbox.add_contact(customer, "Rykker", "rykker@k.dk", reminders=True)
    _, draft = _write(sandbox, customer)
    recipient = sandbox._state.drafts[int(draft)]["recipient"]
    assert recipient["attention"] == {"customerContactNumber": wanted}


def test_a_reminder_contact_with_an_address_lets_autonomous_mode_send_by_email() -> None:
    sandbox = EconomicSandbox.demo(TODAY)
    customer = sandbox.add_customer("Uden Mail ApS", cvr="33334444")
    sandbox.add_contact(customer, "Rykker", "rykker@u.dk", reminders=True)
    _, detail = _write(sandbox, customer, Mode.AUTONOMOUS)
    assert "e-mail" in detail
    assert "rykker@u.dk" in detail


def test_reminder_contact_mapping_skips_deleted_and_unticked() -> None:
    contacts = [
        {"customerContactNumber": 1, "email": "a@x.dk", "emailNotifications": ["invoices"]},
        {
            "customerContactNumber": 2,
            "email": "b@x.dk",
            "emailNotifications": ["reminders"],
            "deleted": True,
        },
        {"customerContactNumber": 3, "emailNotifications": ["reminders"]},
        {"customerContactNumber": 4, "email": "d@x.dk", "emailNotifications": ["reminders"]},
    ]
    assert mapping.reminder_contact(contacts) == (4, "d@x.dk")
    assert mapping.reminder_contact(contacts[:3]) is None
