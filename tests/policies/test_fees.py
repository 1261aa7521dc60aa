"""Reminder fees and the B2B compensation at their statutory boundaries (renteloven §§ 9 a, 9 b)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, Decision
from tests.policies.factories import (
    customer,
    invoice,
    policy,
    record,
    reminders,
    replay,
    run,
    snapshot,
)

D = Decimal
DUE = date(2026, 1, 19)
R = ActionKind.REMINDER


def _two_reminders(gap: int) -> list[Decision]:
    ladder = policy(reminders(2, days=gap))
    first_day = DUE + timedelta(days=1)
    history = [record("1001", R, 1, first_day, fee="100")]
    return run(first_day + timedelta(days=gap), snapshot([invoice()]), history, ladder)


def test_ten_days_after_the_previous_fee_bearing_reminder_carries_a_fee() -> None:
    (decision,) = _two_reminders(10)
    assert decision.fee == D(100)
    assert "2nd fee-bearing reminder, 10 days after the previous one" in decision.explanation


def test_nine_days_after_carries_no_fee() -> None:
    (decision,) = _two_reminders(9)
    assert decision.step == 2
    assert decision.fee == D(0)
    assert "only 9 days since the previous fee-bearing reminder" in decision.explanation
    assert any("U 2008.1083 V" in b for b in decision.legal_basis)


def test_the_fourth_fee_bearing_reminder_gets_no_fee() -> None:
    decisions, _ = replay(
        DUE, DUE + timedelta(days=60), lambda _d: snapshot([invoice()]), policy(reminders(5))
    )
    assert [d.fee for d in decisions] == [D(100), D(100), D(100), D(0), D(0)]
    assert "already had 3 fee-bearing reminders" in decisions[3].explanation


def test_a_fee_above_the_cap_is_capped_and_explained() -> None:
    (decision,) = run(
        DUE + timedelta(days=1), snapshot([invoice()]), (), policy(reminders(1, fee="250"))
    )
    assert decision.fee == D(100)
    assert "The policy asks for DKK 250.00; the law caps the fee at DKK 100.00" in (
        decision.explanation
    )


def test_no_fee_on_the_due_date_itself() -> None:
    ladder = policy({"steps": [{"action": "reminder", "days": 0, "fee": "100"}]})
    assert run(DUE, snapshot([invoice()]), (), ladder) == []  # not overdue yet: no reminder
    (decision,) = run(DUE + timedelta(days=1), snapshot([invoice()]), (), ladder)
    assert decision.fee == D(100)


def test_vendor_reminders_count_as_fee_bearing_steps() -> None:
    vendor = [
        record("1001", R, 1, DUE + timedelta(days=1), fee="100", source="economic"),
        record("1001", R, 2, DUE + timedelta(days=11), fee="100", source="economic"),
        record("1001", R, 3, DUE + timedelta(days=21), fee="100", source="economic"),
    ]
    snap = snapshot([invoice()], steps=vendor)
    (decision,) = run(DUE + timedelta(days=31), snap, (), policy(reminders(4)))
    assert decision.step == 4
    assert decision.fee == D(0)


def test_a_foreign_currency_invoice_is_reminded_with_interest_but_no_fee_or_compensation() -> None:
    # Without an exchange rate in the policy (test_foreign_compensation.py has the rest).
    inv = invoice(currency="USD", amount="1000.00")
    history = [record("1001", R, 1, DUE + timedelta(days=3))]
    (decision,) = run(DUE + timedelta(days=13), snapshot([inv]), history)
    assert decision.currency == "USD"
    assert (decision.fee, decision.compensation) == (D(0), D(0))
    assert decision.interest is not None
    assert decision.interest.amount > 0
    assert "No fee: the invoice is in USD" in decision.explanation
    assert "No compensation: the invoice is in USD" in decision.explanation


def _step_two(kind: CustomerKind, due: date = DUE) -> Decision:
    inv = invoice(due=due)
    history = [record("1001", R, 1, due + timedelta(days=3))]
    snap = snapshot([inv], customers=[customer(kind=kind)])
    (decision,) = run(due + timedelta(days=13), snap, history)
    return decision


def test_business_gets_the_compensation_once_on_top_of_the_fee() -> None:
    decision = _step_two(CustomerKind.BUSINESS)
    assert (decision.fee, decision.compensation) == (D(100), D(310))
    assert "on top of any reminder fees" in decision.explanation


def test_consumer_never_gets_compensation() -> None:
    decision = _step_two(CustomerKind.CONSUMER)
    assert (decision.fee, decision.compensation) == (D(100), D(0))
    assert "the customer is a consumer" in decision.explanation


def test_compensation_only_for_claims_due_from_1_march_2013() -> None:
    before = _step_two(CustomerKind.BUSINESS, date(2013, 2, 28))
    after = _step_two(CustomerKind.BUSINESS, date(2013, 3, 1))
    assert before.compensation == D(0)
    assert "before the flat compensation applies (claims due from 2013-03-01)" in (
        before.explanation
    )
    assert after.compensation == D(310)


def test_compensation_is_not_charged_twice() -> None:
    ladder = policy(
        {
            "steps": [
                {"action": "reminder", "days": 1, "compensation": True},
                {"action": "reminder", "days": 10, "compensation": True},
            ]
        }
    )
    history = [record("1001", R, 1, DUE + timedelta(days=1), compensation="310")]
    (decision,) = run(DUE + timedelta(days=11), snapshot([invoice()]), history, ladder)
    assert decision.compensation == D(0)
    assert "already charged on 2026-01-20" in decision.explanation


@pytest.mark.parametrize("kind", list(CustomerKind))
def test_fees_never_exceed_300_per_claim_over_the_default_ladder(kind: CustomerKind) -> None:
    snap = snapshot([invoice()], customers=[customer(kind=kind)])
    decisions, _ = replay(DUE, DUE + timedelta(days=90), lambda _d: snap, policy())
    assert sum(d.fee for d in decisions) == D(200)  # two fee-bearing steps in the default
    expected = D(310) if kind == CustomerKind.BUSINESS else D(0)
    assert sum(d.compensation for d in decisions) == expected
