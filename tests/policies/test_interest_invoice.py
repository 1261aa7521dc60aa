"""Interest invoices after a late payment in full, above the tenant's minimum."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bridge.vocab.domain import ActionKind, CustomerKind, Payment, StepStatus
from tests.policies.factories import customer, invoice, policy, record, run, snapshot

D = Decimal
DUE = date(2026, 1, 19)
II = ActionKind.INTEREST_INVOICE


def test_late_payment_gives_an_interest_invoice_through_the_payment_day() -> None:
    # Days late = payment date - due date (../shared/reference/law.md § 6, examples 2-4, 16).
    paid = date(2026, 2, 19)
    inv = invoice(amount="100000.00", outstanding="0.00", paid_date=paid)
    snap = snapshot([], settled=[inv], payments=[Payment("1001", paid, D("100000.00"))])
    (decision,) = run(paid, snap)
    assert (decision.action, decision.step, decision.fee) == (II, 1, D(0))
    assert decision.interest is not None
    assert (decision.interest.start, decision.interest.end) == (
        date(2026, 1, 20),
        date(2026, 2, 19),
    )
    assert decision.interest.amount == D("828.08")  # 100 000 x 9.75 % x 31 / 365
    assert decision.compensation == D(0)
    assert decision.deadline == date(2026, 3, 2)  # 1 March is a Sunday
    assert "paid in full on 2026-02-19, 31 days after the due date" in decision.explanation


def test_below_the_minimum_no_interest_invoice() -> None:
    paid = date(2026, 1, 25)
    inv = invoice(amount="1000.00", outstanding="0.00", paid_date=paid)
    assert run(paid, snapshot([], settled=[inv])) == []


def test_paid_on_time_no_interest_invoice() -> None:
    inv = invoice(amount="100000.00", outstanding="0.00", paid_date=DUE + timedelta(days=1))
    assert run(DUE + timedelta(days=1), snapshot([], settled=[inv])) == []


def test_only_interest_not_yet_charged() -> None:
    paid = date(2026, 3, 1)
    inv = invoice(amount="100000.00", outstanding="0.00", paid_date=paid)
    history = [
        record(
            "1001",
            ActionKind.REMINDER,
            2,
            date(2026, 2, 1),
            interest="347.26",
            interest_to=date(2026, 2, 1),
        )
    ]
    (decision,) = run(paid, snapshot([], settled=[inv]), history)
    assert decision.interest is not None
    assert decision.interest.start == date(2026, 2, 2)
    assert decision.interest.end == date(2026, 3, 1)  # the payment day bears interest


def test_once_charged_nothing_more() -> None:
    paid = date(2026, 2, 19)
    inv = invoice(amount="100000.00", outstanding="0.00", paid_date=paid)
    history = [record("1001", II, 1, paid, interest="828.08", interest_to=paid)]
    assert run(paid + timedelta(days=1), snapshot([], settled=[inv]), history) == []


def test_rejected_interest_invoice_is_not_proposed_again() -> None:
    paid = date(2026, 2, 19)
    inv = invoice(amount="100000.00", outstanding="0.00", paid_date=paid)
    history = [record("1001", II, 1, paid, status=StepStatus.REJECTED)]
    assert run(paid + timedelta(days=1), snapshot([], settled=[inv]), history) == []


def test_switched_off() -> None:
    paid = date(2026, 2, 19)
    inv = invoice(amount="100000.00", outstanding="0.00", paid_date=paid)
    assert run(paid, snapshot([], settled=[inv]), (), policy({"interest_invoice": False})) == []


def test_with_compensation_for_a_business_only() -> None:
    paid = date(2026, 2, 19)
    inv = invoice(amount="100000.00", outstanding="0.00", paid_date=paid)
    with_comp = policy({"interest_invoice": {"compensation": True}})
    (business,) = run(paid, snapshot([], settled=[inv]), (), with_comp)
    consumer_snap = snapshot([], settled=[inv], customers=[customer(kind=CustomerKind.CONSUMER)])
    (consumer,) = run(paid, consumer_snap, (), with_comp)
    assert business.compensation == D(310)
    assert consumer.compensation == D(0)
