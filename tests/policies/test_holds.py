"""Holds: an invoice on hold gets no step and no fee from its first day through its last."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bridge.vocab.domain import ActionKind, Dispute, Hold
from policies.engine import blocked
from tests.policies.factories import invoice, policy, record, replay, run, snapshot

D = Decimal
DUE = date(2026, 1, 19)  # a Monday; the default ladder's step 1 falls due on the 22nd
STEP_ONE = DUE + timedelta(days=3)
R = ActionKind.REMINDER


def test_hold_covers_its_first_and_last_day_and_not_the_next() -> None:
    hold = Hold("1001", start=STEP_ONE, until=STEP_ONE + timedelta(days=4), reason="returned goods")
    assert not hold.covers(STEP_ONE - timedelta(days=1))
    assert hold.covers(STEP_ONE)
    assert hold.covers(STEP_ONE + timedelta(days=4))
    assert not hold.covers(STEP_ONE + timedelta(days=5))


def test_a_lifted_hold_stops_covering_on_the_day_it_is_lifted() -> None:
    hold = Hold("1001", start=STEP_ONE, until=None, lifted=STEP_ONE + timedelta(days=2))
    assert hold.covers(STEP_ONE + timedelta(days=1))
    assert not hold.covers(STEP_ONE + timedelta(days=2))
    assert Hold("1001", start=STEP_ONE).covers(date(2030, 1, 1))  # until lifted


def test_a_held_invoice_is_skipped_and_others_are_dunned() -> None:
    hold = Hold("1001", start=STEP_ONE, until=STEP_ONE + timedelta(days=4), reason="returned")
    snap = snapshot([invoice("1001"), invoice("2001", customer_id="C2")], holds=[hold])
    assert [d.invoice_id for d in run(STEP_ONE, snap)] == ["2001"]
    assert blocked(snap, STEP_ONE) == [
        ("1001", "on hold since 2026-01-22 until 2026-01-26: returned")
    ]
    assert blocked(snap, STEP_ONE + timedelta(days=5)) == []
    (resumed,) = [d for d in run(STEP_ONE + timedelta(days=5), snap) if d.invoice_id == "1001"]
    assert (resumed.action, resumed.step) == (R, 1)


def test_a_hold_until_lifted_says_so() -> None:
    snap = snapshot([invoice("1001")], holds=[Hold("1001", start=DUE)])
    assert blocked(snap, STEP_ONE) == [("1001", "on hold since 2026-01-19 until lifted")]


def test_no_fee_is_earned_while_held_and_the_ladder_resumes_where_it_stopped() -> None:
    start, end = DUE + timedelta(days=5), DUE + timedelta(days=60)
    snap = snapshot([invoice("1001")], holds=[Hold("1001", start=start, until=end)])
    decisions, _ = replay(DUE, DUE + timedelta(days=90), lambda _d: snap, policy())
    assert [d for d in decisions if start <= d.date <= end] == []
    steps = [(d.date, d.step, d.fee) for d in decisions if d.invoice_id == "1001"]
    # Step 1 before the hold, step 2 the day after it ends (long overdue), then on as usual.
    assert steps[0] == (STEP_ONE, 1, D(0))
    assert steps[1][:2] == (end + timedelta(days=1), 2)
    assert steps[1][2] == D(100)
    assert [s for _, s, _ in steps] == [1, 2, 3, 4]


def test_an_invoice_paused_in_the_source_system_is_held_through_that_day() -> None:
    snap = snapshot([invoice("1001", paused_until=STEP_ONE)])
    assert run(STEP_ONE, snap) == []
    assert blocked(snap, STEP_ONE) == [("1001", "invoice paused until 2026-01-22")]
    assert [d.step for d in run(STEP_ONE + timedelta(days=1), snap)] == [1]


def test_a_hold_and_a_dispute_together_name_the_hold_first() -> None:
    snap = snapshot(
        [invoice("1001")],
        holds=[Hold("1001", start=DUE, until=STEP_ONE, reason="x")],
        disputes=[Dispute("1001", start=DUE)],
    )
    ((_, reason),) = blocked(snap, STEP_ONE)
    assert reason.startswith("on hold")
    ((_, later),) = blocked(snap, STEP_ONE + timedelta(days=1))
    assert later.startswith("disputed")


def test_a_held_paid_invoice_gets_no_interest_invoice() -> None:
    paid = invoice("1001", outstanding="0", paid_date=DUE + timedelta(days=60))
    history = [record("1001", R, 1, STEP_ONE)]
    today = DUE + timedelta(days=61)
    snap = snapshot([], settled=[paid])
    assert [d.action for d in run(today, snap, history)] == [ActionKind.INTEREST_INVOICE]
    held = snapshot([], settled=[paid], holds=[Hold("1001", start=DUE)])
    assert run(today, held, history) == []


def test_a_hold_on_one_invoice_leaves_the_customers_letter_to_the_others() -> None:
    snap = snapshot(
        [invoice("1001"), invoice("1002")], holds=[Hold("1001", start=DUE, reason="query")]
    )
    (decision,) = run(STEP_ONE, snap)
    assert decision.invoice_id == "1002"
