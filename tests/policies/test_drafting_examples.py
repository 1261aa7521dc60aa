"""Each kind of drafted step at its edges, with its exact words: letters, tasks, renewed
warnings, hand-overs, interest invoices, credit holds and the pre-due notice.

Numbers and dates follow ../shared/reference/law.md: Danish morarente 9.75 % in 2026 H1 (§ 1.4,
reference 1.75 % + 8); Norway's purregebyr NOK 38 from 14 days after the due date and the
standardkompensasjon NOK 460 in 2026 H1, offset against fees (§§ 2.2, 2.3, 2.4, example 13);
Finland's 2026 H1 rates, consumer 9.5 % and business 10.5 % (§ 4.3); a hand-over only after the
warning's deadline passed (§ 1.5). The rest follows docs/policy.md: `lenient_due_date` (a due
date on a non-banking day leaves the next banking day to pay), `day_count`, a task's `task` and
`to`, `[interest_invoice]`, `[credit_hold]`, `[pre_due_notice]` and `[compensation]` (DKK 310
at 1 USD = DKK 6.4500 is USD 48.06).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bridge.vocab.domain import (
    ActionKind,
    CustomerKind,
    Decision,
    Dispute,
    Instalment,
    Payment,
    Promise,
    StepRecord,
    StepStatus,
)
from tests.policies import nordic
from tests.policies.factories import invoice, policy, record, run, snapshot

D = Decimal
R, W, H = ActionKind.REMINDER, ActionKind.COLLECTION_WARNING, ActionKind.HANDOVER
TASK, HOLD = ActionKind.TASK, ActionKind.CREDIT_HOLD
NO, FI = "NO", "FI"
NO_DUE = date(2026, 1, 12)  # a Monday
# law.md § 2.3: the § 3 a compensation and the INKF sections that offset it against fees.
NO_COMPENSATION = "forsinkelsesrenteloven § 3 a; inkassoforskriften §§ 1-5, 2-6"


def _only(decisions: list[Decision], action: ActionKind) -> Decision:
    [decision] = [d for d in decisions if d.action == action]
    return decision


# --- Letters -----------------------------------------------------------------------------------


def test_a_step_without_interest_says_so() -> None:
    # The Danish default step 1 asks for no fee and no interest (docs/policy.md, default ladder).
    [first] = run(date(2026, 1, 22), snapshot([invoice()]))
    assert (
        "No fee (the step asks for none). No interest on this step (the step asks for none)."
        in (first.explanation)
    )


def test_a_norwegian_compensation_covers_the_purring_fee_example_13() -> None:
    # law.md example 13: NOK 460 and the 38 offset, not added; the letter says it covers them.
    snap = snapshot([nordic.invoice(NO, due=NO_DUE)], customers=[nordic.customer(NO)])
    [purring] = nordic.run(NO, date(2026, 1, 26), snap)
    assert (purring.fee, purring.compensation) == (D("0.00"), D("460.00"))
    assert "No fee: the compensation covers reminder fees." in purring.explanation


def test_a_compensation_charged_earlier_covers_a_later_fee_and_is_cited() -> None:
    snap = snapshot([nordic.invoice(NO, due=NO_DUE)], customers=[nordic.customer(NO)])
    purring = record("1001", R, 1, date(2026, 1, 26), compensation="460", deadline=date(2026, 2, 9))
    [warning] = nordic.run(NO, date(2026, 2, 10), snap, [purring])
    assert warning.fee == D("0.00")
    assert (
        "No fee: the flat compensation charged on 2026-01-26 covers reminder fees on this claim "
        f"({NO_COMPENSATION})." in warning.explanation
    )
    assert any(basis.startswith(NO_COMPENSATION) for basis in warning.legal_basis)


def test_a_step_asking_no_fee_after_the_compensation_keeps_its_own_answer() -> None:
    # Nothing asked, so nothing for the compensation to cover: the step's own "no fee" stands,
    # and a reminder carries no collection-warning notice (inkassoloven § 9 is for the varsel).
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "38", "compensation": True},
            {"action": "reminder", "days": 15, "fee": "0", "deadline_days": 14},
        ]
    }
    snap = snapshot([nordic.invoice(NO, due=NO_DUE)], customers=[nordic.customer(NO)])
    purring = record("1001", R, 1, date(2026, 1, 26), compensation="460", deadline=date(2026, 2, 9))
    [second] = nordic.run(NO, date(2026, 2, 10), snap, [purring], nordic.policy(NO, ladder))
    assert second.explanation == (
        "Step 2 'Purring' (reminder) for invoice 1001 (NOK 10,000.00 outstanding, due "
        "2026-01-12), 29 days overdue. Step 2 is due from 2026-02-10 (15 days after step 1 on "
        "2026-01-26, and after its deadline 2026-02-09). No fee (the step asks for none). No "
        "interest on this step (the step asks for none). Payment deadline 2026-02-24 (14 days)."
    )


def test_a_norwegian_fee_counts_its_14_days_from_the_banking_day_after_a_saturday_due_date() -> (
    None
):
    # Due Saturday 2026-01-10: payment is timely on Monday the 12th (lenient_due_date, law.md
    # § 2.6), so the purregebyr is allowed from 2026-01-26 (§ 2.2: 14 days after the due date).
    ladder = {"steps": [{"action": "reminder", "days": 1, "fee": "38", "deadline_days": 14}]}
    consumer = nordic.customer(NO, kind=CustomerKind.CONSUMER)
    snap = snapshot([nordic.invoice(NO, due=date(2026, 1, 10))], customers=[consumer])
    for day, fee in ((24, "0.00"), (25, "0.00"), (26, "38.00"), (27, "38.00")):
        [purring] = nordic.run(NO, date(2026, 1, day), snap, (), nordic.policy(NO, ladder))
        assert purring.fee == D(fee), day
    [early] = nordic.run(NO, date(2026, 1, 25), snap, (), nordic.policy(NO, ladder))
    assert "No fee: a reminder fee is allowed from 2026-01-26 (after the due date 2026-01-12)." in (
        early.explanation
    )


# --- Tasks -------------------------------------------------------------------------------------

TASK_LADDER = {
    "steps": [
        {"action": "reminder", "days": 3},
        {"action": "task", "days": 2, "task": "Send the contract copy", "to": "tasks"},
        {"action": "task", "days": 2, "to": "ar@example.com"},
    ]
}
STEP_ONE = record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2))
TASK_WORDS = (
    "No charges: a task goes to the creditor's own people, not the debtor. No interest charged "
    "on a task: interest keeps running and the next letter charges it."
)


def test_a_task_in_the_tenants_own_words_for_the_task_recipient() -> None:
    [task] = run(date(2026, 1, 24), snapshot([invoice()]), [STEP_ONE], policy(TASK_LADDER))
    assert (task.action, task.step, task.fee) == (TASK, 2, D("0.00"))
    assert task.explanation == (
        "Step 2 'Send the contract copy' (task: 'Send the contract copy', for the tenant's task "
        "recipient) for invoice 1001 (DKK 10,000.00 outstanding, due 2026-01-19), 5 days overdue. "
        f"Step 2 is due from 2026-01-24 (2 days after step 1 on 2026-01-22). {TASK_WORDS}"
    )


def test_a_call_for_an_email_address_names_the_address() -> None:
    history = [STEP_ONE, record("1001", TASK, 2, date(2026, 1, 24))]
    [task] = run(date(2026, 1, 26), snapshot([invoice()]), history, policy(TASK_LADDER))
    assert task.explanation == (
        "Step 3 'Ring til kunden' (task: call the customer, for ar@example.com) for invoice 1001 "
        "(DKK 10,000.00 outstanding, due 2026-01-19), 7 days overdue. Step 3 is due from "
        f"2026-01-26 (2 days after step 2 on 2026-01-24). {TASK_WORDS}"
    )


# --- A warning renewed after a dispute, in the hand-over's place ----------------------------

# The first warning's deadline 2026-01-30 ran during a dispute from 2026-01-28 to 2026-02-06.
DISPUTED = snapshot([invoice()], disputes=[Dispute("1001", date(2026, 1, 28), date(2026, 2, 6))])
RENEWED_BY = date(2026, 2, 9)  # a Monday


# The warning at step 1 was sent; step 2's was rejected by the accountant: its date counts for
# the ladder, but it was never sent.
TWO_WARNINGS = [
    record("1001", W, 1, date(2026, 1, 20), deadline=date(2026, 1, 30)),
    record("1001", W, 2, date(2026, 1, 31), status=StepStatus.REJECTED),
]


def test_the_warning_renewed_is_the_one_that_was_sent_with_its_own_deadline() -> None:
    ladder = {
        "steps": [
            {"action": "collection_warning", "days": 1, "name": "Første varsel"},
            {
                "action": "collection_warning",
                "days": 10,
                "name": "Andet varsel",
                "deadline_days": 20,
            },
            {"action": "handover", "days": 1},
        ]
    }
    [renewed] = run(RENEWED_BY, DISPUTED, TWO_WARNINGS, policy(ladder))
    assert (renewed.action, renewed.step, renewed.fee) == (W, 3, D("0.00"))
    # Step 1's 10 days from Monday 2026-02-09 (law.md § 1.5: at least 10), not step 2's 20.
    assert renewed.deadline == date(2026, 2, 19)
    assert renewed.explanation.startswith(
        "Step 3 'Første varsel' (collection warning, renewed) for invoice 1001 (DKK 10,000.00 "
        "outstanding, due 2026-01-19), 21 days overdue: the collection warning of 2026-01-20 set "
        "a deadline of 2026-01-30, which ran while the claim was disputed (2026-01-28 to "
        "2026-02-06); a hand-over needs a deadline that passed undisputed, so the debtor gets a "
        "new deadline first."
    )
    assert (
        "No fee: this renews the collection warning of 2026-01-20 with a new deadline; it is not "
        "a new step of the ladder." in renewed.explanation
    )
    # The warning's own basis (inkassoloven § 10) and the hand-over's rule (§ 10 stk. 1).
    assert [basis.split(" (")[0] for basis in renewed.legal_basis] == [
        "inkassoloven § 10",
        "inkassoloven § 10 stk. 1",
    ]


def test_a_warning_sent_under_an_earlier_ladder_is_renewed_as_the_ladders_last_warning() -> None:
    # Step 1 is a reminder now; the warning recorded at step 1 was sent under an older ladder.
    ladder = {
        "steps": [
            {"action": "reminder", "days": 1, "name": "Rykker"},
            {
                "action": "collection_warning",
                "days": 10,
                "name": "Inkassovarsel",
                "deadline_days": 15,
            },
            {"action": "handover", "days": 1},
        ]
    }
    [renewed] = run(RENEWED_BY, DISPUTED, TWO_WARNINGS, policy(ladder))
    assert (renewed.action, renewed.step) == (W, 3)
    assert renewed.deadline == date(2026, 2, 24)  # the warning step's 15 days
    assert renewed.explanation.startswith("Step 3 'Inkassovarsel' (collection warning, renewed)")


def test_a_renewal_the_accountant_rejected_is_not_proposed_again() -> None:
    # The default Danish ladder: the warning's deadline 2026-02-23 ran during the dispute, the
    # renewal of 2026-03-09 was rejected; a person decides what follows (no automatic renewal).
    history = [
        record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2)),
        record("1001", R, 2, date(2026, 2, 1), fee="100", deadline=date(2026, 2, 11)),
        record("1001", W, 3, date(2026, 2, 11), fee="100", deadline=date(2026, 2, 23)),
    ]
    snap = snapshot([invoice()], disputes=[Dispute("1001", date(2026, 2, 22), date(2026, 3, 6))])
    [renewal] = run(date(2026, 3, 9), snap, history)
    assert (renewal.action, renewal.step) == (W, 4)
    rejected = record(
        "1001", W, 4, date(2026, 3, 9), deadline=date(2026, 3, 19), status=StepStatus.REJECTED
    )
    assert run(date(2026, 3, 20), snap, [*history, rejected]) == []


# --- Hand-over ---------------------------------------------------------------------------------

HANDOVER_LADDER = {
    "steps": [{"action": "collection_warning", "days": 1}, {"action": "handover", "days": 1}]
}
WARNED = [record("1001", W, 1, date(2026, 1, 20), deadline=date(2026, 1, 30))]


def test_a_hand_over_after_a_saturday_due_date_accrues_interest_from_the_tuesday() -> None:
    # Due Saturday 2026-01-17, timely on Monday the 19th (lenient_due_date): interest from
    # 2026-01-20 to 2026-02-02, 14 days at 9.75 % (law.md § 1.4) on 10,000, actual/365: 37.40.
    snap = snapshot([invoice(due=date(2026, 1, 17))])
    [handover] = run(date(2026, 2, 2), snap, WARNED, policy(HANDOVER_LADDER))
    assert (handover.action, handover.fee) == (H, D("0.00"))
    assert handover.explanation.endswith(
        "No fee and no interest charge: the agency claims its own costs. Claim: principal DKK "
        "10,000.00, interest DKK 37.40, fees DKK 0.00, compensation DKK 0.00; total DKK "
        "10,037.40. Interest accrued and not yet charged: DKK 37.40 on DKK 10,000.00 for "
        "2026-01-20..2026-02-02 (14 days) at 9.75 %; it keeps running until payment."
    )
    # Without the lenient reading interest runs from Sunday the 18th: 16 days, 42.74.
    strict = policy({**HANDOVER_LADDER, "lenient_due_date": False})
    [handover] = run(date(2026, 2, 2), snap, WARNED, strict)
    assert "DKK 42.74 on DKK 10,000.00 for 2026-01-18..2026-02-02 (16 days)" in handover.explanation


def test_a_hand_over_accrues_by_the_policys_day_count() -> None:
    # 30E/360 from 2026-01-20 to 2026-02-02 is 13 days: 10,000 * 9.75 % * 13 / 360 = 35.21.
    snap = snapshot([invoice(due=date(2026, 1, 17))])
    thirty = policy({**HANDOVER_LADDER, "day_count": "30/360"})
    [handover] = run(date(2026, 2, 2), snap, WARNED, thirty)
    assert (
        "Interest accrued and not yet charged: DKK 35.21 on DKK 10,000.00 for "
        "2026-01-20..2026-02-02 (13 days) at 9.75 %" in handover.explanation
    )


def test_a_finnish_hand_over_accrues_at_the_consumer_or_the_business_rate() -> None:
    # law.md § 4.3, 2026 H1: consumer 9.5 %, business 10.5 %; 29 days on EUR 10,000, actual/365:
    # 75.48 and 83.42.
    ladder = {
        "steps": [{"action": "collection_warning", "days": 14}, {"action": "handover", "days": 1}]
    }
    warned = [record("1001", W, 1, date(2026, 1, 26), deadline=date(2026, 2, 9))]
    for kind, accrued in ((CustomerKind.CONSUMER, "75.48"), (CustomerKind.BUSINESS, "83.42")):
        snap = snapshot(
            [nordic.invoice(FI, due=NO_DUE)], customers=[nordic.customer(FI, kind=kind)]
        )
        [handover] = nordic.run(FI, date(2026, 2, 10), snap, warned, nordic.policy(FI, ladder))
        assert (
            f"Interest accrued and not yet charged: EUR {accrued} on EUR 10,000.00 for "
            "2026-01-13..2026-02-10 (29 days)" in handover.explanation
        ), kind


# --- Interest invoice --------------------------------------------------------------------------


def test_an_interest_invoice_without_a_paid_date_runs_to_the_last_payment() -> None:
    # Paid 40,000 on 2026-02-09 and 60,000 on 2026-02-19, no paid date from the system: interest
    # 21 days on 100,000 and 10 days on 60,000 at 9.75 %, actual/365: 560.96 + 160.27 = 721.23.
    settled = invoice(amount="100000.00", outstanding="0.00")
    paid = [
        Payment("1001", date(2026, 2, 9), D("40000.00")),
        Payment("1001", date(2026, 2, 19), D("60000.00")),
    ]
    [letter] = run(date(2026, 2, 20), snapshot([], settled=[settled], payments=paid))
    assert (letter.action, letter.interest_amount) == (ActionKind.INTEREST_INVOICE, D("721.23"))
    assert letter.explanation.startswith(
        "Interest invoice 1 for invoice 1001 (due 2026-01-19): paid in full on 2026-02-19, 31 days "
        "after the due date; DKK 721.23 is at least the policy minimum DKK 100.00. No fee on an "
        "interest invoice. Interest DKK 721.23 for 2026-01-20..2026-02-19"
    )


def test_an_interest_invoice_in_dollars_claims_the_converted_compensation() -> None:
    # docs/policy.md [compensation]: DKK 310 at 1 USD = DKK 6.4500 is USD 48.06.
    paid_on = date(2026, 2, 19)
    usd = invoice(amount="100000.00", outstanding="0.00", currency="USD", paid_date=paid_on)
    snap = snapshot([], settled=[usd], payments=[Payment("1001", paid_on, D("100000.00"))])
    data = {
        "interest_invoice": {"compensation": True},
        "compensation": {"rates": {"USD": "6.4500"}},
    }
    [letter] = run(date(2026, 2, 20), snap, (), policy(data))
    assert letter.compensation == D("48.06")
    assert "is at least the policy minimum USD 100.00." in letter.explanation


def test_a_norwegian_interest_invoice_deducts_the_fee_already_charged_from_the_compensation() -> (
    None
):
    # law.md example 13: fees and compensation together are NOK 460, so after a 38 purregebyr
    # the compensation is 422.
    paid_on = date(2026, 2, 20)
    settled = nordic.invoice(
        NO, due=NO_DUE, amount="100000.00", outstanding="0.00", paid_date=paid_on
    )
    snap = snapshot(
        [],
        settled=[settled],
        customers=[nordic.customer(NO)],
        payments=[Payment("1001", paid_on, D("100000.00"))],
    )
    purring = record("1001", R, 1, date(2026, 1, 26), fee="38", deadline=date(2026, 2, 9))
    data = {"interest_invoice": {"compensation": True}}
    [letter] = nordic.run(NO, paid_on, snap, [purring], nordic.policy(NO, data))
    assert letter.compensation == D("422.00")


# --- Credit holds ------------------------------------------------------------------------------


def _to_warning(invoice_id: str) -> list[StepRecord]:
    """The Danish default ladder up to its collection warning (step 3), issued 2026-02-14."""
    return [
        record(invoice_id, R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2)),
        record(invoice_id, R, 2, date(2026, 2, 3), deadline=date(2026, 2, 13)),
        record(invoice_id, W, 3, date(2026, 2, 14), deadline=date(2026, 2, 24)),
    ]


def test_customers_passed_over_for_a_credit_hold_do_not_stop_the_next_one() -> None:
    # C1 was proposed one before; C2 is only at step 1; C3's invoice is under a kept promise;
    # C4's is disputed; C5 has two invoices at the warning: one hold, on the first by id.
    invoices = [invoice(f"100{n}", customer_id=f"C{n}") for n in range(1, 6)]
    invoices.append(invoice("1006", customer_id="C5", amount="2500.00"))
    history = [
        *_to_warning("1001"),
        record("1001", HOLD, 1, date(2026, 2, 14)),
        _to_warning("1002")[0],
        *_to_warning("1003"),
        *_to_warning("1004"),
        *_to_warning("1005"),
        *_to_warning("1006"),
    ]
    promise = Promise(
        id="7",
        customer_id=None,
        invoice_id="1003",
        made_on=date(2026, 2, 20),
        currency="DKK",
        instalments=(Instalment(date(2026, 3, 20), D("10000.00")),),
    )
    snap = snapshot(invoices, disputes=[Dispute("1004", date(2026, 2, 20))], promises=[promise])
    decisions = run(date(2026, 2, 21), snap, history, policy({"credit_hold": {}}))
    hold = _only(decisions, HOLD)
    assert (hold.invoice_id, hold.customer_id, hold.step, hold.fee) == ("1005", "C5", 1, D("0.00"))
    assert hold.explanation == (
        "Proposal: stop further credit to Customer C5 (C5): invoice 1005 is at step 3 "
        "'Inkassovarsel' (sent 2026-02-14), the step the policy proposes a credit hold from "
        "(step 3); open invoices total DKK 12,500.00. No charges: a credit hold is an internal "
        "proposal."
    )


def test_a_credit_hold_with_the_warning_proposed_today_says_so() -> None:
    snap = snapshot([invoice()])
    decisions = run(date(2026, 2, 14), snap, _to_warning("1001")[:2], policy({"credit_hold": {}}))
    assert _only(decisions, W).step == 3
    assert "is at step 3 'Inkassovarsel' (proposed today), the step the policy" in (
        _only(decisions, HOLD).explanation
    )


# --- Pre-due notice ----------------------------------------------------------------------------


def test_a_pre_due_notice_charges_nothing_and_gives_the_due_date_as_deadline() -> None:
    # Three days before the due date by default: from 2026-01-16 for a due date of 2026-01-19.
    [notice] = run(date(2026, 1, 17), snapshot([invoice()]), (), policy({"pre_due_notice": {}}))
    assert (notice.action, notice.step, notice.fee) == (ActionKind.PRE_DUE_NOTICE, 0, D("0.00"))
    assert notice.explanation == (
        "Pre-due notice for invoice 1001 (DKK 10,000.00 outstanding, due 2026-01-19): it falls "
        "due in 2 days. No fee: no fee is ever charged before the due date. Payment deadline "
        "2026-01-19 (the invoice's own due date)."
    )
    # renteloven § 9 b: no fee before the due date (law.md § 1.2).
    assert [basis.split(" (")[0] for basis in notice.legal_basis] == ["renteloven § 9 b"]
