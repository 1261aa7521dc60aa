"""Decisions formed whole: the fields a letter is written from, one fee per combined letter with
its citation on every claim, and the claim a collection warning states (inkassoloven § 10).

Danish numbers from ../shared/reference/law.md § 1: a fee of at most DKK 100, at most 3, at
least 10 days apart (§ 1.2); interest at 9.75 % in 2026 H1, actual/365 (§ 1.4).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from bridge.vocab.domain import ActionKind, Payment, idempotency_key, letter_key
from policies.engine import decide
from policies.law.base import PaymentAllocation, PaymentOrder
from tests.policies.factories import DK, invoice, policy, record, reminders, run, snapshot

D = Decimal
DUE = date(2026, 1, 19)
R, W = ActionKind.REMINDER, ActionKind.COLLECTION_WARNING
FEE_RULE = "renteloven § 9 b stk. 1-2 (rykkergebyr højst DKK 100, højst 3, mindst 10 dage imellem)"
REMINDER_RULE = "renteloven § 9 b (rykker efter forfald)"


def test_a_combined_letter_puts_its_one_fee_on_the_lowest_invoice_and_cites_it_on_both() -> None:
    # Listed 1002 first: the letter still orders its claims by invoice id.
    snap = snapshot([invoice("1002"), invoice("1001")])
    first, second = run(DUE + timedelta(days=1), snap, (), policy(reminders(3)))
    assert (first.invoice_id, first.fee, second.invoice_id, second.fee) == (
        "1001",
        D(100),
        "1002",
        D(0),
    )
    assert first.rules[0] == (
        "fee",
        "Fee DKK 100.00: 1st fee-bearing reminder (renteloven § 9 b stk. 1-2). The letter covers "
        "invoices 1001, 1002; its one fee counts against each of them.",
    )
    assert second.rules[0] == (
        "fee",
        "No fee on this invoice: covered by the letter's fee on invoice 1001.",
    )
    assert first.legal_basis == second.legal_basis == (REMINDER_RULE, FEE_RULE)
    # The letter's key is made of its claims' keys, tenant, invoice, action and step each.
    keys = [idempotency_key("t1", i, R, 1) for i in ("1001", "1002")]
    assert first.letter == second.letter == letter_key(keys)
    assert (first.tenant, first.invoice_number, second.invoice_number) == ("t1", "1001", "1002")


def test_every_claim_that_cannot_carry_a_fee_is_named() -> None:
    # 1001 and 1003 already had three fee-bearing reminders; 1002 had none.
    history = [
        record(i, R, n, DUE + timedelta(days=1 + 10 * (n - 1)), fee="100")
        for i in ("1001", "1003")
        for n in (1, 2, 3)
    ] + [record("1002", R, 3, DUE + timedelta(days=21))]
    snap = snapshot([invoice("1001"), invoice("1002"), invoice("1003")])
    decisions = run(DUE + timedelta(days=31), snap, history, policy(reminders(5)))
    assert [d.fee for d in decisions] == [D(0), D(0), D(0)]
    assert decisions[1].rules[0] == (
        "fee",
        "No fee: the letter also covers invoice 1001, 1003, which cannot carry a fee now, and a "
        "letter's fee counts against every claim in it.",
    )
    assert decisions[1].legal_basis == (REMINDER_RULE, FEE_RULE)


NAMED = policy(
    {
        "steps": [
            {"action": "reminder", "days": 1, "fee": "100", "name": "Første", "tone": "friendly"},
            {"action": "reminder", "days": 10, "fee": "100", "name": "Anden"},
            {"action": "reminder", "days": 10, "fee": "100", "name": "Sidste", "tone": "formal"},
        ]
    }
)


def test_a_decision_carries_its_own_ladder_steps_name_and_tone() -> None:
    (first,) = run(DUE + timedelta(days=1), snapshot([invoice()]), (), NAMED)
    assert (first.name, first.tone) == ("Første", "friendly")
    history = [
        record("1001", R, 1, DUE + timedelta(days=1), fee="100"),
        record("1001", R, 2, DUE + timedelta(days=11), fee="100"),
    ]
    (last,) = run(DUE + timedelta(days=21), snapshot([invoice()]), history, NAMED)
    assert (last.step, last.name, last.tone) == (3, "Sidste", "formal")


def test_an_interest_invoice_takes_no_name_from_the_ladder() -> None:
    # Its step 1 is the first interest invoice, not the ladder's step 1.
    paid = date(2026, 2, 19)
    late = invoice(amount="100000.00", outstanding="0.00", paid_date=paid)
    snap = snapshot([], settled=[late], payments=[Payment("1001", paid, D("100000.00"))])
    (decision,) = run(paid, snap, (), NAMED)
    assert (decision.action, decision.step) == (ActionKind.INTEREST_INVOICE, 1)
    assert (decision.name, decision.tone) == ("", "")
    assert decision.claim is None  # an interest invoice states no claim of its own


WARNING_LADDER = policy(
    {
        "steps": [
            {"action": "reminder", "days": 3, "fee": "100", "interest": True},
            {"action": "reminder", "days": 10, "fee": "100", "interest": True},
            {
                "action": "collection_warning",
                "days": 10,
                "fee": "100",
                "interest": True,
                "compensation": True,
            },
            {"action": "handover", "days": 11},
        ]
    }
)


def test_a_collection_warning_states_the_whole_claim_with_earlier_charges_and_payments() -> None:
    # Step 1 (22 Jan) charged fee 100 and interest 8.01 through 22 Jan; step 2 (3 Feb) fee 100;
    # 1 000 was paid on 26 Jan (principal first in Denmark).
    history = [
        record(
            "1001",
            R,
            1,
            date(2026, 1, 22),
            fee="100",
            interest="8.01",
            interest_to=date(2026, 1, 22),
            deadline=date(2026, 2, 2),
        ),
        record("1001", R, 2, date(2026, 2, 3), fee="100", deadline=date(2026, 2, 13)),
    ]
    snap = snapshot(
        [invoice(outstanding="9000.00")],
        payments=[Payment("1001", date(2026, 1, 26), D("1000.00"))],
    )
    (warning,) = decide(date(2026, 2, 14), snap, history, DK, WARNING_LADDER)
    assert (warning.action, warning.step, warning.fee) == (W, 3, D(100))
    # Interest 23 Jan - 14 Feb: 10 000 x 9.75 % x 4/365 = 10.685 + 9 000 x 9.75 % x 19/365
    # = 45.678 -> 56.36.
    assert warning.interest is not None
    assert warning.interest.amount == D("56.36")
    claim = warning.claim
    assert claim is not None
    # Principal 9 000; interest 8.01 + 56.36 = 64.37; fees 3 x 100; the B2B compensation of
    # DKK 310, which stacks with fees (law.md § 1.3); earlier unpaid 100 + 8.01 + 100 = 208.01;
    # paid 1 000.
    assert warning.compensation == D(310)
    assert (claim.principal, claim.interest, claim.fees, claim.compensation, claim.total) == (
        D("9000.00"),
        D("64.37"),
        D("300.00"),
        D("310.00"),
        D("9674.37"),
    )
    assert claim.paid == D("1000.00")
    assert sum(i.unpaid for i in claim.earlier) == D("208.01")
    assert [(i.day, i.action, i.step, i.new) for i in claim.charges] == [
        (date(2026, 1, 22), R, 1, False),
        (date(2026, 1, 22), R, 1, False),
        (date(2026, 2, 3), R, 2, False),
        (date(2026, 2, 14), W, 3, True),
        (date(2026, 2, 14), W, 3, True),
        (date(2026, 2, 14), W, 3, True),
    ]
    assert (
        "Payment deadline 2026-02-24 (10 days). Claim: principal DKK 9,000.00, interest "
        "DKK 64.37, fees DKK 300.00, compensation DKK 310.00; total DKK 9,674.37. Of it, "
        "DKK 208.01 was charged in earlier letters and is unpaid. Payments applied: Principal "
        "first:"
    ) in warning.explanation
    assert [name for name, _ in warning.rules] == [
        "fee",
        "interest",
        "compensation",
        "deadline",
        "timing",
    ]
    assert (warning.name, warning.tone) == ("Inkassovarsel", "formal")


def test_a_reminder_carries_its_claim_but_does_not_state_it() -> None:
    reminder = run(DUE + timedelta(days=3), snapshot([invoice()]), (), WARNING_LADDER)[0]
    assert reminder.action is R
    assert reminder.claim is not None
    assert "Claim:" not in reminder.explanation


def test_a_hand_over_states_the_claim_with_the_interest_accrued_and_no_payments() -> None:
    history = [
        record("1001", R, 1, date(2026, 1, 22)),
        record("1001", R, 2, date(2026, 2, 1)),
        record("1001", W, 3, date(2026, 2, 11), deadline=date(2026, 2, 23)),
    ]
    (handover,) = run(date(2026, 2, 24), snapshot([invoice()]), history, policy())
    # 10 000 x 9.75 % x 36/365 = 96.164 -> 96.16 accrued 20 January - 24 February; nothing paid,
    # so no allocation rule is quoted.
    assert handover.claim is not None
    assert handover.claim.interest_accrued == D("96.16")
    assert (
        "Claim: principal DKK 10,000.00, interest DKK 96.16, fees DKK 0.00, compensation "
        "DKK 0.00; total DKK 10,096.16. Interest accrued"
    ) in handover.explanation


def test_under_costs_first_the_warnings_claim_shows_the_payment_on_the_earlier_charges() -> None:
    # As above, with a pack whose payments pay costs first: the 1 000.00 of 26 January pays
    # step 1's fee (100) and interest (8.01) charged by then, and 891.99 of the principal.
    costs_first = replace(DK, payment_allocation=PaymentAllocation(PaymentOrder.COSTS_FIRST, "x"))
    history = [
        record(
            "1001",
            R,
            1,
            date(2026, 1, 22),
            fee="100",
            interest="8.01",
            interest_to=date(2026, 1, 22),
            deadline=date(2026, 2, 2),
        ),
        record("1001", R, 2, date(2026, 2, 3), fee="100", deadline=date(2026, 2, 13)),
    ]
    snap = snapshot(
        [invoice(outstanding="9000.00")],
        payments=[Payment("1001", date(2026, 1, 26), D("1000.00"))],
    )
    (warning,) = decide(date(2026, 2, 14), snap, history, costs_first, WARNING_LADDER)
    claim = warning.claim
    assert claim is not None
    assert [(i.kind.value, i.paid) for i in claim.items[:3]] == [
        ("principal", D("891.99")),
        ("fee", D("100.00")),
        ("interest", D("8.01")),
    ]
    assert (claim.principal, claim.fees) == (D("9108.01"), D("200.00"))


def test_a_single_claims_fee_note_names_no_letter_of_several() -> None:
    (reminder,) = run(DUE + timedelta(days=1), snapshot([invoice()]), (), policy(reminders(3)))
    assert reminder.rules[0] == (
        "fee",
        "Fee DKK 100.00: 1st fee-bearing reminder (renteloven § 9 b stk. 1-2).",
    )
