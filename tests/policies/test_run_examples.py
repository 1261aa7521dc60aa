"""One run's shared answers at their edges: promises to a whole customer, several promises on one
invoice, a promise's payment deadline on a weekend, deadlines set once per run, and the exact
words of the blocks.

Danish dates follow ../shared/reference/law.md: a collection warning's deadline at least 10 days
from dispatch (§ 1.5, inkassoloven § 10); Sweden's inkassokrav at least 8 days and 4 banking days
after the presumed receipt (§ 3.5), a rule for the inkassokrav only. Promises follow
docs/policy.md: an instalment's date moves to the next banking day under `lenient_due_date`,
then `promises.grace_days` are added; among promises in the same state the most recent governs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from bridge.vocab.domain import (
    ActionKind,
    CustomerKind,
    Dispute,
    Payment,
    Promise,
    Snapshot,
    StepRecord,
)
from policies.engine import blocked, why_not
from tests.policies import factories, nordic
from tests.policies.factories import DK, customer, invoice, policy, record, run, snapshot

D = Decimal
DUE = date(2026, 1, 19)  # a Monday
MADE = date(2026, 1, 23)  # the day after step 1 (2026-01-22)
R, W = ActionKind.REMINDER, ActionKind.COLLECTION_WARNING
STEP_ONE = [record("1001", R, 1, date(2026, 1, 22)), record("1002", R, 1, date(2026, 1, 22))]
NO_GRACE = {"promises": {"grace_days": 0}}


def promise(pid: str, *parts: tuple[date, str], **fields: Any) -> Promise:
    return factories.promise(*parts, pid=pid, made=fields.pop("made", MADE), **fields)


def notes(
    today: date, snap: Snapshot, history: Sequence[StepRecord] = (), **data: Any
) -> list[str]:
    return why_not(today, snap, history, DK, policy(data or None), invoice_id="1001")


# --- Promises to pay --------------------------------------------------------------------------


def test_a_customer_plan_counts_payments_on_each_of_their_invoices_and_pauses_both() -> None:
    # 600 on one invoice and 400 on the other meet the first instalment of 1,000 together.
    plan = promise("7", (date(2026, 2, 6), "1000"), (date(2026, 3, 6), "1000"), customer_id="C1")
    paid = [
        Payment("1001", date(2026, 2, 6), D("600.00")),
        Payment("1002", date(2026, 2, 6), D("400.00")),
    ]
    snap = snapshot(
        [invoice("1001", outstanding="9400.00"), invoice("1002", outstanding="9600.00")],
        payments=paid,
        promises=[plan],
    )
    today = date(2026, 2, 20)  # step 2 of both would be due from 2026-02-01
    assert run(today, snap, STEP_ONE) == []
    assert why_not(today, snap, STEP_ONE, DK, policy(), invoice_id="1002") == [
        "Not dunned: the payment plan #7 (the customer's invoices, made 2026-01-23) is being "
        "kept: DKK 1,000.00 received so far; next DKK 1,000.00 by 2026-03-06."
    ]


def test_a_customer_promise_in_another_currency_leaves_their_invoices_dunned() -> None:
    # The customer has no EUR invoice at all: the promise covers nothing, the DKK one is dunned.
    eur = promise("7", (date(2026, 3, 6), "1000"), customer_id="C1", currency="EUR")
    snap = snapshot([invoice("1001")], promises=[eur])
    [decision] = run(date(2026, 1, 22), snap)
    assert (decision.invoice_id, decision.action, decision.step) == ("1001", R, 1)


def test_a_promise_on_an_invoice_not_in_the_snapshot_leaves_the_others_dunned() -> None:
    gone = promise("7", (date(2026, 3, 6), "1000"), invoice_id="0999")
    snap = snapshot([invoice("1001")], promises=[gone])
    [decision] = run(date(2026, 1, 22), snap)
    assert (decision.invoice_id, decision.action, decision.step) == ("1001", R, 1)


def test_a_kept_customer_promise_pauses_an_invoice_whose_own_promise_was_broken() -> None:
    # The invoice's own promise of 2026-02-06 was missed (grace 3 days: broken from 2026-02-10);
    # the customer then promised 500 by 2026-03-06 for all their invoices: a kept promise wins.
    own = promise("1", (date(2026, 2, 6), "500"), invoice_id="1001")
    wide = promise("2", (date(2026, 3, 6), "500"), customer_id="C1", made=date(2026, 2, 16))
    snap = snapshot([invoice("1001")], promises=[own, wide])
    today = date(2026, 2, 20)
    assert run(today, snap, STEP_ONE[:1]) == []
    assert notes(today, snap, STEP_ONE[:1]) == [
        "Not dunned: the promise to pay #2 (the customer's invoices, made 2026-02-16) is being "
        "kept: DKK 0.00 received so far; next DKK 500.00 by 2026-03-06."
    ]


def test_of_two_kept_promises_the_most_recent_governs_whatever_their_order() -> None:
    older = promise("1", (date(2026, 3, 6), "500"), invoice_id="1001")
    newer = promise("2", (date(2026, 3, 20), "500"), invoice_id="1001", made=date(2026, 2, 10))
    today = date(2026, 2, 20)
    for order in ([older, newer], [newer, older]):
        snap = snapshot([invoice("1001")], promises=order)
        assert notes(today, snap, STEP_ONE[:1]) == [
            "Not dunned: the promise to pay #2 (invoice 1001, made 2026-02-10) is being kept: "
            "DKK 0.00 received so far; next DKK 500.00 by 2026-03-20."
        ]


def test_an_instalment_due_on_a_saturday_may_be_paid_on_monday_unless_the_policy_is_strict() -> (
    None
):
    # Instalment due Saturday 2026-02-07, paid Monday 2026-02-09, no grace days: on time under
    # lenient_due_date (the default), late without it.
    plan = promise("1", (date(2026, 2, 7), "500"), (date(2026, 3, 6), "500"), invoice_id="1001")
    monday = [Payment("1001", date(2026, 2, 9), D("500.00"))]
    snap = snapshot([invoice("1001", outstanding="9500.00")], payments=monday, promises=[plan])
    tuesday = date(2026, 2, 10)
    assert run(tuesday, snap, STEP_ONE[:1], policy(NO_GRACE)) == []
    strict = policy({**NO_GRACE, "lenient_due_date": False})
    [decision] = run(tuesday, snap, STEP_ONE[:1], strict)
    assert (decision.action, decision.step) == (R, 2)
    assert "DKK 0.00 of DKK 500.00 received by 2026-02-07" in decision.explanation


# --- Payment deadlines, set once per run -----------------------------------------------------


def test_letters_of_one_run_with_different_days_get_their_own_deadlines() -> None:
    # Monday 2026-02-02: invoice 1002's first reminder gives 7 days (Monday 2026-02-09), invoice
    # 1001's second gives 14 (Monday 2026-02-16).
    ladder = policy(
        {
            "steps": [
                {"action": "reminder", "days": 1, "fee": "0", "deadline_days": 7},
                {"action": "reminder", "days": 10, "fee": "0", "deadline_days": 14},
            ]
        }
    )
    snap = snapshot([invoice("1001"), invoice("1002", due=date(2026, 1, 30))])
    history = [record("1001", R, 1, date(2026, 1, 20))]
    first, second = run(date(2026, 2, 2), snap, history, ladder)
    assert (first.invoice_id, first.step, first.deadline) == ("1001", 2, date(2026, 2, 16))
    assert (second.invoice_id, second.step, second.deadline) == ("1002", 1, date(2026, 2, 9))


def test_a_reminder_may_give_one_day_which_is_no_warning_minimum() -> None:
    # Neither the 10 days of a Danish collection warning nor any banking-day floor: Monday + 1.
    ladder = policy({"steps": [{"action": "reminder", "days": 1, "deadline_days": 1}]})
    [decision] = run(date(2026, 2, 2), snapshot([invoice(due=date(2026, 1, 30))]), (), ladder)
    assert decision.deadline == date(2026, 2, 3)
    assert "Payment deadline 2026-02-03 (1 day)." in decision.explanation


def test_a_swedish_reminder_is_not_held_to_the_inkassokrav_banking_days() -> None:
    # Friday 2026-02-06 + 1 day is Saturday: moved to Monday 2026-02-09 and no further (the 4
    # banking days after receipt would give Friday 2026-02-13: a rule for the inkassokrav only).
    ladder = {"steps": [{"action": "reminder", "days": 1, "fee": "0", "deadline_days": 1}]}
    inv = nordic.invoice("SE", due=date(2026, 2, 2))
    snap = snapshot([inv], customers=[nordic.customer("SE", kind=CustomerKind.CONSUMER)])
    [decision] = nordic.run("SE", date(2026, 2, 6), snap, (), nordic.policy("SE", ladder))
    assert decision.deadline == date(2026, 2, 9)


def test_a_short_warning_deadline_is_raised_and_cites_the_statute() -> None:
    ladder = policy({"steps": [{"action": "collection_warning", "days": 1, "deadline_days": 5}]})
    [decision] = run(date(2026, 2, 2), snapshot([invoice()]), (), ladder)
    assert decision.deadline == date(2026, 2, 12)
    assert (
        "Payment deadline 2026-02-12 (10 days; the policy's 5 days were raised to the statutory "
        "10 (inkassoloven § 10))." in decision.explanation
    )


def test_an_inkassokrav_moved_for_banking_days_cites_the_rule() -> None:
    # Sent Tuesday 2026-12-22, received Wednesday the 23rd; julafton to nyårsdagen close the
    # banks, so the 4th banking day after receipt is Monday 2027-01-04 (law.md § 3.5).
    ladder = {"steps": [{"action": "collection_warning", "days": 1, "deadline_days": 8}]}
    inv = nordic.invoice("SE", due=date(2026, 11, 22))
    snap = snapshot([inv], customers=[nordic.customer("SE", kind=CustomerKind.CONSUMER)])
    [krav] = nordic.run("SE", date(2026, 12, 22), snap, (), nordic.policy("SE", ladder))
    assert krav.deadline == date(2027, 1, 4)
    assert (
        "moved to 2027-01-04 to leave 4 banking days after the presumed receipt on 2026-12-23 "
        "(inkassolagen 5 § andra stycket; IMY)" in krav.explanation
    )


def test_an_interest_invoice_deadline_is_no_warning_and_keeps_its_five_days() -> None:
    # Paid Thursday 2026-02-19, 31 days late; 5 days to pay: Tuesday 2026-02-24.
    paid = date(2026, 2, 19)
    inv = invoice(amount="100000.00", outstanding="0.00", paid_date=paid)
    snap = snapshot([], settled=[inv], payments=[Payment("1001", paid, D("100000.00"))])
    five = policy({"interest_invoice": {"deadline_days": 5}})
    [decision] = run(paid, snap, (), five)
    assert decision.deadline == date(2026, 2, 24)


# --- The words of the blocks and the headline ------------------------------------------------


def test_unapplied_credit_blocks_with_the_whole_sentence() -> None:
    snap = snapshot([invoice()], customers=[customer("C1", unapplied_credit=D("500.00"))])
    assert notes(date(2026, 2, 2), snap) == [
        "Not dunned: customer has unapplied credit of DKK 500.00 (a credit note, overpayment or "
        "prepayment not yet allocated): allocate it before dunning."
    ]


def test_an_open_ended_dispute_names_only_its_start() -> None:
    snap = snapshot([invoice()], disputes=[Dispute("1001", date(2026, 2, 1))])
    assert notes(date(2026, 2, 2), snap) == ["Not dunned: disputed since 2026-02-01."]


def test_the_headline_names_the_invoice_with_its_currency() -> None:
    [decision] = run(date(2026, 1, 22), snapshot([invoice(outstanding="2500.00")]))
    assert decision.explanation.startswith("Step 1 '")
    assert (
        "(reminder) for invoice 1001 (DKK 2,500.00 outstanding, due 2026-01-19), 3 days overdue."
        in decision.explanation
    )


def test_an_invoice_of_zero_is_paid_not_a_credit_note() -> None:
    # A credit note (a negative amount) is neither open nor paid; an invoice of 0 is paid.
    zero = invoice("1001", amount="0.00", outstanding="0.00")
    answer = why_not(date(2026, 2, 2), snapshot([zero]), (), DK, policy(), invoice_id="1001")
    assert answer[0].startswith("Paid. No interest invoice:")
    # A block on the customer is listed for it too, as for any paid invoice.
    barred = snapshot([zero], customers=[customer("C1", barred=True)])
    assert blocked(barred, date(2026, 2, 2)) == [("1001", "customer is barred from dunning")]
