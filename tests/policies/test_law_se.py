"""Sweden: the agreed påminnelseavgift, the inkassokrav (8 days, SEK 180, parts shown apart),
dröjsmålsränta, the SEK 450 förseningsersättning that replaces fees, and banking days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, Decision, StepRecord
from policies.interest import accrue, principal_of
from policies.ladder import PolicyError
from policies.law.base import PlaceholderRate
from policies.law.se import LAW
from tests.policies.factories import record, snapshot
from tests.policies.nordic import customer, invoice, policy, run

D = Decimal
SE = "SE"
CONSUMER = CustomerKind.CONSUMER
BUSINESS = CustomerKind.BUSINESS
DUE = date(2025, 3, 3)  # a Monday


def _run(
    today: date,
    *,
    kind: CustomerKind = CONSUMER,
    agreed: bool = False,
    history: Sequence[StepRecord] = (),
    **data: Any,
) -> list[Decision]:
    inv = invoice(SE, due=DUE)
    snap = snapshot([inv], customers=[customer(SE, kind=kind, reminder_fee_agreed=agreed)])
    return run(SE, today, snap, history, policy(SE, data or None))


@pytest.mark.parametrize(("agreed", "fee"), [(False, "0.00"), (True, "60.00")])
def test_reminder_fee_only_when_agreed_in_advance(agreed: bool, fee: str) -> None:
    [reminder] = _run(DUE + timedelta(days=10), agreed=agreed)
    assert reminder.action == ActionKind.REMINDER
    assert reminder.fee == D(fee)
    if not agreed:
        assert "did not agree to reminder fees" in reminder.explanation


def test_reminder_fee_capped_at_60_and_only_one_per_claim() -> None:
    ladder = {
        "steps": [
            {"action": "reminder", "days": 1, "fee": "75"},
            {"action": "reminder", "days": 10, "fee": "60"},
        ]
    }
    [first] = _run(DUE + timedelta(days=1), agreed=True, **ladder)
    assert first.fee == D("60.00")
    assert "caps the fee at SEK 60.00" in first.explanation
    history = [record("1001", ActionKind.REMINDER, 1, DUE + timedelta(days=1), fee="60")]
    [second] = _run(DUE + timedelta(days=11), agreed=True, history=history, **ladder)
    assert second.fee == D("0.00")
    assert "already had 1 fee-bearing reminders" in second.explanation


def test_inkassokrav_fee_needs_no_agreement_and_is_counted_apart() -> None:
    history = [
        record(
            "1001",
            ActionKind.REMINDER,
            1,
            DUE + timedelta(days=10),
            fee="60",
            deadline=DUE + timedelta(days=20),
        )
    ]
    [krav] = _run(DUE + timedelta(days=21), agreed=False, history=history)
    assert krav.action == ActionKind.COLLECTION_WARNING
    assert krav.fee == D("180.00")
    # Capital, interest and costs are shown separately, with the interest's period and rate.
    assert "Claim: principal SEK 10,000.00, interest SEK" in krav.explanation
    assert "fees SEK 240.00" in krav.explanation
    assert "capital, interest" in krav.explanation
    assert krav.interest is not None


@pytest.mark.parametrize(("days", "expected"), [(7, 8), (8, 8), (10, 10)])
def test_inkassokrav_gives_at_least_eight_days(days: int, expected: int) -> None:
    ladder = {"steps": [{"action": "collection_warning", "days": 3, "deadline_days": days}]}
    today = DUE + timedelta(days=3)  # Thursday 2025-03-06
    [krav] = _run(today, **ladder)
    assert krav.deadline is not None
    assert krav.deadline >= today + timedelta(days=expected)
    assert LAW.is_banking_day(krav.deadline)
    if days < 8:
        assert "raised to the statutory 8" in krav.explanation


@pytest.mark.parametrize(
    ("sent", "deadline"),
    [
        # An ordinary week: 8 days already leave more than 4 banking days after receipt.
        (date(2026, 3, 2), date(2026, 3, 10)),
        # Christmas: receipt Wed 23 Dec; julafton, juldagen, annandag jul, nyårsafton and
        # nyårsdagen are not banking days, so the 4th banking day after receipt is Mon 4 Jan.
        (date(2026, 12, 22), date(2027, 1, 4)),
        # Easter: sent Wed 1 Apr 2026, receipt Thu 2 Apr; Good Friday and Easter Monday close
        # the banks, so the 4th banking day after receipt is Fri 10 Apr, a day past 8 days.
        (date(2026, 4, 1), date(2026, 4, 10)),
    ],
)
def test_inkassokrav_leaves_four_banking_days_after_receipt(sent: date, deadline: date) -> None:
    due = sent - timedelta(days=30)
    ladder = {"steps": [{"action": "collection_warning", "days": 1, "deadline_days": 8}]}
    inv = invoice(SE, due=due)
    snap = snapshot([inv], customers=[customer(SE, kind=CONSUMER)])
    [krav] = run(SE, sent, snap, (), policy(SE, ladder))
    assert krav.deadline == deadline
    receipt = LAW.banking_days_after(sent, 1)
    assert LAW.banking_days_after(receipt, 4) <= deadline
    if deadline == date(2027, 1, 4):
        assert "4 banking days after the presumed receipt on 2026-12-23" in krav.explanation


def test_interest_worked_example_14() -> None:
    inv = invoice(SE, due=date(2025, 3, 1))
    charge = accrue(
        LAW,
        due_date=date(2025, 3, 1),
        kind=CONSUMER,
        start=date(2025, 3, 2),
        end=date(2025, 4, 15),
        principal=principal_of(inv, ()),
        day_count="actual/365",
    )
    assert charge is not None
    assert charge.amount == D("135.62")  # 45 days at 11.00 %


def test_kredity_example_2() -> None:
    # SEK 20 000 at 8 % (2021), 30 days late: SEK 131.51.
    inv = invoice(SE, due=date(2021, 3, 1), amount="20000.00")
    charge = accrue(
        LAW,
        due_date=date(2021, 3, 1),
        kind=BUSINESS,
        start=date(2021, 3, 2),
        end=date(2021, 3, 31),
        principal=principal_of(inv, ()),
        day_count="actual/365",
    )
    assert charge is not None
    assert charge.amount == D("131.51")


def test_forseningsersattning_replaces_fees_example_15() -> None:
    [reminder] = _run(DUE + timedelta(days=10), kind=BUSINESS, agreed=True)
    assert reminder.compensation == D("450.00")
    assert reminder.fee == D("0.00")
    history = [
        record(
            "1001",
            ActionKind.REMINDER,
            1,
            DUE + timedelta(days=10),
            compensation="450",
            deadline=DUE + timedelta(days=20),
        )
    ]
    [krav] = _run(DUE + timedelta(days=21), kind=BUSINESS, agreed=True, history=history)
    assert krav.fee == D("0.00")  # 450 instead of 60 + 180
    assert "covers reminder fees" in krav.explanation


def test_fees_charged_first_are_deducted_from_the_450() -> None:
    ladder = {
        "steps": [
            {"action": "reminder", "days": 10, "fee": "60", "deadline_days": 10},
            {"action": "collection_warning", "days": 11, "fee": "180", "compensation": True},
        ]
    }
    history = [
        record(
            "1001",
            ActionKind.REMINDER,
            1,
            DUE + timedelta(days=10),
            fee="60",
            deadline=DUE + timedelta(days=20),
        )
    ]
    [krav] = _run(DUE + timedelta(days=21), kind=BUSINESS, agreed=True, history=history, **ladder)
    assert krav.compensation == D("390.00")
    assert krav.fee == D("0.00")
    assert krav.fee + krav.compensation + D(60) == D(450)


def test_stacking_is_refused_by_policy() -> None:
    with pytest.raises(PolicyError, match=r"law\.stack_fees_with_compensation"):
        policy(SE, {"law": {"stack_fees_with_compensation": True}})


def test_no_compensation_for_consumers() -> None:
    [reminder] = _run(DUE + timedelta(days=10), kind=CONSUMER, agreed=True)
    assert reminder.compensation == D("0.00")


def test_rate_table() -> None:
    assert LAW.annual_rate(date(2025, 3, 1), DUE, CONSUMER).rate == D("11.00")
    assert LAW.annual_rate(date(2025, 7, 1), DUE, BUSINESS).rate == D("10.00")
    assert LAW.annual_rate(date(2022, 7, 1), DUE, BUSINESS).rate == D("8.50")
    # 2026 H2 was not found in any source: the carried-forward row is a placeholder, used only
    # where the tenant's policy allows it ([law] allow_placeholder_rates).
    with pytest.raises(PlaceholderRate, match="2026-07-01"):
        LAW.reference_row(date(2026, 8, 1))
    placeholder = replace(LAW, allow_placeholders=True).reference_row(date(2026, 8, 1))
    assert placeholder.confidence == "U"
    assert placeholder.placeholder


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 6, 19),  # midsommarafton (de facto closed)
        date(2026, 12, 24),  # julafton
        date(2026, 12, 31),  # nyårsafton
        date(2025, 6, 6),  # National Day on a Friday
        date(2026, 1, 6),  # Epiphany
        date(2026, 5, 14),  # Ascension Day
    ],
)
def test_swedish_non_banking_days(day: date) -> None:
    assert not LAW.is_banking_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 5),  # trettondagsafton: a half day, banks open
        date(2026, 4, 30),  # valborgsmässoafton: a half day
        date(2026, 6, 18),  # the day before midsommarafton
        date(2026, 12, 23),
    ],
)
def test_swedish_half_days_are_banking_days(day: date) -> None:
    assert LAW.is_banking_day(day)


def test_sundays_are_not_listed_as_holidays() -> None:
    sundays = [d for d in LAW.calendar.closed_days(2026) if d.weekday() == 6]
    # Only holidays that fall on a Sunday (Easter Sunday, Whit Sunday) remain, not every Sunday.
    assert len(sundays) < 5
