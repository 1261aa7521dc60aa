"""why_not(), whole answers at the edges: the due date itself, the pre-due notice's first day,
deadlines of warnings and tasks, disputed warnings, and each reason a paid invoice gets no
interest invoice.

Dates follow the Danish rules in ../shared/reference/law.md: a reminder fee no earlier than the
day after the last timely day (§ 1.2), a collection warning's deadline at least 10 days (§ 1.5),
moved to the next banking day. The ladder's own days are the policy's, written in each test.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from bridge.vocab.domain import (
    ActionKind,
    Dispute,
    Instalment,
    Payment,
    Promise,
    StepRecord,
    StepStatus,
)
from policies.engine import why_not
from policies.ladder import TenantPolicy
from tests.policies.factories import DK, invoice, policy, record, snapshot

D = Decimal
DUE = date(2026, 1, 19)  # a Monday
R, W, H = ActionKind.REMINDER, ActionKind.COLLECTION_WARNING, ActionKind.HANDOVER
II = ActionKind.INTEREST_INVOICE


def notes(
    today: date,
    history: Sequence[StepRecord] = (),
    tenant_policy: TenantPolicy | None = None,
    *,
    disputes: Sequence[Dispute] = (),
    **extra: Any,
) -> list[str]:
    snap = snapshot([invoice(**extra)], disputes=disputes)
    return why_not(today, snap, history, DK, tenant_policy or policy(), invoice_id="1001")


def test_on_the_due_date_itself_payment_is_still_on_time() -> None:
    assert notes(DUE)[0] == "Not late: payment is on time through 2026-01-19."


def test_the_pre_due_notice_is_announced_only_before_its_first_day() -> None:
    # Three days before the due date (the documented default): from 2026-01-16.
    notice = policy({"pre_due_notice": True})
    assert notes(date(2026, 1, 15), tenant_policy=notice) == [
        "Not late: payment is on time through 2026-01-19.",
        "A pre-due notice may go out from 2026-01-16.",
        "Step 1 is due from 2026-01-22 (3 days after the due date).",
    ]
    assert notes(date(2026, 1, 16), tenant_policy=notice) == [
        "Not late: payment is on time through 2026-01-19.",
        "Step 1 is due from 2026-01-22 (3 days after the due date).",
    ]


ONE_DAY = policy(
    {
        "steps": [
            {"action": "reminder", "days": 1, "fee": "0"},
            {"action": "reminder", "days": 10, "fee": "0"},
        ]
    }
)


def test_a_step_one_day_after_a_sunday_due_date_waits_for_the_day_after_monday() -> None:
    # Due Sunday 2026-02-01: payment is on time through Monday 2026-02-02, so a step set 1 day
    # after the due date (Monday) waits for Tuesday 2026-02-03.
    sunday = date(2026, 2, 1)
    assert notes(date(2026, 2, 2), tenant_policy=ONE_DAY, due=sunday) == [
        "Not late: payment is on time through 2026-02-02.",
        "No pre-due notice: the policy has it switched off.",
        "Step 1 is due from 2026-02-03 (1 day after the due date).",
    ]
    # On Tuesday it goes; its 10-day deadline is Friday 2026-02-13, so step 2 (10 days later,
    # the same Friday) waits for the day after the deadline.
    assert notes(date(2026, 2, 3), tenant_policy=ONE_DAY, due=sunday) == [
        "Step 1 is proposed today; the ladder moves one step at a time, so step 2 'Rykker' "
        "comes no earlier than 2026-02-14 (after the deadline 2026-02-13)."
    ]


SHORT_DEADLINES = policy(
    {
        "steps": [
            {"action": "reminder", "days": 3, "deadline_days": 5, "fee": "0"},
            {"action": "collection_warning", "days": 10, "deadline_days": 5, "fee": "0"},
            {"action": "handover", "days": 11},
        ]
    }
)


def test_a_reminder_keeps_its_own_short_deadline() -> None:
    # 2026-01-22 + 5 days = Tuesday 2026-01-27; no statutory minimum for a reminder.
    assert notes(date(2026, 1, 22), tenant_policy=SHORT_DEADLINES) == [
        "Step 1 is proposed today; the ladder moves one step at a time, so step 2 "
        "'Inkassovarsel' comes no earlier than 2026-02-01 (after the deadline 2026-01-27)."
    ]


def test_a_collection_warning_gets_the_statutory_ten_days_whatever_the_policy_says() -> None:
    # Sent 2026-02-01 with 5 days asked: law.md § 1.5 gives at least 10, so 2026-02-11.
    history = [record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 1, 27))]
    assert notes(date(2026, 2, 1), history, SHORT_DEADLINES) == [
        "Step 2 is proposed today; the ladder moves one step at a time, so step 3 "
        "'Overdragelse til inkasso' comes no earlier than 2026-02-12 (after the deadline "
        "2026-02-11)."
    ]


TASK_BETWEEN = policy(
    {
        "steps": [
            {"action": "reminder", "days": 3, "fee": "0"},
            {"action": "task", "task": "call", "days": 2},
            {"action": "reminder", "days": 3, "fee": "0"},
        ]
    }
)


def test_a_task_does_not_wait_for_the_letters_deadline() -> None:
    # The call goes to the creditor's own people: 2 days after the reminder of 2026-01-22.
    assert notes(date(2026, 1, 22), tenant_policy=TASK_BETWEEN) == [
        "Step 1 is proposed today; the ladder moves one step at a time, so step 2 "
        "'Ring til kunden' comes no earlier than 2026-01-24 (after the deadline 2026-02-02)."
    ]


def test_the_letter_after_a_task_waits_for_the_deadline_before_the_task() -> None:
    history = [record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2))]
    assert notes(date(2026, 1, 24), history, TASK_BETWEEN) == [
        "Step 2 is proposed today; the ladder moves one step at a time, so step 3 'Rykker' "
        "comes no earlier than 2026-02-03 (after the deadline 2026-02-02)."
    ]


def test_a_first_step_without_a_deadline_names_none() -> None:
    call_first = policy(
        {
            "steps": [
                {"action": "task", "task": "call", "days": 1},
                {"action": "reminder", "days": 3, "fee": "0"},
            ]
        }
    )
    assert notes(date(2026, 1, 20), tenant_policy=call_first) == [
        "Step 1 is proposed today; the ladder moves one step at a time, so step 2 'Rykker' "
        "comes no earlier than 2026-01-23."
    ]


LETTERS = [
    record("1001", R, 1, date(2026, 1, 22)),
    record("1001", R, 2, date(2026, 2, 1)),
]
WARNING = record("1001", W, 3, date(2026, 2, 11), deadline=date(2026, 2, 23))
DISPUTED = Dispute("1001", date(2026, 2, 16), date(2026, 2, 20))


def test_the_day_after_the_warnings_deadline_the_hand_over_is_the_last_step() -> None:
    assert notes(date(2026, 2, 24), [*LETTERS, WARNING]) == [
        "Step 4 is proposed today and is the ladder's last."
    ]


def test_the_step_before_the_hand_over_names_it() -> None:
    # The default warning: 10 days from 2026-02-11 is Saturday 2026-02-21, so Monday the 23rd.
    assert notes(date(2026, 2, 11), LETTERS) == [
        "Step 3 is proposed today; the ladder moves one step at a time, so step 4 "
        "'Overdragelse til inkasso' comes no earlier than 2026-02-24 (after the deadline "
        "2026-02-23)."
    ]


def test_a_hand_over_without_an_issued_warning_says_what_it_needs() -> None:
    rejected = record("1001", W, 3, date(2026, 2, 11), status=StepStatus.REJECTED)
    assert notes(date(2026, 2, 24), [*LETTERS, rejected]) == [
        "Step 4 (hand-over) waits for an issued collection warning: a hand-over needs one "
        "whose deadline has passed."
    ]


def test_a_warning_whose_deadline_ran_during_a_dispute_is_renewed_first() -> None:
    assert notes(date(2026, 2, 24), [*LETTERS, WARNING], disputes=[DISPUTED]) == [
        "Step 4 (hand-over) waits: the collection warning of 2026-02-11 set a deadline of "
        "2026-02-23, which ran while the claim was disputed (2026-02-16 to 2026-02-20); a "
        "renewed collection warning with a new deadline goes first."
    ]


def test_a_renewed_warning_that_ran_during_a_dispute_again_waits_for_a_person() -> None:
    renewal = record("1001", W, 4, date(2026, 2, 24), deadline=date(2026, 3, 6))
    again = Dispute("1001", date(2026, 3, 1), date(2026, 3, 4))
    assert notes(date(2026, 3, 9), [*LETTERS, WARNING, renewal], disputes=[DISPUTED, again]) == [
        "Step 4 (hand-over) waits for a person: the collection warning of 2026-02-24 set a "
        "deadline of 2026-03-06, which ran while the claim was disputed (2026-03-01 to "
        "2026-03-04), and the warning was already renewed once; decide by hand whether to "
        "hand over."
    ]


def test_a_renewal_the_accountant_rejected_still_counts_as_the_one_renewal() -> None:
    # The issued warning is the first one; the last step is the rejected renewal.
    renewal = record(
        "1001", W, 4, date(2026, 2, 24), deadline=date(2026, 3, 6), status=StepStatus.REJECTED
    )
    again = Dispute("1001", date(2026, 3, 1), date(2026, 3, 4))
    assert notes(date(2026, 3, 9), [*LETTERS, WARNING, renewal], disputes=[DISPUTED, again]) == [
        "Step 4 (hand-over) waits for a person: the collection warning of 2026-02-11 set a "
        "deadline of 2026-02-23, which ran while the claim was disputed (2026-02-16 to "
        "2026-02-20), and the warning was already renewed once; decide by hand whether to "
        "hand over."
    ]


def test_a_kept_promise_is_quoted_in_one_sentence() -> None:
    promise = Promise(
        id="1",
        customer_id=None,
        invoice_id="1001",
        made_on=date(2026, 1, 23),
        currency="DKK",
        instalments=(Instalment(date(2026, 3, 6), D("5000")),),
    )
    snap = snapshot([invoice()], promises=[promise])
    history = [record("1001", R, 1, date(2026, 1, 22))]
    assert why_not(date(2026, 2, 20), snap, history, DK, policy(), invoice_id="1001") == [
        "Not dunned: the promise to pay #1 (invoice 1001, made 2026-01-23) is being kept: "
        "DKK 0.00 received so far; next DKK 5,000.00 by 2026-03-06."
    ]


PAID = date(2026, 3, 1)


def _paid(
    history: Sequence[StepRecord], tenant_policy: TenantPolicy | None = None, **extra: Any
) -> list[str]:
    extra.setdefault("paid_date", PAID)
    snap = snapshot([], settled=[invoice(outstanding="0", **extra)])
    return why_not(
        date(2026, 3, 2), snap, history, DK, tenant_policy or policy(), invoice_id="1001"
    )


def test_each_reason_a_paid_invoice_gets_no_interest_invoice() -> None:
    first = [record("1001", R, 1, date(2026, 1, 22))]
    assert _paid(first, policy({"interest_invoice": False})) == [
        "Paid. No interest invoice: the policy has interest invoices switched off."
    ]
    declined = [*first, record("1001", II, 1, date(2026, 3, 2), status=StepStatus.REJECTED)]
    assert _paid(declined) == [
        "Paid. No interest invoice: the accountant rejected the one proposed."
    ]
    handed = [*LETTERS, WARNING, record("1001", H, 4, date(2026, 2, 24))]
    assert _paid(handed) == [
        "Paid. No interest invoice: the claim was handed over; the agency claims it."
    ]
    # The policy's documented default minimum is DKK 100.00.
    assert _paid([], paid_date=DUE) == [
        "Paid. No interest invoice: paid on time, the interest is already charged, or the "
        "interest not yet charged is below the policy minimum DKK 100.00."
    ]


def test_a_paid_invoice_whose_interest_needs_a_missing_rate_says_it_waits() -> None:
    # Denmark's table ends on 2026-12-31 (law.md § 1.4 lists rates through 2026 H2).
    paid = date(2027, 1, 11)
    late = invoice(due=date(2026, 12, 1), amount="100000.00", outstanding="0.00", paid_date=paid)
    snap = snapshot([], settled=[late], payments=[Payment("1001", paid, D("100000.00"))])
    (note,) = why_not(paid, snap, [], DK, policy(), invoice_id="1001")
    assert note.startswith(
        "Paid late: the interest invoice waits: waiting for a reference rate: DK: no "
        "Nationalbanken lending rate for 2027-01-01"
    )
    assert "law rates set DK --from 2027-01-01" in note
