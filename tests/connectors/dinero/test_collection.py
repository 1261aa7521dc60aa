"""LatestMailOutType: an invoice Dinero already sent to debt collection (Inkasso) is left alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from connectors.dinero import mapping
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.support import TODAY, open_session, overdue_without_reminders


def test_the_mailout_types_of_the_spec_are_read() -> None:
    assert mapping.with_collection({"LatestMailOutType": "Inkasso"}) is not None
    assert mapping.with_collection({"LatestMailOutType": "inkasso"}) is not None
    for other in ("Einvoice", "ElectronicInvoiceReminder", "Mailout", "OrderConfirmation",
                  "PreReminder", "Reminder", "TradeOffer", "None", None, 3):  # fmt: skip
        assert mapping.with_collection({"LatestMailOutType": other}) is None


def test_an_open_invoice_sent_to_collection_is_not_dunned(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    before = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, before)[0]
    sandbox.mail_out(invoice, "Inkasso")
    sent = len(sandbox.requests)
    after = open_session(sandbox)
    snapshot = after.fetch(TODAY, None)
    assert invoice not in {i.id for i in snapshot.invoices}
    assert "debt collection" in after.left_alone[invoice]
    # Left alone before any per-invoice read: no payments or reminders request for it.
    assert not any(invoice in path for _, path in sandbox.requests[sent:])


def test_a_late_payment_of_an_invoice_with_collection_gets_no_interest_note(
    sandbox: DineroSandbox,
) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    invoice = next(i for i in snapshot.invoices if i.due_date < TODAY - timedelta(days=5))
    sandbox.mail_out(invoice.id, "Inkasso")
    sandbox.pay(invoice.id, Decimal(invoice.outstanding), TODAY)
    again = open_session(sandbox)
    settled = again.fetch(TODAY, None).settled
    assert invoice.id not in {i.id for i in settled}
    assert invoice.id in again.left_alone
