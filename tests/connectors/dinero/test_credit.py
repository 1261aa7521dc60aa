"""A customer's overpayment (an OverPaid invoice) is unapplied credit: not dunned meanwhile."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from connectors.dinero.sandbox import DineroSandbox
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
