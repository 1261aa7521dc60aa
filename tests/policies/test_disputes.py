"""Disputes after they end: no fee in Denmark, no missed deadline in Norway, no hand-over on a
deadline that ran during the dispute (law.md §§ 1.2, 2.2, 2.5; examples 12 and 13)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, Decision, Dispute, Hold
from policies.engine import why_not
from policies.law import for_country
from tests.policies import factories as dk
from tests.policies.factories import record, snapshot
from tests.policies.nordic import customer, invoice, policy, run

D = Decimal
NO = "NO"
CONSUMER = CustomerKind.CONSUMER
R = ActionKind.REMINDER
W = ActionKind.COLLECTION_WARNING
H = ActionKind.HANDOVER


# --- Denmark: once disputed, no fee on the letters after the dispute (law.md § 1.2) -----------

DK_DUE = date(2026, 1, 19)  # a Monday


def _dk_step_two(today: date, dispute: Dispute) -> list[Decision]:
    """The default Danish ladder's step 2 (Rykker, fee 100) after step 1 on 2026-01-22."""
    first = record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2))
    snap = snapshot([dk.invoice()], disputes=[dispute])
    return dk.run(today, snap, [first])


def test_dk_letter_the_day_before_a_dispute_starts_carries_the_fee() -> None:
    # A dispute raised tomorrow does not touch today's letter.
    dispute = Dispute("1001", date(2026, 2, 10), date(2026, 2, 20))
    [decision] = _dk_step_two(date(2026, 2, 9), dispute)
    assert (decision.step, decision.fee) == (2, D("100.00"))


def test_dk_no_letter_on_the_first_day_of_the_dispute() -> None:
    dispute = Dispute("1001", date(2026, 2, 10), date(2026, 2, 20))
    assert _dk_step_two(date(2026, 2, 10), dispute) == []
    assert _dk_step_two(date(2026, 2, 20), dispute) == []  # nor on its last day


def test_dk_letter_the_day_after_a_dispute_ends_carries_no_fee() -> None:
    dispute = Dispute("1001", date(2026, 2, 10), date(2026, 2, 20))
    [decision] = _dk_step_two(date(2026, 2, 21), dispute)
    assert decision.step == 2
    assert decision.fee == D("0.00")
    assert (
        "No fee: the customer disputed the claim from 2026-02-10 to 2026-02-20; once a claim "
        "has been disputed, later reminders carry no fee" in decision.explanation
    )
    assert "Forbrugerombudsmanden" in decision.explanation
    assert any("rimelig" in basis for basis in decision.legal_basis)
    # The letter still gives a fresh deadline: 10 days from 2026-02-21 is Tue 2026-03-03.
    assert decision.deadline == date(2026, 3, 3)


def test_dk_every_later_letter_stays_fee_free_after_a_dispute() -> None:
    dispute = Dispute("1001", date(2026, 2, 10), date(2026, 2, 20))
    history = [
        record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2)),
        record("1001", R, 2, date(2026, 2, 21), deadline=date(2026, 3, 3)),
    ]
    snap = snapshot([dk.invoice()], disputes=[dispute])
    # Not on the reminder's deadline day: the warning waits until the day after it.
    assert dk.run(date(2026, 3, 3), snap, history) == []
    [warning] = dk.run(date(2026, 3, 4), snap, history)
    assert (warning.action, warning.step, warning.fee) == (W, 3, D("0.00"))
    assert "once a claim has been disputed" in warning.explanation


def test_dk_a_dispute_before_the_first_reminder_leaves_every_reminder_fee_free() -> None:
    dispute = Dispute("1001", date(2026, 1, 20), date(2026, 1, 25))
    ladder = dk.policy(dk.reminders(1))
    [decision] = dk.run(date(2026, 1, 26), snapshot([dk.invoice()], disputes=[dispute]), (), ladder)
    assert decision.fee == D("0.00")
    assert "disputed the claim from 2026-01-20 to 2026-01-25" in decision.explanation


def test_dk_holds_do_not_bar_later_fees() -> None:
    # Only a dispute is an objection to the claim; a hold is the creditor's own pause.
    first = record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2))
    hold = Hold("1001", start=date(2026, 2, 10), until=date(2026, 2, 20))
    snap = snapshot([dk.invoice()], holds=[hold])
    [decision] = dk.run(date(2026, 2, 21), snap, [first])
    assert decision.fee == D("100.00")


