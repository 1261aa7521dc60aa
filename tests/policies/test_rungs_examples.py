"""A step's timing sentence and its interest, whole, through decide().

Danish interest (../shared/reference/law.md § 1.4): the reference rate + 8, 9.75 % in 2026 H1
and 10.00 % in 2026 H2, actual/365, from the day after the due date, rounded once. Each amount
below is worked by hand in its comment.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from bridge.vocab.domain import ActionKind, CustomerKind, Decision, Payment, StepRecord, StepStatus
from policies.engine import decide
from policies.ladder import TenantPolicy
from policies.law import for_country
from policies.law.base import LawPack, PaymentAllocation, PaymentOrder
from tests.policies import nordic
from tests.policies.factories import DK, invoice, policy, record, snapshot

D = Decimal
R, W = ActionKind.REMINDER, ActionKind.COLLECTION_WARNING
WITH_INTEREST = policy(
    {
        "minimum_outstanding": "0",
        "steps": [
            {"action": "reminder", "days": 3, "fee": "100", "interest": True},
            {"action": "reminder", "days": 10, "fee": "100", "interest": True},
        ],
    }
)


def _one(
    today: date,
    history: list[StepRecord],
    tenant_policy: TenantPolicy = WITH_INTEREST,
    law: LawPack = DK,
    **extra: Any,
) -> Decision:
    (decision,) = decide(today, snapshot([invoice(**extra)]), history, law, tenant_policy)
    return decision


def test_a_step_on_its_own_day_is_not_late_and_the_day_after_it_is() -> None:
    on_time = _one(date(2026, 1, 22), [])
    assert "Step 1 is due from 2026-01-22 (3 days after the due date). Fee" in on_time.explanation
    late = _one(date(2026, 1, 23), [])
    assert (
        "Step 1 is due from 2026-01-22 (3 days after the due date). Proposed late; the ladder "
        "moves one step at a time. Fee"
    ) in late.explanation


def test_a_rejected_previous_step_is_named_as_rejected() -> None:
    rejected = [
        record(
            "1001", R, 1, date(2026, 1, 22), status=StepStatus.REJECTED, deadline=date(2026, 2, 2)
        )
    ]
    decision = _one(date(2026, 2, 3), rejected)
    assert (
        "Step 2 is due from 2026-02-03 (10 days after step 1 on 2026-01-22, which the accountant "
        "rejected, and after its deadline 2026-02-02)."
    ) in decision.explanation


def test_the_whole_interest_sentence_and_its_citations() -> None:
    # 10 000 x 9.75 % x 3/365 = 8.0137 -> 8.01 for 20-22 January.
    decision = _one(date(2026, 1, 22), [])
    assert decision.interest is not None
    assert decision.interest.amount == D("8.01")
    assert (
        "Interest DKK 8.01 on DKK 10,000.00 for 2026-01-20..2026-01-22 (3 days) at 9.75 % "
        "(reference 1.75 % + 8), actual/365 (renteloven § 5 stk. 1). Payment deadline"
    ) in decision.explanation
    # The reminder's rule, interest from the due date (§ 3) and its rate (§ 5), the fee's rule.
    assert decision.legal_basis == (
        "renteloven § 9 b (rykker efter forfald)",
        "renteloven § 3 stk. 1 (rente fra forfaldsdagen)",
        "renteloven § 5 stk. 1 (udlånsrente pr. 1/1 og 1/7 + 8 procentpoint)",
        "renteloven § 9 b stk. 1-2 (rykkergebyr højst DKK 100, højst 3, mindst 10 dage imellem)",
    )


def test_interest_after_a_due_date_on_a_sunday_starts_after_the_next_banking_day() -> None:
    # Due Sunday 2026-02-01: paying on Monday the 2nd is on time, so interest runs from the 3rd;
    # 10 000 x 9.75 % x 2/365 = 5.342 -> 5.34 for 3-4 February.
    decision = _one(date(2026, 2, 4), [], due=date(2026, 2, 1))
    assert (
        "Interest DKK 5.34 on DKK 10,000.00 for 2026-02-03..2026-02-04 (2 days) at 9.75 % "
        "(reference 1.75 % + 8), actual/365 (renteloven § 5 stk. 1). The due date 2026-02-01 "
        "was not a banking day, so payment on the next banking day was on time and interest "
        "starts on 2026-02-03. Payment deadline"
    ) in decision.explanation


def test_a_finnish_business_is_charged_under_the_commercial_rule() -> None:
    # law.md § 4.3: between businesses the reference rate + 8 (korkolaki § 4 a), not + 7.
    fi = for_country("FI")
    ladder = nordic.policy(
        "FI", {"steps": [{"action": "reminder", "days": 14, "fee": "0", "interest": True}]}
    )
    snap = snapshot(
        [nordic.invoice("FI", due=date(2026, 1, 19))],
        customers=[nordic.customer("FI", kind=CustomerKind.BUSINESS)],
    )
    (decision,) = decide(date(2026, 2, 10), snap, [], fi, ladder)
    assert decision.legal_basis[-1] == (
        "korkolaki 633/1982 § 4 a, § 12 (kaupalliset sopimukset: viitekorko + 8)"
    )


def test_interest_that_rounds_to_nothing_is_not_charged_and_says_so() -> None:
    # 5.00 x 9.75 % x 3/365 = 0.004 -> 0.00.
    decision = _one(date(2026, 1, 22), [], amount="5.00")
    assert decision.interest is None
    assert (
        "No interest: the interest for 2026-01-20..2026-01-22 rounds to DKK 0.00."
        in decision.explanation
    )


def test_interest_a_letter_already_charged_ahead_is_not_charged_again() -> None:
    ahead = [
        record(
            "1001",
            R,
            1,
            date(2026, 1, 22),
            deadline=date(2026, 2, 2),
            interest="10",
            interest_to=date(2026, 2, 5),
        )
    ]
    decision = _one(date(2026, 2, 3), ahead)
    assert decision.interest is None
    assert "No interest: interest is charged through 2026-02-05." in decision.explanation


def test_costs_first_leaves_the_fee_share_of_a_payment_interest_bearing() -> None:
    # A fee of 100 charged on 22 January, 1 000 paid on 26 January. Principal first: the
    # principal is 9 000 from the 27th. Costs first: 100 pays the fee, 900 the principal, so
    # 9 100 bears interest from the 27th.
    history = [record("1001", R, 1, date(2026, 1, 22), fee="100", deadline=date(2026, 2, 2))]
    snap = snapshot(
        [invoice(outstanding="9000.00")],
        payments=[Payment("1001", date(2026, 1, 26), D("1000.00"))],
    )
    costs_first = replace(DK, payment_allocation=PaymentAllocation(PaymentOrder.COSTS_FIRST, "x"))
    principals: dict[str, list[tuple[date, Decimal]]] = {}
    for name, law in (("principal first", DK), ("costs first", costs_first)):
        (decision,) = decide(date(2026, 2, 3), snap, history, law, WITH_INTEREST)
        assert decision.interest is not None
        principals[name] = [(p.start, p.principal) for p in decision.interest.periods]
    assert principals == {
        "principal first": [(date(2026, 1, 20), D("10000.00")), (date(2026, 1, 27), D("9000.00"))],
        "costs first": [(date(2026, 1, 20), D("10000.00")), (date(2026, 1, 27), D("9100.00"))],
    }


HANDED_OVER_HISTORY = [
    record("1001", R, 1, date(2026, 1, 22)),
    record("1001", R, 2, date(2026, 2, 1)),
    record("1001", W, 3, date(2026, 2, 11), deadline=date(2026, 2, 23)),
]


def test_the_hand_over_names_the_interest_accrued_in_one_period() -> None:
    # 10 000 x 9.75 % x 36/365 = 96.164 -> 96.16 for 20 January - 24 February.
    decision = _one(date(2026, 2, 24), HANDED_OVER_HISTORY, policy())
    assert decision.explanation.endswith(
        "Interest accrued and not yet charged: DKK 96.16 on DKK 10,000.00 for "
        "2026-01-20..2026-02-24 (36 days) at 9.75 %; it keeps running until payment."
    )


def test_the_hand_over_names_the_interest_accrued_period_by_period() -> None:
    # 10 000 x 9.75 % x 162/365 = 432.740 (to 30 June) + 10 000 x 10.00 % x 24/365 = 65.753
    # (1-24 July) = 498.493 -> 498.49, rounded once.
    decision = _one(date(2026, 7, 24), HANDED_OVER_HISTORY, policy())
    assert decision.explanation.endswith(
        "Interest accrued and not yet charged: DKK 498.49 for 2026-01-20..2026-07-24, by "
        "period: DKK 10,000.00 for 2026-01-20..2026-06-30 (162 days) at 9.75 %; DKK 10,000.00 "
        "for 2026-07-01..2026-07-24 (24 days) at 10.00 %; it keeps running until payment."
    )


def test_interest_charged_through_the_first_interest_day_is_not_charged_again_that_day() -> None:
    # A vendor's interest note of 20 January (the first interest day after a Monday due date)
    # charged that day; a step the same day has no day left to charge.
    ladder = policy(
        {
            "steps": [
                {"action": "reminder", "days": 1, "fee": "0", "interest": True},
                {"action": "reminder", "days": 10, "fee": "0"},
            ]
        }
    )
    charged = [
        record(
            "1001",
            ActionKind.INTEREST_INVOICE,
            1,
            date(2026, 1, 20),
            interest="2.67",
            interest_to=date(2026, 1, 20),
            source="economic",
        )
    ]
    decision = _one(date(2026, 1, 20), charged, ladder)
    assert decision.interest is None
    assert "No interest: interest is charged through 2026-01-20." in decision.explanation
