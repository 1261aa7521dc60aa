"""A customer's overpayment (an OverPaid invoice) is unapplied credit: not dunned meanwhile."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from connectors.dinero.sandbox.server import DineroSandbox
from policies.engine import unapplied_credit
from tests.connectors.dinero.support import TODAY, open_session, overdue_without_reminders


def test_an_overpaid_invoice_is_the_customer_s_unapplied_credit(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    before = session.fetch(TODAY, None)
    owed = overdue_without_reminders(sandbox, before)[0]
    customer = next(i.customer_id for i in before.invoices if i.id == owed)
    other = sandbox.add_invoice(
        customer,
        total=Decimal("500.00"),
        issued=TODAY - timedelta(days=90),
        due=TODAY - timedelta(days=60),
    )
    sandbox.pay(other, Decimal("620.00"), TODAY - timedelta(days=70))
    snapshot = open_session(sandbox).fetch(TODAY, None)
    assert snapshot.customers[customer].unapplied_credit == Decimal("120.00")
    assert owed in {i.id for i in snapshot.invoices}


def test_customers_without_overpayments_have_no_credit(sandbox: DineroSandbox) -> None:
    snapshot = open_session(sandbox).fetch(TODAY, None)
    overpaid = {
        sandbox.state.invoices[g]["ContactGuid"]
        for g in sandbox.state.invoices
        if sandbox.state.status(g, TODAY) == "OverPaid"
    }
    assert all(c.unapplied_credit == 0 for c in snapshot.customers.values() if c.id not in overpaid)


# An open credit note: GET /v1/{org}/state-of-account/{contactGuid}?hideClosed=true lists the
# contact's open entries; RelatedVoucherClass is one of "invoice, cash, creditnote, voucher,
# notSet" and Amount is "the amount of the entry in DKK" (ContactStateOfAccountEntry).


def test_an_open_credit_note_is_the_contact_s_unapplied_credit(sandbox: DineroSandbox) -> None:
    before = open_session(sandbox).fetch(TODAY, None)
    owed = overdue_without_reminders(sandbox, before)[0]
    customer = next(i.customer_id for i in before.invoices if i.id == owed)
    sandbox.add_credit_note(customer, total=Decimal("125.00"), on=TODAY - timedelta(days=20))
    snapshot = open_session(sandbox).fetch(TODAY, None)
    assert snapshot.customers[customer].unapplied_credit == Decimal("125.00")
    assert unapplied_credit(snapshot)[customer] == Decimal("125.00")


def test_a_credit_note_allocated_in_full_is_no_credit(sandbox: DineroSandbox) -> None:
    before = open_session(sandbox).fetch(TODAY, None)
    owed = overdue_without_reminders(sandbox, before)[0]
    customer = next(i.customer_id for i in before.invoices if i.id == owed)
    note = sandbox.add_credit_note(customer, total=Decimal("125.00"), on=TODAY - timedelta(days=20))
    sandbox.allocate_credit_note(note)
    snapshot = open_session(sandbox).fetch(TODAY, None)
    assert snapshot.customers[customer].unapplied_credit == Decimal("0")


def test_the_sandbox_answers_the_state_of_account_as_the_spec_says(sandbox: DineroSandbox) -> None:
    before = open_session(sandbox).fetch(TODAY, None)
    customer = before.invoices[0].customer_id
    sandbox.add_credit_note(customer, total=Decimal("40.00"), on=TODAY - timedelta(days=3))
    http = open_session(sandbox).http
    answer = http.get(
        f"/v1/{sandbox.organization}/state-of-account/{customer}", params={"hideClosed": "true"}
    )
    missing = http.get(
        f"/v1/{sandbox.organization}/state-of-account/00000000-0000-0000-0000-000000000000"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) >= {"ContactGuid", "Income", "Expenses", "Entries"}
    notes = [e for e in body["Entries"] if e["RelatedVoucherClass"] == "creditnote"]
    assert [(e["Amount"], e["Status"]) for e in notes] == [(-40.0, "open")]
    for entry in body["Entries"]:
        assert {"RelatedVoucherGuid", "Date", "Amount", "Balance"} <= set(entry)
    assert missing.status_code == 404
