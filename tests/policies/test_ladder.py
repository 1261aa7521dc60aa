"""The ladder over time: timing, catch-up, rejected and pending steps, hand-over, deadlines."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bridge.vocab.domain import ActionKind, Dispute, StepRecord, StepStatus
from policies.engine import blocked
from tests.policies.factories import (
    customer,
    invoice,
    policy,
    record,
    replay,
    run,
    snapshot,
)

D = Decimal
DUE = date(2026, 1, 19)  # a Monday
R, W, H = ActionKind.REMINDER, ActionKind.COLLECTION_WARNING, ActionKind.HANDOVER


def test_step_one_three_days_after_the_due_date() -> None:
    snap = snapshot([invoice()])
    assert run(DUE + timedelta(days=2), snap) == []
    (decision,) = run(DUE + timedelta(days=3), snap)
    assert (decision.action, decision.step, decision.fee) == (R, 1, D(0))
    assert decision.interest is None
    assert decision.deadline == date(2026, 2, 2)  # 2026-02-01 is a Sunday
    assert "moved from Sunday 2026-02-01" in decision.explanation
    assert decision.legal_basis


def test_catch_up_proposes_only_the_next_step() -> None:
    today = date(2026, 6, 1)  # months overdue: every step is late
    (decision,) = run(today, snapshot([invoice()]))
    assert decision.step == 1
    assert "Proposed late; the ladder moves one step at a time" in decision.explanation
    history = [record("1001", R, 1, today)]
    assert run(today + timedelta(days=9), snapshot([invoice()]), history) == []
    (second,) = run(today + timedelta(days=10), snapshot([invoice()]), history)
    assert second.step == 2


def test_a_rejected_step_is_not_proposed_again_and_the_next_counts_from_it() -> None:
    rejected = record("1001", R, 2, date(2026, 2, 1), status=StepStatus.REJECTED, fee="100")
    history = [record("1001", R, 1, date(2026, 1, 22)), rejected]
    assert run(date(2026, 2, 10), snapshot([invoice()]), history) == []
    (decision,) = run(date(2026, 2, 11), snapshot([invoice()]), history)
    assert (decision.action, decision.step) == (W, 3)
    assert decision.fee == D(100)  # the rejected step's fee was never charged
    assert decision.compensation == D(0)  # step 3 does not ask for it
    assert "which the accountant rejected" in decision.explanation
    # Interest runs from the day after the due date: the rejected step charged nothing.
    assert decision.interest is not None
    assert decision.interest.start == date(2026, 1, 20)


def test_a_pending_step_waits_for_the_accountant() -> None:
    history = [record("1001", R, 1, date(2026, 1, 22), status=StepStatus.PENDING)]
    snap = snapshot([invoice()])
    assert run(date(2026, 3, 1), snap, history) == []
    assert blocked(snap, date(2026, 3, 1), history) == [
        ("1001", "waiting for the accountant: reminder step 1 proposed on 2026-01-22")
    ]


def test_a_dispute_stops_dunning_while_it_covers_today() -> None:
    dispute = Dispute("1001", date(2026, 1, 25), date(2026, 2, 20))
    snap = snapshot([invoice()], disputes=[dispute])
    history = [record("1001", R, 1, date(2026, 1, 22))]
    assert run(date(2026, 2, 20), snap, history) == []
    assert blocked(snap, date(2026, 2, 20)) == [
        ("1001", "disputed since 2026-01-25 until 2026-02-20")
    ]
    (decision,) = run(date(2026, 2, 21), snap, history)
    assert decision.step == 2


def test_an_open_dispute_stops_dunning_for_good() -> None:
    snap = snapshot([invoice()], disputes=[Dispute("1001", date(2026, 1, 10))])
    decisions, _ = replay(DUE, DUE + timedelta(days=120), lambda _d: snap, policy())
    assert decisions == []


def test_blocked_customers_and_invoices_get_nothing_and_a_reason() -> None:
    today = date(2026, 3, 1)
    customers = [
        customer("C1", barred=True),
        customer("C2", do_not_dun_reason="bankruptcy"),
        customer("C3", paused_until=today),
        customer("C4"),
    ]
    invoices = [
        invoice("1", customer_id="C1"),
        invoice("2", customer_id="C2"),
        invoice("3", customer_id="C3"),
        invoice("4", customer_id="C4", paused_until=date(2026, 3, 5)),
        invoice("5", customer_id="C9"),
    ]
    snap = snapshot(invoices, customers=customers)
    assert run(today, snap) == []
    assert blocked(snap, today) == [
        ("1", "customer is barred from dunning"),
        ("2", "do not dun: bankruptcy"),
        ("3", "customer paused until 2026-03-01"),
        ("4", "invoice paused until 2026-03-05"),
        ("5", "customer C9 is not in the snapshot"),
    ]
    assert len(run(today + timedelta(days=1), snap)) == 1  # C3's pause ended


def test_below_the_minimum_outstanding_nothing_is_chased() -> None:
    today = date(2026, 3, 1)
    assert run(today, snapshot([invoice(amount="49.99")])) == []
    assert len(run(today, snapshot([invoice(amount="50.00")]))) == 1


def test_paid_invoice_gets_no_reminder() -> None:
    snap = snapshot([invoice(outstanding="0.00")])
    assert run(date(2026, 3, 1), snap) == []


def test_collection_warning_deadline_is_at_least_ten_days() -> None:
    ladder = policy({"steps": [{"action": "collection_warning", "days": 1, "deadline_days": 5}]})
    (decision,) = run(date(2026, 2, 2), snapshot([invoice()]), (), ladder)
    assert decision.deadline == date(2026, 2, 12)
    assert "the policy's 5 days were raised to the statutory 10" in decision.explanation


def test_deadline_moves_off_christmas() -> None:
    due = date(2026, 12, 1)
    history = [record("1001", R, 1, date(2026, 12, 4))]
    (decision,) = run(date(2026, 12, 14), snapshot([invoice(due=due)]), history)
    assert decision.deadline == date(2026, 12, 28)  # 24th, 25th, 26th, 27th are closed
    assert "moved from Thursday 2026-12-24" in decision.explanation


def _warned(deadline: date, status: StepStatus = StepStatus.ISSUED) -> list[StepRecord]:
    return [
        record("1001", R, 1, date(2026, 1, 22)),
        record("1001", R, 2, date(2026, 2, 1), fee="100"),
        record("1001", W, 3, date(2026, 2, 11), fee="100", deadline=deadline, status=status),
    ]


def test_handover_only_after_the_warning_deadline_has_passed() -> None:
    snap = snapshot([invoice()])
    history = _warned(date(2026, 2, 23))
    assert run(date(2026, 2, 23), snap, history) == []  # the deadline day itself
    (decision,) = run(date(2026, 2, 24), snap, history)
    assert (decision.action, decision.step, decision.fee, decision.deadline) == (H, 4, D(0), None)
    assert decision.interest is None
    assert "Claim: principal DKK 10,000.00" in decision.explanation
    assert "inkassoloven § 10" in decision.legal_basis[0]


def test_no_handover_when_the_warning_was_rejected() -> None:
    history = _warned(date(2026, 2, 23), StepStatus.REJECTED)
    assert run(date(2026, 4, 1), snapshot([invoice()]), history) == []


def test_default_ladder_timeline() -> None:
    snap = snapshot([invoice()])
    decisions, _ = replay(DUE, DUE + timedelta(days=90), lambda _d: snap, policy())
    # Each step waits until the day after the previous letter's deadline (docs/policy.md), so
    # the 10 days of the default ladder end up as 11 or more.
    assert [(d.date, d.action, d.step, d.fee, d.compensation) for d in decisions] == [
        (date(2026, 1, 22), R, 1, D(0), D(0)),  # deadline Mon 2026-02-02 (moved off a Sunday)
        (date(2026, 2, 3), R, 2, D(100), D(310)),  # deadline 2026-02-13
        (date(2026, 2, 14), W, 3, D(100), D(0)),  # deadline 2026-02-24
        (date(2026, 2, 25), H, 4, D(0), D(0)),
    ]
    assert [d.deadline for d in decisions] == [
        date(2026, 2, 2),
        date(2026, 2, 13),
        date(2026, 2, 24),
        None,
    ]
    warning = decisions[2]
    assert "Claim: principal DKK 10,000.00, interest DKK 69.45, fees DKK 200.00, " in (
        warning.explanation
    )


def test_interest_charges_are_consecutive() -> None:
    snap = snapshot([invoice()])
    decisions, _ = replay(DUE, DUE + timedelta(days=90), lambda _d: snap, policy())
    charges = [d.interest for d in decisions if d.interest is not None]
    assert [(c.start, c.end) for c in charges] == [
        (date(2026, 1, 20), date(2026, 2, 3)),
        (date(2026, 2, 4), date(2026, 2, 14)),
    ]
    assert charges[0].amount == D("40.07")  # 10 000 x 9.75 % x 15 / 365


def test_lenient_due_date_on_a_saturday() -> None:
    saturday = date(2026, 1, 17)
    history = [record("1001", R, 1, date(2026, 1, 20))]
    (lenient,) = run(date(2026, 1, 30), snapshot([invoice(due=saturday)]), history)
    strict = run(
        date(2026, 1, 30),
        snapshot([invoice(due=saturday)]),
        history,
        policy({"lenient_due_date": False}),
    )[0]
    assert lenient.interest is not None
    assert strict.interest is not None
    assert lenient.interest.start == date(2026, 1, 20)
    assert strict.interest.start == date(2026, 1, 18)
    assert "was not a banking day" in lenient.explanation


def test_thirty_360_policy_option() -> None:
    history = [record("1001", R, 1, date(2026, 1, 22))]
    (decision,) = run(
        date(2026, 2, 1), snapshot([invoice()]), history, policy({"day_count": "30/360"})
    )
    assert decision.interest is not None
    assert decision.interest.day_count == "30/360"
    assert decision.interest.periods[0].days == 12  # 19 Jan -> 1 Feb in 30E/360
    assert "30/360" in decision.explanation


def test_pre_due_notice_is_step_zero_without_fees() -> None:
    ladder = policy({"pre_due_notice": {"enabled": True, "days_before_due": 3}})
    snap = snapshot([invoice()])
    assert run(DUE - timedelta(days=4), snap, (), ladder) == []
    (notice,) = run(DUE - timedelta(days=3), snap, (), ladder)
    assert (notice.action, notice.step, notice.fee, notice.deadline) == (
        ActionKind.PRE_DUE_NOTICE,
        0,
        D(0),
        DUE,
    )
    assert "it falls due in 3 days" in notice.explanation
    (late,) = run(DUE, snap, (), ladder)  # first seen on the due date: still in the window
    assert "it falls due today" in late.explanation
    history = [record("1001", ActionKind.PRE_DUE_NOTICE, 0, DUE - timedelta(days=3))]
    assert run(DUE - timedelta(days=2), snap, history, ladder) == []
    (first,) = run(DUE + timedelta(days=3), snap, history, ladder)
    assert first.step == 1


def test_credit_hold_proposal_once_per_customer() -> None:
    ladder = policy({"credit_hold": True})
    snap = snapshot([invoice("1001"), invoice("1002")])
    decisions, _ = replay(DUE, DUE + timedelta(days=60), lambda _d: snap, ladder)
    holds = [d for d in decisions if d.action == ActionKind.CREDIT_HOLD]
    assert [(h.date, h.invoice_id, h.step, h.total_charges) for h in holds] == [
        (date(2026, 2, 14), "1001", 1, D(0))  # with the collection warning
    ]
