"""Credit in the customer's favour reaches the engine: open credit notes and prepayments.

A Tripletex credit note is an invoice with ``isCreditNote`` true; ``creditedInvoice`` names the
invoice it credits (openapi-2.74.00.json, Invoice). ``amountOutstanding`` is "the amount
outstanding based on the history collection": for a credit note not yet settled against an
invoice it is negative, and that is credit the customer holds. A customer with credit is not
dunned until the accountant allocates it (docs/holds.md).

A payment booked on the customer's ledger without an invoice (a prepayment, or a payment not
yet matched) is no invoice, so ``GET /invoice`` never shows it. ``GET /ledger/posting/openPost``
("Find open posts", filters ``date`` "to and excl." and ``customerId``) lists the customer's
postings not yet matched; a Posting carries ``customer``, ``invoiceNumber``, ``amount`` and
``amountCurrency`` (openapi-2.74.00.json, Posting). A customer post with no invoice number and
a credit (negative) amount is such a payment: credit the customer holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.infra import retry
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Decision, Mode, Snapshot
from bridge.vocab.errors import AuthError, MalformedResponse
from bridge.vocab.secrets import StaticSecrets
from connectors.tripletex import CONNECTOR, mapping
from connectors.tripletex.sandbox.server import TripletexSandbox
from connectors.tripletex.session import TripletexSession
from policies.engine import blocked, decide, unapplied_credit
from policies.ladder import TenantPolicy
from policies.law import for_country

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


# -- prepayments: a payment on the customer's ledger, on no invoice ----------------------------

NO = for_country("NO")
CLAIM = Decimal("1000.00")


def _decided(snap: Snapshot, invoice: int) -> list[Decision]:
    decisions = decide(TODAY, snap, (), NO, TenantPolicy.from_mapping({}, "NO"))
    return [d for d in decisions if d.invoice_id == str(invoice)]


def _prepaid(amount: str | None) -> tuple[TripletexSandbox, int, int]:
    """A customer owing 1,000 NOK on an invoice 40 days overdue, with a prepayment of ``amount``."""
    sandbox = TripletexSandbox.demo(TODAY)
    customer = sandbox.add_customer("Forskudd AS", email="a@f.no", org_number="923456789")
    invoice = _overdue(sandbox, customer, str(CLAIM))
    if amount is not None:
        sandbox.prepay(customer, Decimal(amount), on=TODAY - timedelta(days=5))
    return sandbox, customer, invoice


def test_without_a_prepayment_the_overdue_claim_is_dunned() -> None:
    sandbox, customer, invoice = _prepaid(None)
    snap = _open(sandbox).fetch(TODAY, None)
    assert str(customer) not in unapplied_credit(snap)
    (decision,) = _decided(snap, invoice)
    assert decision.outstanding == Decimal("1000.00")


@pytest.mark.parametrize("amount", ["0.01", "400.00", "999.99", "1000.00", "1000.01"])
def test_a_prepayment_is_credit_the_customer_holds(amount: str) -> None:
    sandbox, customer, invoice = _prepaid(amount)
    snap = _open(sandbox).fetch(TODAY, None)
    assert snap.customers[str(customer)].unapplied_credit == Decimal(amount)
    assert unapplied_credit(snap)[str(customer)] == Decimal(amount)
    # The claim stays 1,000 until the accountant allocates the payment: no fee, no reminder.
    assert {i.id: i.outstanding for i in snap.invoices}[str(invoice)] == CLAIM
    assert _decided(snap, invoice) == []
    (reason,) = [r for i, r in blocked(snap, TODAY) if i == str(invoice)]
    assert "unapplied credit" in reason


def test_a_prepayment_of_the_whole_claim_gets_no_fee_and_no_reminder() -> None:
    sandbox, customer, invoice = _prepaid("1000.00")
    snap = _open(sandbox).fetch(TODAY, None)
    assert unapplied_credit(snap)[str(customer)] == Decimal("1000.00")
    assert _decided(snap, invoice) == []


def test_a_prepayment_of_400_allocated_leaves_600_outstanding_and_no_credit() -> None:
    sandbox, customer, invoice = _prepaid(None)
    posting = sandbox.prepay(customer, Decimal("400.00"), on=TODAY - timedelta(days=5))
    sandbox.allocate_prepayment(posting, invoice, Decimal("400.00"))
    snap = _open(sandbox).fetch(TODAY, None)
    assert str(customer) not in unapplied_credit(snap)
    assert {i.id: i.outstanding for i in snap.invoices}[str(invoice)] == Decimal("600.00")
    (decision,) = _decided(snap, invoice)
    assert decision.outstanding == Decimal("600.00")


def test_a_prepayment_partly_allocated_counts_what_is_left() -> None:
    sandbox, customer, invoice = _prepaid(None)
    posting = sandbox.prepay(customer, Decimal("1000.00"), on=TODAY - timedelta(days=5))
    sandbox.allocate_prepayment(posting, invoice, Decimal("600.00"))
    snap = _open(sandbox).fetch(TODAY, None)
    assert {i.id: i.outstanding for i in snap.invoices}[str(invoice)] == Decimal("400.00")
    assert unapplied_credit(snap)[str(customer)] == Decimal("400.00")
    assert _decided(snap, invoice) == []


def test_a_credit_note_is_counted_once_though_it_is_an_open_post_too() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customer = sandbox.add_customer("Kreditnota AS", email="a@k.no", org_number="912345678")
    _overdue(sandbox, customer, "125.00")
    other = _overdue(sandbox, customer, "125.00")
    sandbox.pay(other, Decimal("125.00"))
    sandbox.add_credit_note(other, Decimal("125.00"), on=TODAY - timedelta(days=20))
    sandbox.prepay(customer, Decimal("50.00"), on=TODAY - timedelta(days=5))
    snap = _open(sandbox).fetch(TODAY, None)
    assert unapplied_credit(snap)[str(customer)] == Decimal("175.00")


def test_open_posts_strategy_reads_prepayments_from_the_posts_it_already_reads() -> None:
    sandbox, customer, _ = _prepaid("400.00")
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
        options={"read_strategy": "openposts"},
    )
    snap = TripletexSession(ctx, today=lambda: TODAY).fetch(TODAY, None)
    assert unapplied_credit(snap)[str(customer)] == Decimal("400.00")
    assert sum(p.startswith("/ledger/posting/openPost") for _, p in sandbox.requests) == 1


def test_the_invoices_strategy_reads_every_prepayment_in_one_request() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    customers = [
        sandbox.add_customer(f"Forskudd {n} AS", email=f"{n}@f.no", org_number=f"92345678{n}")
        for n in range(3)
    ]
    for customer in customers:
        _overdue(sandbox, customer, "1000.00")
        sandbox.prepay(customer, Decimal("100.00"), on=TODAY - timedelta(days=5))
    snap = _open(sandbox).fetch(TODAY, None)
    assert all(unapplied_credit(snap)[str(c)] == Decimal("100.00") for c in customers)
    assert sum(p.startswith("/ledger/posting/openPost") for _, p in sandbox.requests) == 1


@pytest.mark.parametrize(
    ("post", "credit"),
    [
        # A payment on no invoice: the number null or empty (the spec types it a string).
        ({"id": 1, "invoiceNumber": None, "customer": {"id": 7}, "amount": -400}, "400"),
        ({"id": 1, "invoiceNumber": "", "customer": {"id": 7}, "amount": "-0.01"}, "0.01"),
        # In the post's own currency when it is expanded, as for invoices.
        (
            {
                "id": 1,
                "customer": {"id": 7},
                "amount": "-1150.00",
                "amountCurrency": "-100.00",
                "currency": {"code": "EUR"},
            },
            "100.00",
        ),
        # A debit on no invoice (e.g. an opening balance) is owed, not credit.
        ({"id": 1, "invoiceNumber": "", "customer": {"id": 7}, "amount": "0.01"}, None),
        ({"id": 1, "invoiceNumber": "", "customer": {"id": 7}, "amount": 0}, None),
        # A payment naming its invoice is counted by that invoice's outstanding amount.
        ({"id": 1, "invoiceNumber": "10001", "customer": {"id": 7}, "amount": -400}, None),
        # Not the customer ledger (a supplier's or an employee's post).
        ({"id": 1, "invoiceNumber": "", "supplier": {"id": 7}, "amount": -400}, None),
    ],
)
def test_which_open_posts_are_a_customer_s_payment_on_no_invoice(
    post: dict[str, object], credit: str | None
) -> None:
    found = mapping.prepayment(post)
    assert found == (None if credit is None else ("7", Decimal(credit)))


def test_an_open_post_with_a_float_amount_is_refused_with_a_reason() -> None:
    with pytest.raises(MalformedResponse, match="amount"):
        mapping.prepayment({"id": 1, "customer": {"id": 7}, "amount": -1.5})


def test_a_cycle_that_may_not_read_the_ledger_duns_nobody_and_names_the_access() -> None:
    # Without the open posts a prepayment cannot be seen: the tenant is not dunned blind.
    sandbox, _, _ = _prepaid("400.00")
    sandbox.deny("ledger/posting")
    with pytest.raises(AuthError, match="ledger"):
        _open(sandbox).fetch(TODAY, None)
