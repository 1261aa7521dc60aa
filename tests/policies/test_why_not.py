"""why_not(): why an invoice gets no step today, or no step beyond today's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from bridge.vocab.domain import ActionKind, StepRecord, StepStatus
from policies.engine import why_not
from tests.policies.factories import DK, invoice, policy, record, run, snapshot

DUE = date(2026, 1, 19)  # Monday
R, W, H = ActionKind.REMINDER, ActionKind.COLLECTION_WARNING, ActionKind.HANDOVER


def notes(today: date, history: Sequence[StepRecord] = (), **extra: Any) -> list[str]:
    snap = snapshot([invoice(**extra)])
    return why_not(today, snap, history, DK, policy(), invoice_id="1001")


def test_before_the_due_date_it_is_not_late() -> None:
    assert notes(DUE - timedelta(days=5)) == [
        "Not late: payment is on time through 2026-01-19.",
        "No pre-due notice: the policy has it switched off.",
        "Step 1 is due from 2026-01-22 (3 days after the due date).",
    ]


def test_a_due_date_on_a_sunday_is_on_time_through_monday() -> None:
    sunday = date(2026, 2, 1)
    (first, *_rest) = notes(sunday, due=sunday)
    assert first == "Not late: payment is on time through 2026-02-02."


def test_between_steps_it_names_the_next_and_its_day() -> None:
    history = [record("1001", R, 1, date(2026, 1, 22))]
    assert notes(date(2026, 1, 25), history) == [
        "Step 2 is due from 2026-02-01 (10 days after step 1 on 2026-01-22)."
    ]


def test_on_a_step_day_it_says_the_ladder_moves_one_step_at_a_time() -> None:
    (note,) = notes(date(2026, 1, 22))
    assert note == (
        "Step 1 is proposed today; the ladder moves one step at a time, so step 2 'Rykker' "
        "comes no earlier than 2026-02-03 (after the deadline 2026-02-02)."
    )
    assert [d.step for d in run(date(2026, 1, 22), snapshot([invoice()]))] == [1]


def test_a_pending_step_waits_for_the_accountant() -> None:
    pending = [record("1001", R, 1, date(2026, 1, 22), status=StepStatus.PENDING)]
    (note,) = notes(date(2026, 2, 10), pending)
    assert note.startswith("Waiting for the accountant: reminder step 1 proposed on 2026-01-22")


def test_the_hand_over_waits_for_the_warning_deadline() -> None:
    history = [
        record("1001", R, 1, date(2026, 1, 22)),
        record("1001", R, 2, date(2026, 2, 1)),
        record("1001", W, 3, date(2026, 2, 11), deadline=date(2026, 2, 23)),
    ]
    (note,) = notes(date(2026, 2, 23), history)
    # The hand-over waits for the warning's deadline like every step after a letter.
    assert note == (
        "Step 4 is due from 2026-02-24 (11 days after step 3 on 2026-02-11, and after its "
        "deadline 2026-02-23)."
    )
    # A warning recorded without its deadline (an old record): the statutory 10 days, moved
    # off the weekend, still hold the hand-over back.
    undated = [*history[:2], record("1001", W, 3, date(2026, 2, 11))]
    (note,) = notes(date(2026, 2, 23), undated)
    assert note == (
        "Step 4 (hand-over) waits until the collection warning's deadline 2026-02-23 has passed."
    )
    rejected = [*history[:2], record("1001", W, 3, date(2026, 2, 11), status=StepStatus.REJECTED)]
    (note,) = notes(date(2026, 2, 23), rejected)
    assert note.startswith("Step 4 (hand-over) waits for an issued collection warning")


def test_after_the_last_step_the_ladder_is_complete() -> None:
    history = [
        record("1001", R, 1, date(2026, 1, 22)),
        record("1001", R, 2, date(2026, 2, 1)),
        record("1001", W, 3, date(2026, 2, 11), deadline=date(2026, 2, 23)),
        record("1001", H, 4, date(2026, 2, 24)),
    ]
    assert notes(date(2026, 3, 30), history) == [
        "The ladder is complete: its last step, hand-over to collection step 4, was taken on "
        "2026-02-24."
    ]


def test_a_paid_invoice_explains_its_interest_invoice() -> None:
    history = [record("1001", R, 1, date(2026, 1, 22))]
    late = invoice(outstanding="0", paid_date=date(2026, 3, 1))
    snap = snapshot([], settled=[late])
    today = date(2026, 3, 2)
    assert why_not(today, snap, history, DK, policy(), invoice_id="1001") == [
        "Paid late: an interest invoice is proposed today."
    ]
    off = policy({"interest_invoice": False})
    (note,) = why_not(today, snap, history, DK, off, invoice_id="1001")
    assert "switched off" in note
    on_time = snapshot([], settled=[invoice(outstanding="0", paid_date=DUE)])
    (note,) = why_not(today, on_time, [], DK, policy(), invoice_id="1001")
    assert note.startswith("Paid. No interest invoice: paid on time")


def test_an_unknown_invoice_is_named() -> None:
    assert why_not(DUE, snapshot([]), [], DK, policy(), invoice_id="9") == [
        "Invoice 9 is neither open nor recently paid in the snapshot."
    ]
