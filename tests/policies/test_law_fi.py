"""Finland: consumer EUR 5 reminders (14 full days after the due date, then 14 full days after the
previous reminder, at most two), business EUR 12 (10 days apart) and the EUR 40 compensation
(stacked only by policy), korkolaki rates.

The consumer's 14 days are counted as Finnish time limits are: the day of the event (the due
date, the previous reminder's day) is not counted, and "kulunut vähintään 14 päivää" needs the
14th day to be over. Due date D: no fee on D+13 or D+14, a fee from D+15 (docs/law.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, Decision, StepRecord
from policies.interest import accrue, principal_of
from policies.law.fi import LAW
from tests.policies.factories import record, snapshot
from tests.policies.nordic import customer, invoice, policy, run

D = Decimal
FI = "FI"
CONSUMER = CustomerKind.CONSUMER
BUSINESS = CustomerKind.BUSINESS
DUE = date(2025, 3, 3)  # law.md example 17


def _run(
    today: date,
    *,
    kind: CustomerKind = CONSUMER,
    history: Sequence[StepRecord] = (),
    issued_days_before: int = 14,
    **data: Any,
) -> list[Decision]:
    inv = invoice(FI, due=DUE)
    inv = replace(inv, issue_date=DUE - timedelta(days=issued_days_before))
    snap = snapshot([inv], customers=[customer(FI, kind=kind)])
    return run(FI, today, snap, history, policy(FI, data or None))


def _reminders(first_days: int, gap: int, fee: str = "5") -> dict[str, Any]:
    return {
        "steps": [
            {"action": "reminder", "days": first_days, "fee": fee, "deadline_days": 14},
            {"action": "reminder", "days": gap, "fee": fee, "deadline_days": 14},
            {"action": "reminder", "days": gap, "fee": fee, "deadline_days": 14},
        ]
    }


@pytest.mark.parametrize(
    ("day", "fee"),
    [(date(2025, 3, 16), "0.00"), (date(2025, 3, 17), "0.00"), (date(2025, 3, 18), "5.00")],
)
def test_consumer_first_fee_once_14_full_days_have_passed(day: date, fee: str) -> None:
    # Due 2025-03-03 (law.md example 17): the 14 days are 4..17 March; the fee from 18 March.
    days = (day - DUE).days
    [reminder] = _run(day, **_reminders(days, 15))
    assert reminder.fee == D(fee)


def test_consumer_fee_on_day_14_says_when_it_is_allowed() -> None:
    [reminder] = _run(date(2025, 3, 17), **_reminders(14, 15))
    assert reminder.fee == D("0.00")
    assert "allowed from 2025-03-18" in reminder.explanation
    assert "14 full days" in reminder.explanation


@pytest.mark.parametrize(
    ("day", "fee"),
    [(date(2025, 3, 31), "0.00"), (date(2025, 4, 1), "0.00"), (date(2025, 4, 2), "5.00")],
)
def test_consumer_next_fee_once_14_full_days_have_passed_since_the_previous(
    day: date, fee: str
) -> None:
    first_day = date(2025, 3, 18)  # the first fee-bearing reminder
    history = [record("1001", ActionKind.REMINDER, 1, first_day, fee="5")]
    gap = (day - first_day).days
    [second] = _run(day, history=history, **_reminders(15, gap))
    assert second.fee == D(fee)
    if fee == "0.00":
        assert "14 full days" in second.explanation


def test_consumer_spacing_counts_from_a_reminder_without_fee() -> None:
    # A friendly reminder without fee on day 15 pushes the next fee to day 30.
    first_day = DUE + timedelta(days=15)
    history = [record("1001", ActionKind.REMINDER, 1, first_day, fee="0")]
    [second] = _run(first_day + timedelta(days=10), history=history, **_reminders(15, 10))
    assert second.fee == D("0.00")
    assert "since the previous reminder" in second.explanation


def test_consumer_fee_capped_at_5_and_at_most_two() -> None:
    ladder = _reminders(15, 15, fee="12")
    [first] = _run(DUE + timedelta(days=15), **ladder)
    assert first.fee == D("5.00")
    history = [
        record("1001", ActionKind.REMINDER, 1, DUE + timedelta(days=15), fee="5"),
        record("1001", ActionKind.REMINDER, 2, DUE + timedelta(days=30), fee="5"),
    ]
    [third] = _run(DUE + timedelta(days=45), history=history, **ladder)
    assert third.fee == D("0.00")
    assert "already had 2 fee-bearing reminders" in third.explanation


@pytest.mark.parametrize(("notice", "fee"), [(13, "0.00"), (14, "5.00")])
def test_consumer_invoice_sent_at_least_14_days_before_due(notice: int, fee: str) -> None:
    [reminder] = _run(DUE + timedelta(days=15), issued_days_before=notice)
    assert reminder.fee == D(fee)


@pytest.mark.parametrize(("gap", "fee"), [(9, "0.00"), (10, "12.00")])
def test_business_fee_12_at_least_10_days_apart(gap: int, fee: str) -> None:
    data = _reminders(10, gap, fee="12") | {"law": {"stack_fees_with_compensation": True}}
    first_day = DUE + timedelta(days=10)
    history = [record("1001", ActionKind.REMINDER, 1, first_day, fee="12")]
    [second] = _run(first_day + timedelta(days=gap), kind=BUSINESS, history=history, **data)
    assert second.fee == D(fee)


def test_business_40_replaces_the_12_by_default() -> None:
    ladder = {"steps": [{"action": "reminder", "days": 10, "fee": "12", "compensation": True}]}
    [reminder] = _run(DUE + timedelta(days=10), kind=BUSINESS, **ladder)
    assert reminder.compensation == D("40.00")
    assert reminder.fee == D("0.00")
    assert "replaces reminder fees" in reminder.explanation


def test_business_12_on_top_of_40_when_the_policy_says_so() -> None:
    ladder = {
        "steps": [{"action": "reminder", "days": 10, "fee": "12", "compensation": True}],
        "law": {"stack_fees_with_compensation": True},
    }
    [reminder] = _run(DUE + timedelta(days=10), kind=BUSINESS, **ladder)
    assert reminder.compensation == D("40.00")
    assert reminder.fee == D("12.00")
    assert "on top of any reminder fees" in reminder.explanation


def test_after_the_40_no_further_12_by_default() -> None:
    ladder = {
        "steps": [
            {"action": "reminder", "days": 10, "fee": "12", "compensation": True},
            {"action": "reminder", "days": 10, "fee": "12"},
        ]
    }
    history = [record("1001", ActionKind.REMINDER, 1, DUE + timedelta(days=10), compensation="40")]
    [second] = _run(DUE + timedelta(days=20), kind=BUSINESS, history=history, **ladder)
    assert second.fee == D("0.00")
    assert second.compensation == D("0.00")


def _interest(kind: CustomerKind) -> Decimal:
    inv = invoice(FI, due=date(2025, 1, 31), amount="1000.00")
    charge = accrue(
        LAW,
        due_date=date(2025, 1, 31),
        kind=kind,
        start=date(2025, 2, 1),
        end=date(2025, 3, 17),
        principal=principal_of(inv, ()),
        day_count="actual/365",
    )
    assert charge is not None
    return charge.amount


def test_interest_example_16() -> None:
    assert _interest(CONSUMER) == D("12.95")  # 10.5 %
    assert _interest(BUSINESS) == D("14.18")  # 11.5 %


def test_rates_by_kind() -> None:
    assert LAW.annual_rate(date(2026, 3, 1), DUE, CONSUMER).rate == D("9.5")
    assert LAW.annual_rate(date(2026, 3, 1), DUE, BUSINESS).rate == D("10.5")
    assert LAW.annual_rate(date(2023, 3, 1), DUE, BUSINESS).rate == D("10.5")


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 6, 19),  # juhannusaatto (Midsummer Eve)
        date(2025, 6, 20),  # Midsummer Eve 2025
        date(2026, 12, 24),  # jouluaatto
        date(2026, 5, 1),  # vappu
        date(2025, 12, 6),  # itsenäisyyspäivä (a Saturday) ...
        date(2023, 12, 6),  # ... and on a Wednesday
        date(2026, 1, 6),  # loppiainen
    ],
)
def test_finnish_non_banking_days(day: date) -> None:
    assert not LAW.is_banking_day(day)


@pytest.mark.parametrize("day", [date(2026, 6, 18), date(2026, 12, 23), date(2026, 2, 5)])
def test_finnish_banking_days(day: date) -> None:
    assert LAW.is_banking_day(day)
