"""Examples on the exact boundary day of a rule, each pinning a mutant that survived before.

`make mutation` (scripts/mutation.py) changed `<` into `<=`, `and` into `or` and the like in
policies/ and found no test failing on these; each test here fails on one of them. The
expected numbers are the statute's (law.md sections in the comments), not the law pack's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bridge.domain import ActionKind, CustomerKind, Payment
from policies.daycount import DayCount
from policies.interest import accrue, last_timely_day, principal_of
from policies.law import for_country
from tests.policies import factories
from tests.policies.factories import record, snapshot
from tests.policies.nordic import customer, invoice, policy, run

D = Decimal
REMINDER = ActionKind.REMINDER
WARNING = ActionKind.COLLECTION_WARNING
HANDOVER = ActionKind.HANDOVER


# --- Norway: the second fee needs the first letter's deadline to have PASSED (law.md § 2.2) ----


@pytest.mark.parametrize(("day", "fee"), [(date(2026, 2, 9), "0.00"), (date(2026, 2, 10), "38.00")])
def test_norway_no_second_fee_on_the_deadline_day_itself(day: date, fee: str) -> None:
    due = date(2026, 1, 12)  # law.md example 12
    first = record("1001", REMINDER, 1, date(2026, 1, 26), fee="38", deadline=date(2026, 2, 9))
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
            {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
        ]
    }
    snap = snapshot([invoice("NO", due=due)], customers=[customer("NO")])
    [second] = run("NO", day, snap, [first], policy("NO", ladder))
    assert second.action == REMINDER
    assert second.fee == D(fee)
    if fee == "0.00":
        assert "2026-02-09 of the fee-bearing letter of 2026-01-26 has not yet passed" in (
            second.explanation
        )


# --- A warning read back from the vendor without its deadline (Dinero records none) ----------


@pytest.mark.parametrize(
    ("day", "handed_over"),
    [
        (date(2026, 2, 3), False),  # the day after the warning
        (date(2026, 2, 12), False),  # the statutory 10 days end today (law.md § 1.5)
        (date(2026, 2, 13), True),
    ],
)
def test_denmark_hand_over_waits_out_a_vendor_warning_without_a_deadline(
    day: date, handed_over: bool
) -> None:
    warned = date(2026, 2, 2)  # a Monday; + 10 days is Thursday 2026-02-12, a banking day
    vendor = record("1001", WARNING, 1, warned, fee="100", source="dinero")
    ladder = {
        "steps": [
            {"action": "collection_warning", "days": 1, "fee": "100"},
            {"action": "handover", "days": 1},
        ]
    }
    snap = snapshot([factories.invoice(due=date(2026, 1, 19))], steps=[vendor])
    decisions = factories.run(day, snap, (), factories.policy(ladder))
    assert [d.action for d in decisions] == ([HANDOVER] if handed_over else [])


# --- Finland: a consumer's fee 14 days after ANY previous letter (law.md § 4.2) ---------------

FI_DUE = date(2025, 3, 3)  # law.md example 17


def _fi(today: date, history: list[Any], ladder: dict[str, Any]) -> list[Any]:
    inv = replace(invoice("FI", due=FI_DUE), issue_date=FI_DUE - timedelta(days=14))
    snap = snapshot([inv], customers=[customer("FI", kind=CustomerKind.CONSUMER)])
    return run("FI", today, snap, history, policy("FI", ladder))


@pytest.mark.parametrize(("gap", "fee"), [(13, "0.00"), (14, "5.00")])
def test_finland_consumer_fee_counts_from_a_letter_without_fee(gap: int, fee: str) -> None:
    friendly = FI_DUE + timedelta(days=14)
    history = [record("1001", REMINDER, 1, friendly, fee="0")]
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "0", "deadline_days": 14},
            {"action": "reminder", "days": gap, "fee": "5", "deadline_days": 14},
        ]
    }
    [second] = _fi(friendly + timedelta(days=gap), history, ladder)
    assert second.fee == D(fee)


@pytest.mark.parametrize(("gap", "fee"), [(13, "0.00"), (14, "5.00")])
def test_finland_consumer_fee_14_days_after_the_previous_fee(gap: int, fee: str) -> None:
    first = FI_DUE + timedelta(days=14)
    history = [record("1001", REMINDER, 1, first, fee="5")]
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "5", "deadline_days": 14},
            {"action": "reminder", "days": gap, "fee": "5", "deadline_days": 14},
        ]
    }
    [second] = _fi(first + timedelta(days=gap), history, ladder)
    assert second.fee == D(fee)


# --- A tenant's stricter law values are applied, not only accepted ---------------------------


@pytest.mark.parametrize(("gap", "fee"), [(13, "0.00"), (14, "100.00")])
def test_a_tenants_longer_fee_spacing_is_applied(gap: int, fee: str) -> None:
    first = date(2026, 1, 20)
    history = [record("1001", REMINDER, 1, first, fee="100")]
    ladder = {
        "steps": [
            {"action": "reminder", "days": 1, "fee": "100"},
            {"action": "reminder", "days": gap, "fee": "100"},
        ],
        "law": {"fee_spacing_days": 14},
    }
    snap = snapshot([factories.invoice(due=date(2026, 1, 19))])
    [second] = factories.run(first + timedelta(days=gap), snap, history, factories.policy(ladder))
    assert second.fee == D(fee)


@pytest.mark.parametrize(("days", "fee"), [(19, "0.00"), (20, "38.00")])
def test_a_tenants_later_first_fee_day_is_applied(days: int, fee: str) -> None:
    due = date(2026, 1, 12)
    ladder = {
        "steps": [{"action": "reminder", "days": days, "fee": "38", "deadline_days": 14}],
        "law": {"first_fee_days_after_due": 20},
    }
    snap = snapshot([invoice("NO", due=due)], customers=[customer("NO")])
    [purring] = run("NO", due + timedelta(days=days), snap, (), policy("NO", ladder))
    assert purring.fee == D(fee)


# --- Interest: the principal never exceeds the invoice, only its own payments count -----------


def test_overpayment_never_raises_the_principal_above_the_invoice_amount() -> None:
    inv = factories.invoice(amount="1000.00", outstanding="0.00")
    paid = [Payment("1001", date(2026, 2, 1), D(700)), Payment("1001", date(2026, 2, 10), D(500))]
    principal = principal_of(inv, paid)
    assert principal(date(2026, 1, 25)) == D(1000)  # not 1 200
    assert principal(date(2026, 2, 5)) == D(500)
    assert principal(date(2026, 2, 11)) == D(0)


def test_another_invoices_payment_does_not_count() -> None:
    inv = factories.invoice(amount="1000.00", outstanding="1000.00")
    other = [Payment("9999", date(2026, 2, 1), D(400))]
    assert principal_of(inv, other)(date(2026, 1, 25)) == D(1000)


def test_a_due_date_on_a_saturday_is_the_last_timely_day_unless_lenient() -> None:
    dk = for_country("DK")
    saturday = date(2026, 1, 17)
    assert last_timely_day(dk, saturday, lenient=False) == saturday
    assert last_timely_day(dk, saturday, lenient=True) == date(2026, 1, 19)
    monday = date(2026, 1, 19)
    assert last_timely_day(dk, monday, lenient=True) == monday


@pytest.mark.parametrize("day_count", ["actual/365", "30/360"])
def test_interest_is_split_at_1_july_even_when_the_rate_stays(day_count: DayCount) -> None:
    # law.md § 2.3: 12.50 % in both halves of 2024; § 2.8 rule 1: split at 1 Jan / 1 Jul.
    charge = accrue(
        for_country("NO"),
        due_date=date(2024, 6, 14),
        kind=CustomerKind.BUSINESS,
        start=date(2024, 6, 15),
        end=date(2024, 7, 15),
        principal=lambda _day: D(10000),
        day_count=day_count,
    )
    assert charge is not None
    assert [(p.start, p.end) for p in charge.periods] == [
        (date(2024, 6, 15), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2024, 7, 15)),
    ]
    assert {p.rate for p in charge.periods} == {D("12.50")}


# --- An interest invoice exactly at the policy minimum is sent --------------------------------


def test_an_interest_invoice_exactly_at_the_minimum_is_sent() -> None:
    paid = date(2026, 2, 19)
    inv = factories.invoice(amount="100000.00", outstanding="0.00", paid_date=paid)
    snap = snapshot([], settled=[inv], payments=[Payment("1001", paid, D("100000.00"))])
    [priced] = factories.run(paid, snap)
    assert priced.interest is not None
    amount = priced.interest.amount  # 828.08 (test_interest_invoice.py)

    def with_minimum(minimum: Decimal) -> list[Any]:
        data = {"interest_invoice": {"enabled": True, "minimum": str(minimum)}}
        return factories.run(paid, snap, (), factories.policy(data))

    assert [d.action for d in with_minimum(amount)] == [ActionKind.INTEREST_INVOICE]
    assert with_minimum(amount + D("0.01")) == []
