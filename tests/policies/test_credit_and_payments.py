"""Money the customer already paid or holds: partial payments, credit notes, unapplied credit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bridge.vocab.domain import ZERO, ActionKind, CustomerKind, Payment, money
from policies.engine import blocked, unapplied_credit, why_not
from tests.policies.factories import DK, customer, invoice, policy, record, run, snapshot

D = Decimal
DUE = date(2026, 1, 19)
R = ActionKind.REMINDER
STEP_ONE = [record("1001", R, 1, date(2026, 1, 22))]
STEP_TWO = date(2026, 2, 1)  # step 2 of the default ladder: fee, interest, compensation


def _interest_by_hand(principals: list[tuple[date, date, Decimal]]) -> Decimal:
    """Simple interest at the DK rate of each day, actual/365, rounded once."""
    total = ZERO
    for start, end, principal in principals:
        day = start
        while day <= end:
            rate = DK.annual_rate(day, DUE, CustomerKind.BUSINESS).rate
            total += principal * rate / (100 * 365)
            day += timedelta(days=1)
    return money(total)


def test_a_partial_payment_lowers_the_principal_from_the_day_after_it() -> None:
    # The payment day still bears interest on the amount paid that day (law.md § 6).
    paid_on = date(2026, 1, 26)
    snap = snapshot(
        [invoice(outstanding="6000.00")], payments=[Payment("1001", paid_on, D("4000.00"))]
    )
    (decision,) = run(STEP_TWO, snap, STEP_ONE)
    assert decision.interest is not None
    periods = [(p.start, p.end, p.principal) for p in decision.interest.periods]
    assert periods == [
        (date(2026, 1, 20), paid_on, D("10000.00")),
        (date(2026, 1, 27), STEP_TWO, D("6000.00")),
    ]
    assert decision.interest.amount == _interest_by_hand(periods)
    assert decision.outstanding == D("6000.00")


def test_a_payment_on_the_first_interest_day_leaves_one_full_principal_day() -> None:
    # Paid one day late: that day bears interest on the whole amount (law.md § 6).
    snap = snapshot(
        [invoice(outstanding="6000.00")], payments=[Payment("1001", DUE + timedelta(1), D(4000))]
    )
    (decision,) = run(STEP_TWO, snap, STEP_ONE)
    assert decision.interest is not None
    assert [(p.days, p.principal) for p in decision.interest.periods] == [
        (1, D("10000.00")),
        (12, D("6000.00")),
    ]


def test_a_payment_on_the_due_date_leaves_no_full_principal_day() -> None:
    snap = snapshot([invoice(outstanding="6000.00")], payments=[Payment("1001", DUE, D(4000))])
    (decision,) = run(STEP_TWO, snap, STEP_ONE)
    assert decision.interest is not None
    assert [p.principal for p in decision.interest.periods] == [D("6000.00")]


def test_a_payment_before_the_due_date_means_interest_only_on_the_rest() -> None:
    snap = snapshot([invoice(outstanding="2500.00")], payments=[Payment("1001", DUE, D("7500.00"))])
    (decision,) = run(STEP_TWO, snap, STEP_ONE)
    assert decision.interest is not None
    assert {p.principal for p in decision.interest.periods} == {D("2500.00")}


def test_an_allocated_credit_note_counts_like_a_payment() -> None:
    credited = date(2026, 1, 28)
    # The vendor reports the credit note's allocation as money received against the invoice.
    snap = snapshot(
        [invoice(outstanding="9000.00")], payments=[Payment("1001", credited, D("1000.00"))]
    )
    (decision,) = run(STEP_TWO, snap, STEP_ONE)
    assert decision.interest is not None
    assert [p.principal for p in decision.interest.periods] == [D("10000.00"), D("9000.00")]
    assert decision.interest.periods[1].start == credited + timedelta(days=1)


def test_unapplied_credit_stops_dunning_of_that_customer_only() -> None:
    credit = customer("C1", unapplied_credit=D("250.00"))
    snap = snapshot(
        [invoice("1001"), invoice("1002"), invoice("2001", customer_id="C2")],
        customers=[credit, customer("C2")],
    )
    today = date(2026, 1, 22)
    assert [d.invoice_id for d in run(today, snap)] == ["2001"]
    reasons = dict(blocked(snap, today))
    assert set(reasons) == {"1001", "1002"}
    assert reasons["1001"].startswith("customer has unapplied credit of DKK 250.00")
    (note,) = why_not(today, snap, (), DK, policy(), invoice_id="1001")
    assert "allocate it before dunning" in note


def test_no_credit_means_no_block() -> None:
    snap = snapshot([invoice()], customers=[customer("C1", unapplied_credit=ZERO)])
    assert run(date(2026, 1, 22), snap)
    assert unapplied_credit(snap) == {}


def test_an_open_credit_note_in_the_ledger_is_unapplied_credit() -> None:
    note = invoice("CN1", amount="-500.00")
    snap = snapshot([invoice("1001"), note])
    assert unapplied_credit(snap) == {"C1": D("500.00")}
    assert run(date(2026, 1, 22), snap) == []
    # The credit note itself is no paid invoice: no interest invoice, no entry of its own.
    assert [inv for inv, _ in blocked(snap, date(2026, 1, 22))] == ["1001"]


def test_an_overpaid_invoice_is_unapplied_credit_too() -> None:
    over = invoice("1002", outstanding="-100.00")
    snap = snapshot([invoice("1001"), over], customers=[customer("C1", unapplied_credit=D(50))])
    assert unapplied_credit(snap) == {"C1": D("150.00")}


def test_once_allocated_dunning_resumes() -> None:
    before = snapshot([invoice("1001"), invoice("CN1", amount="-500.00")])
    after = snapshot([invoice("1001", outstanding="9500.00")])
    assert run(date(2026, 1, 22), before) == []
    assert [d.step for d in run(date(2026, 1, 22), after)] == [1]