# --- Norway: a deadline that ran during a dispute was not missed (law.md § 2.2, example 12) ----

NO_DUE = date(2026, 1, 12)  # law.md example 12
PURRING = record("1001", R, 1, date(2026, 1, 26), fee="38", deadline=date(2026, 2, 9))


def _no_after_dispute(start: date, end: date, today: date = date(2026, 2, 23)) -> list[Decision]:
    snap = snapshot(
        [invoice(NO, due=NO_DUE)],
        customers=[customer(NO, kind=CONSUMER)],
        disputes=[Dispute("1001", start, end)],
    )
    return run(NO, today, snap, [PURRING])


@pytest.mark.parametrize(
    ("start", "fee"),
    [
        (date(2026, 2, 8), "0.00"),  # the day before the deadline: it ran during the dispute
        (date(2026, 2, 9), "0.00"),  # on the deadline day: the debtor objected in time
        (date(2026, 2, 10), "38.00"),  # the day after: the deadline was missed before it
    ],
)
def test_no_second_fee_on_a_deadline_that_ran_during_a_dispute(start: date, fee: str) -> None:
    [varsel] = _no_after_dispute(start, date(2026, 2, 20))
    assert (varsel.action, varsel.step) == (W, 2)
    assert varsel.fee == D(fee)
    # The letter after the dispute gives a fresh 14-day deadline.
    assert varsel.deadline == date(2026, 3, 9)
    if fee == "0.00":
        assert (
            "No fee: the deadline 2026-02-09 of the fee-bearing letter of 2026-01-26 ran while "
            f"the claim was disputed ({start.isoformat()} to 2026-02-20), so it was not missed"
            in varsel.explanation
        )
        assert "inkassoforskriften § 1-3" in varsel.explanation


@pytest.mark.parametrize(
    ("end", "fee"),
    [
        (date(2026, 1, 25), "38.00"),  # ended the day before the purring: its 14 days ran free
        (date(2026, 1, 26), "0.00"),  # ended on the purring's own day
        (date(2026, 1, 27), "0.00"),
    ],
)
def test_no_a_dispute_ending_as_the_deadline_begins(end: date, fee: str) -> None:
    [varsel] = _no_after_dispute(date(2026, 1, 20), end, today=date(2026, 2, 10))
    assert varsel.fee == D(fee)


def test_no_the_letter_after_the_dispute_restarts_the_deadline_for_the_second_fee() -> None:
    # The varsel sent after the dispute carried no fee; its own 14-day deadline, missed, earns
    # the second 1/20 fee on the next letter (38 + 38, law.md § 2.2).
    history = [
        PURRING,
        record("1001", W, 2, date(2026, 2, 23), deadline=date(2026, 3, 9)),
    ]
    ladder = policy(
        NO,
        {
            "steps": [
                {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
                {"action": "collection_warning", "days": 15, "fee": "38", "after_deadline": True},
                {"action": "reminder", "days": 1, "fee": "38", "after_deadline": True},
            ]
        },
    )
    snap = snapshot(
        [invoice(NO, due=NO_DUE)],
        customers=[customer(NO, kind=CONSUMER)],
        disputes=[Dispute("1001", date(2026, 2, 8), date(2026, 2, 20))],
    )
    [third] = run(NO, date(2026, 3, 10), snap, history, ladder)
    assert third.fee == D("38.00")


BETALINGSOPPFORDRING_LADDER = {
    "steps": [
        {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
        {
            "action": "collection_warning",
            "days": 1,
            "fee": "38",
            "deadline_days": 14,
            "after_deadline": True,
        },
        {
            "action": "collection_warning",
            "name": "Betalingsoppfordring",
            "days": 1,
            "fee": "113",
            "deadline_days": 14,
            "after_deadline": True,
        },
    ]
}


@pytest.mark.parametrize(
    ("start", "fee"),
    [
        (date(2026, 2, 23), "0.00"),  # the day before the varsel's deadline 2026-02-24
        (date(2026, 2, 24), "0.00"),  # on it
        (date(2026, 2, 25), "113.00"),  # the day after: missed, as in example 12
    ],
)
def test_no_betalingsoppfordring_fee_needs_an_undisputed_varsel_deadline(
    start: date, fee: str
) -> None:
    history = [
        PURRING,
        record("1001", W, 2, date(2026, 2, 10), fee="38", deadline=date(2026, 2, 24)),
    ]
    snap = snapshot(
        [invoice(NO, due=NO_DUE)],
        customers=[customer(NO, kind=CONSUMER)],
        disputes=[Dispute("1001", start, date(2026, 3, 6))],
    )
    [third] = run(NO, date(2026, 3, 9), snap, history, policy(NO, BETALINGSOPPFORDRING_LADDER))
    assert third.step == 3
    assert third.fee == D(fee)
    if fee == "0.00":
        assert "ran while the claim was disputed" in third.explanation


# --- Resuming: no hand-over on a warning deadline that ran during the dispute -------------------

# The default Danish ladder up to its collection warning (step 3), whose deadline is 2026-02-23.
DK_HISTORY = [
    record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2)),
    record("1001", R, 2, date(2026, 2, 1), fee="100", deadline=date(2026, 2, 11)),
    record("1001", W, 3, date(2026, 2, 11), fee="100", deadline=date(2026, 2, 23)),
]


