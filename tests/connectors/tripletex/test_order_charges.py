"""The charges on our Tripletex orders: no VAT on fees, interest and compensation, and the
invoice's own currency.

Without ``vatType`` on an order line Tripletex applies the line's default VAT (25 % for a
Norwegian company's sales), so the sandbox does too; without ``currency`` on the order it is in
the company's currency (NOK). Reminder fees, late-payment interest and the compensation are not
consideration for a supply: they are booked with a VAT type that charges no VAT.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest

from bridge.infra import retry
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import ZERO, ActionKind, Decision, Letter, Mode
from bridge.vocab.errors import RejectedRequest
from bridge.vocab.secrets import StaticSecrets
from connectors.tripletex import CONNECTOR, writer
from connectors.tripletex.sandbox.server import TripletexSandbox
from connectors.tripletex.session import TripletexSession

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _open(sandbox: TripletexSandbox, **options: str) -> TripletexSession:
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
        options=options,
    )
    return TripletexSession(ctx, today=lambda: TODAY)


def _interest_letter(invoice: int, customer: int, currency: str) -> Letter:
    decision = Decision(
        tenant="t",
        invoice_id=str(invoice),
        invoice_number=str(invoice),
        customer_id=str(customer),
        date=TODAY,
        action=ActionKind.INTEREST_INVOICE,
        step=1,
        currency=currency,
        outstanding=Decimal("1000.00"),
        compensation=Decimal("40.00"),
    )
    return Letter("t", str(customer), ActionKind.INTEREST_INVOICE, 1, TODAY, currency, (decision,))


def _claim(sandbox: TripletexSandbox, currency: str = "NOK") -> tuple[int, int]:
    customer = sandbox.add_customer("Kunde AS", email="a@kunde.no", org_number="912345678")
    due = TODAY - timedelta(days=30)
    invoice = sandbox.add_invoice(
        customer, Decimal("1000"), issued=due - timedelta(14), due=due, currency=currency
    )
    return customer, invoice


def _sandbox_token(sandbox: TripletexSandbox) -> str:
    return str(
        sandbox._mint(
            {
                "consumerToken": sandbox.CONSUMER_TOKEN,
                "employeeToken": sandbox.EMPLOYEE_TOKEN,
                "expirationDate": "2026-03-04",
            }
        )["token"]
    )


def test_the_sandbox_adds_the_default_vat_when_a_line_names_no_vat_type() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer, _ = _claim(sandbox)
    client = httpx.Client(
        transport=sandbox.transport(),
        base_url=sandbox.BASE_URL,
        auth=("0", _sandbox_token(sandbox)),
    )
    body = {
        "customer": {"id": customer},
        "orderDate": TODAY.isoformat(),
        "deliveryDate": TODAY.isoformat(),
        "orderLines": [{"description": "gebyr", "count": 1, "unitPriceExcludingVatCurrency": 100}],
    }
    order = client.post("/order", json=body).json()["value"]
    invoice = sandbox.invoice_order(order["id"])
    assert invoice["amount"] == Decimal("125.00")
    assert invoice["currency"] == "NOK"


def test_charges_carry_the_vat_free_type_and_are_invoiced_without_vat() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer, invoice = _claim(sandbox)
    session = _open(sandbox)
    session.fetch(TODAY, None)
    result = session.apply(_interest_letter(invoice, customer, "NOK"), "Rentenota")
    order = sandbox.state["orders"][result.document]
    free = sandbox.vat_type_id("7")
    assert {line["vatType"]["id"] for line in order["orderLines"]} == {free}
    made = sandbox.invoice_order(int(result.document))
    assert made["amount"] == Decimal("40.00")  # no 25 % on top


def test_the_tenant_option_names_the_vat_type_without_a_lookup() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer, invoice = _claim(sandbox)
    chosen = sandbox.vat_type_id("6")
    session = _open(sandbox, vat_type=str(chosen))
    session.fetch(TODAY, None)
    result = session.apply(_interest_letter(invoice, customer, "NOK"), "Rentenota")
    lines = sandbox.state["orders"][result.document]["orderLines"]
    assert {line["vatType"]["id"] for line in lines} == {chosen}
    assert not any(q.startswith("/ledger/vatType") for _, q in sandbox.requests)


def test_no_vat_free_type_refuses_charges_instead_of_adding_vat() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    sandbox.deactivate_vat_type("6")
    sandbox.deactivate_vat_type("7")
    customer, invoice = _claim(sandbox)
    session = _open(sandbox)
    session.fetch(TODAY, None)
    with pytest.raises(RejectedRequest, match="vat_type"):
        session.apply(_interest_letter(invoice, customer, "NOK"), "Rentenota")
    assert not sandbox.our_orders()


def test_a_eur_claim_is_charged_in_eur() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer, invoice = _claim(sandbox, currency="EUR")
    session = _open(sandbox)
    snap = session.fetch(TODAY, None)
    assert next(i for i in snap.invoices if i.id == str(invoice)).currency == "EUR"
    result = session.apply(_interest_letter(invoice, customer, "EUR"), "Rentenota")
    order = sandbox.state["orders"][result.document]
    assert order["currency"] == {"id": sandbox.currency_id("EUR")}
    made = sandbox.invoice_order(int(result.document))
    assert made["currency"] == "EUR"
    assert made["amount"] == Decimal("40.00")


def test_the_company_fee_in_nok_never_goes_on_a_reminder_in_another_currency() -> None:
    decision = Decision(
        tenant="t",
        invoice_id="1",
        invoice_number="1",
        customer_id="2",
        date=TODAY,
        action=ActionKind.REMINDER,
        step=1,
        currency="EUR",
        outstanding=Decimal("1000.00"),
        fee=Decimal("5.00"),
    )
    used, why = writer.fee_on_reminder(decision, Decimal("3.00"))
    assert not used
    assert "NOK" in why
    assert "EUR" in why
    assert writer.fee_on_reminder(decision, None)[0] is False
    assert decision.fee > ZERO
