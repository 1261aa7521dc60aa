"""Customer numbers with letters, credited invoices, text-row accounts, delivery and sending."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bridge.vocab.connector import Pending
from bridge.vocab.domain import ActionKind, Mode, StepStatus
from connectors.fortnox import mapping, writer
from connectors.fortnox.sandbox.server import FortnoxSandbox
from tests.connectors.fortnox.conftest import TODAY, open_on
from tests.connectors.fortnox.test_session import _fetched, _letter

# -- customer numbers are any string ----------------------------------------------------------


def test_a_customer_number_with_letters_is_dunned(sandbox: FortnoxSandbox) -> None:
    number = sandbox.add_customer("Kund med bokstäver AB", number="K1")
    invoice = sandbox.add_invoice(
        number,
        Decimal("1250.00"),
        issued=TODAY - timedelta(days=40),
        due=TODAY - timedelta(days=10),
    )
    session, snapshot = _fetched(sandbox)
    assert "K1" in snapshot.customers
    assert invoice in {i.id for i in snapshot.invoices}
    assert not [s for s in session.skipped if "K1" in s]
    result = session.apply(_letter(snapshot, invoice), "Påminnelse")
    assert sandbox.invoice(result.document)["CustomerNumber"] == "K1"


def test_a_customer_number_is_quoted_in_the_path(sandbox: FortnoxSandbox) -> None:
    sandbox.add_customer("Mellanslag AB", number="KA 7")
    session = open_on(sandbox)
    assert mapping.customer_number(session.client.customer("KA 7")) == "KA 7"
    assert ("GET", "/3/customers/KA 7") in sandbox.requests


# -- a credited invoice gets no interest --------------------------------------------------------


def test_a_credited_invoice_gets_no_interest_invoice(sandbox: FortnoxSandbox) -> None:
    customer = sandbox.add_customer("Krediterad AB")
    invoice = sandbox.add_invoice(
        customer,
        Decimal("800.00"),
        issued=TODAY - timedelta(days=60),
        due=TODAY - timedelta(days=30),
    )
    credit = sandbox.credit(invoice, on=TODAY - timedelta(days=3))
    listed = sandbox.invoice(invoice)
    assert listed["Balance"] == 0
    assert listed["FinalPayDate"] == (TODAY - timedelta(days=3)).isoformat()
    session, snapshot = _fetched(sandbox)
    settled = {i.id for i in snapshot.settled}
    assert invoice not in settled
    assert credit not in settled
    assert "credited" in session.left_alone[invoice]


def test_the_sandbox_credits_as_the_spec_says(sandbox: FortnoxSandbox) -> None:
    customer = sandbox.add_customer("Kredit via API AB")
    invoice = sandbox.add_invoice(
        customer,
        Decimal("500.00"),
        issued=TODAY - timedelta(days=20),
        due=TODAY + timedelta(days=10),
    )
    session = open_on(sandbox)
    answer = session.client._send("PUT", f"/invoices/{invoice}/credit")
    reference = answer["Invoice"]["CreditInvoiceReference"]
    note = sandbox.invoice(reference)
    assert note["Credit"] == "true"
    assert Decimal(note["Total"]) == Decimal("-500.00")
    assert note["CreditInvoiceReference"] == invoice


# -- text rows carry an account ------------------------------------------------------------------


def test_text_rows_name_the_account_and_the_option_changes_it() -> None:
    from tests.connectors.fortnox.test_writer import SETTINGS, _decision  # noqa: PLC0415
    from tests.connectors.fortnox.test_writer import _letter as letter_of  # noqa: PLC0415

    long_text = "\n".join(f"Rad {n}: " + "x" * 200 for n in range(12))
    body = writer.invoice_body(
        letter_of(_decision("10")), long_text, settings=SETTINGS, invoices={}
    )
    rows = body["Invoice"]["InvoiceRows"]
    text_rows = [r for r in rows if "Price" not in r]
    assert text_rows
    assert all(r["AccountNumber"] == SETTINGS.text_account for r in text_rows)
    assert writer.RowSettings().text_account == writer.RowSettings().fee_account


def test_the_sandbox_puts_the_default_account_on_a_text_row(sandbox: FortnoxSandbox) -> None:
    customer = sandbox.add_customer("Textrad AB")
    session = open_on(sandbox)
    body = {"Invoice": {"CustomerNumber": customer, "InvoiceRows": [{"Description": "Bara text"}]}}
    created = session.client.create_invoice(body)
    assert created["InvoiceRows"][0]["AccountNumber"] == 3001


def test_the_text_account_option(sandbox: FortnoxSandbox) -> None:
    session = open_on(sandbox, text_account="3740")
    assert session.rows.text_account == 3740


# -- delivery types, printing and the draft's comment --------------------------------------------


def test_einvoice_is_not_a_delivery_type() -> None:
    assert writer.send_action("EINVOICE")[0] is None
    assert "EINVOICE" not in writer.FINANS_SEND
    assert mapping.delivery({"DefaultDeliveryTypes": {"Invoice": "EINVOICE"}}) == "PRINT"


def test_the_sandbox_refuses_a_delivery_type_fortnox_does_not_have(
    sandbox: FortnoxSandbox,
) -> None:
    with pytest.raises(ValueError, match="delivery"):
        sandbox.add_customer("E-faktura AB", delivery="EINVOICE")


def test_a_print_customer_s_letter_waits_until_fortnox_shows_it_sent(
    sandbox: FortnoxSandbox,
) -> None:
    session, snapshot = _fetched(sandbox, Mode.AUTONOMOUS)
    printed = session.apply(_letter(snapshot, "7"), "text")  # customer delivers by PRINT
    assert printed.status is StepStatus.PENDING
    assert "print" in printed.detail
    assert sandbox.invoice(printed.document.removeprefix("print:"))["Booked"] is True
    pending = [Pending(printed.letter_key, printed.document, TODAY)]
    assert [r.status for r in open_on(sandbox).reconcile(pending)] == [StepStatus.PENDING]
    sandbox.mark_sent(printed.document.removeprefix("print:"))
    assert [r.status for r in open_on(sandbox).reconcile(pending)] == [StepStatus.ISSUED]


def test_externalprint_marks_a_print_customer_s_letter_sent_when_asked(
    sandbox: FortnoxSandbox,
) -> None:
    session, snapshot = _fetched(sandbox, Mode.AUTONOMOUS, print_delivery="externalprint")
    printed = session.apply(_letter(snapshot, "7"), "text")
    assert printed.status is StepStatus.ISSUED
    assert sandbox.invoice(printed.document)["Sent"] is True
    assert ("PUT", f"/3/invoices/{printed.document}/externalprint") in sandbox.requests


def test_the_draft_comment_says_cancel_not_delete() -> None:
    from tests.connectors.fortnox.test_writer import SETTINGS, _decision  # noqa: PLC0415
    from tests.connectors.fortnox.test_writer import _letter as letter_of  # noqa: PLC0415

    body = writer.invoice_body(letter_of(_decision("10")), "Hej", settings=SETTINGS, invoices={})
    comments = body["Invoice"]["Comments"]
    assert "delete" not in comments
    assert "cancel" in comments


def test_hand_over_letters_are_unaffected(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox)
    result = session.apply(_letter(snapshot, "21", action=ActionKind.HANDOVER, fee="0"), "t")
    assert result.status is StepStatus.PENDING