def _dk_resume(start: date, today: date = date(2026, 3, 9), extra: Any = ()) -> list[Decision]:
    snap = snapshot([dk.invoice()], disputes=[Dispute("1001", start, date(2026, 3, 6))])
    return dk.run(today, snap, [*DK_HISTORY, *extra])


@pytest.mark.parametrize("start", [date(2026, 2, 22), date(2026, 2, 23)])
def test_a_warning_deadline_that_ran_during_a_dispute_is_renewed_before_any_hand_over(
    start: date,
) -> None:
    [renewed] = _dk_resume(start)
    assert (renewed.action, renewed.step) == (W, 4)
    assert renewed.fee == D("0.00")
    # A fresh deadline: 10 days from Mon 2026-03-09 is Thu 2026-03-19.
    assert renewed.deadline == date(2026, 3, 19)
    assert (
        "the collection warning of 2026-02-11 set a deadline of 2026-02-23, which ran while "
        f"the claim was disputed ({start.isoformat()} to 2026-03-06)" in renewed.explanation
    )
    assert "a new deadline first" in renewed.explanation
    assert any("inkassoloven § 10" in basis for basis in renewed.legal_basis)


def test_a_dispute_after_the_warning_deadline_does_not_stop_the_hand_over() -> None:
    [handover] = _dk_resume(date(2026, 2, 24))
    assert (handover.action, handover.step) == (H, 4)


def test_the_hand_over_follows_once_the_renewed_deadline_has_passed() -> None:
    renewal = record("1001", W, 4, date(2026, 3, 9), deadline=date(2026, 3, 19))
    assert _dk_resume(date(2026, 2, 22), date(2026, 3, 19), [renewal]) == []
    [handover] = _dk_resume(date(2026, 2, 22), date(2026, 3, 20), [renewal])
    assert (handover.action, handover.step) == (H, 4)
    assert "the collection warning of 2026-03-09 set a deadline of 2026-03-19" in (
        handover.explanation
    )
    # After the hand-over the ladder is complete.
    done = record("1001", H, 4, date(2026, 3, 20))
    assert _dk_resume(date(2026, 2, 22), date(2026, 4, 20), [renewal, done]) == []


def test_a_renewed_warning_whose_deadline_ran_during_a_second_dispute_waits_for_a_person() -> None:
    renewal = record("1001", W, 4, date(2026, 3, 9), deadline=date(2026, 3, 19))
    disputes = [
        Dispute("1001", date(2026, 2, 22), date(2026, 3, 6)),
        Dispute("1001", date(2026, 3, 18), date(2026, 3, 25)),
    ]
    snap = snapshot([dk.invoice()], disputes=disputes)
    history = [*DK_HISTORY, renewal]
    assert dk.run(date(2026, 3, 30), snap, history) == []
    notes = why_not(
        date(2026, 3, 30), snap, history, for_country("DK"), dk.policy(), invoice_id="1001"
    )
    assert any("ran while the claim was disputed" in note for note in notes)


def test_why_not_names_the_renewal_while_the_hand_over_waits() -> None:
    snap = snapshot([dk.invoice()], disputes=[Dispute("1001", date(2026, 2, 22), date(2026, 3, 6))])
    notes = why_not(
        date(2026, 3, 9), snap, DK_HISTORY, for_country("DK"), dk.policy(), invoice_id="1001"
    )
    assert any("a renewed collection warning with a new deadline goes first" in n for n in notes)
