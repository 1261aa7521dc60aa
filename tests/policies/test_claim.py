"""The claim as one model: principal, earlier charges still unpaid, today's charges, interest.

Each country's scenario: a business invoice of 10,000.00 due Monday 12 January 2026; step 1 (a
reminder without charges) on 15 January; step 2 on 26 January charges interest for 13-26
January (14 days) and the B2B compensation (Denmark also a DKK 100 fee: the compensation stacks
there; in Norway, Sweden and Finland it covers reminder fees, so no fee goes with it); nothing
of it is paid. The collection warning states principal + those unpaid charges + its own
charges. Rates for 2026 H1 (../shared/reference/law.md § 0.1, B2B): DK 9.75 %, NO 12.00 %,
SE 10.00 %, FI 10.50 %; actual/365 (the default policy). Every total below is worked by hand.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, Decision, Payment, StepRecord
from policies.claim import Charges, ItemKind, PaymentAllocation, PaymentOrder, build
from policies.law import for_country
from tests.policies import nordic
from tests.policies.factories import record, snapshot

D = Decimal
DUE = date(2026, 1, 12)  # a Monday, a banking day in all four countries
STEP2 = date(2026, 1, 26)


def _ladder(country: str) -> dict[str, Any]:
    fee = {"DK": "100", "NO": "38", "SE": "60", "FI": "12"}[country]
    return {
        "steps": [
            {"action": "reminder", "days": 3, "fee": "0", "interest": False},
            {"action": "reminder", "days": 11, "fee": fee, "interest": True, "compensation": True},
            {"action": "collection_warning", "days": 10, "fee": fee, "interest": True},
            {"action": "handover", "days": 11},
        ]
    }


def _history(country: str, *, step2_fee: str, interest: str, compensation: str) -> list[StepRecord]:
    return [
        record("1001", ActionKind.REMINDER, 1, date(2026, 1, 15), deadline=date(2026, 1, 25)),
        record(
            "1001",
            ActionKind.REMINDER,
            2,
            STEP2,
            fee=step2_fee,
            interest=interest,
            interest_to=STEP2,
            compensation=compensation,
            # Step 2 gave until 4 February: every warning below comes after that deadline (the
            # next step never comes before the previous letter's deadline).
            deadline=date(2026, 2, 4),
        ),
    ]


def _warning(
    country: str, today: date, history: list[StepRecord], payments: tuple[Payment, ...] = ()
) -> Decision:
    inv = nordic.invoice(
        country,
        due=DUE,
        amount="10000.00",
        outstanding=str(D("10000.00") - sum((p.amount for p in payments), D(0))),
    )
    snap = snapshot([inv], customers=[nordic.customer(country)], payments=payments)
    decisions = nordic.run(country, today, snap, history, nordic.policy(country, _ladder(country)))
    [decision] = decisions
    assert decision.action is ActionKind.COLLECTION_WARNING
    return decision


# (country, step 2 fee, step 2 interest, step 2 compensation, warning day, warning interest,
#  warning fee, total)
SCENARIOS = [
    # DK: step 2 interest 10,000 x 9.75 % x 14/365 = 37.397 -> 37.40; fee 100, comp 310.
    # Warning 5 Feb (10 days after step 2): interest 27 Jan-5 Feb, 10 days:
    # 10,000 x 9.75 % x 10/365 = 26.712 -> 26.71; fee 100 (third fee-bearing letter, 10 days
    # after the second). Total 10,000 + 100 + 37.40 + 310 + 26.71 + 100 = 10,574.11.
    ("DK", "100", "37.40", "310", date(2026, 2, 5), "26.71", "100.00", "10574.11"),
    # NO: step 2 interest 10,000 x 12 % x 14/365 = 46.027 -> 46.03; comp 460 (2026 H1).
    # Warning 9 Feb: interest 27 Jan-9 Feb, 14 days = 46.03; no fee: the compensation covers
    # reminder and warning fees (INKF § 1-5/2-6). Total 10,000 + 460 + 46.03 + 46.03 = 10,552.06.
    ("NO", "0", "46.03", "460", date(2026, 2, 9), "46.03", "0.00", "10552.06"),
    # SE: step 2 interest 10,000 x 10 % x 14/365 = 38.356 -> 38.36; förseningsersättning 450.
    # Warning 5 Feb: 10 days, 27.397 -> 27.40; no fee (the 450 replaces fees, 1981:739 4 a §).
    # Total 10,000 + 450 + 38.36 + 27.40 = 10,515.76.
    ("SE", "0", "38.36", "450", date(2026, 2, 5), "27.40", "0.00", "10515.76"),
    # FI: step 2 interest 10,000 x 10.5 % x 14/365 = 40.274 -> 40.27; vakiokorvaus EUR 40.
    # Warning 9 Feb: 14 days = 40.27; no fee (the pack lets the 40 replace fees, the debtor's
    # reading). Total 10,000 + 40 + 40.27 + 40.27 = 10,120.54.
    ("FI", "0", "40.27", "40", date(2026, 2, 9), "40.27", "0.00", "10120.54"),
]


@pytest.mark.parametrize(
    ("country", "fee2", "interest2", "comp2", "today", "interest", "fee", "total"), SCENARIOS
)
def test_the_warning_states_the_whole_claim_with_earlier_unpaid_charges(
    country: str,
    fee2: str,
    interest2: str,
    comp2: str,
    today: date,
    interest: str,
    fee: str,
    total: str,
) -> None:
    history = _history(country, step2_fee=fee2, interest=interest2, compensation=comp2)
    decision = _warning(country, today, history)
    assert decision.interest_amount == D(interest)
    assert decision.fee == D(fee)
    claim = decision.claim
    assert claim is not None
    assert claim.principal == D("10000.00")
    assert claim.total == D(total)
    earlier = D(fee2) + D(interest2) + D(comp2)
    assert sum((i.unpaid for i in claim.earlier), D(0)) == earlier
    assert claim.total == D("10000.00") + earlier + D(interest) + D(fee)
    # The explanation states the same total, to the øre.
    currency = nordic.CURRENCY[country]
    assert f"total {currency} {D(total):,.2f}" in decision.explanation
    # Every earlier item carries its letter's date; the interest its period and rate.
    [earlier_interest] = [i for i in claim.earlier if i.kind is ItemKind.INTEREST]
    assert (earlier_interest.start, earlier_interest.end) == (date(2026, 1, 13), STEP2)
    rates = {"DK": "9.75", "NO": "12.00", "SE": "10.00", "FI": "10.50"}
    assert earlier_interest.rate == D(rates[country])
    assert all(i.day == STEP2 for i in claim.earlier)


def test_the_danish_part_payment_pays_principal_and_leaves_the_charges_open() -> None:
    # DKK 3,000 paid on 30 January, after step 2. Principal first (docs/law.md): principal
    # 7,000.00; step 2's 100 + 37.40 + 310 = 447.40 stay unpaid. Warning interest:
    # 10,000 x 9.75 % x 4/365 (27-30 Jan, the payment day still bears interest) = 10.6849
    # + 7,000 x 9.75 % x 6/365 (31 Jan-5 Feb) = 11.2192; 21.9041 -> 21.90.
    # Total 7,000 + 447.40 + 21.90 + 100 = 7,569.30.
    history = _history("DK", step2_fee="100", interest="37.40", compensation="310")
    paid = (Payment("1001", date(2026, 1, 30), D("3000.00")),)
    decision = _warning("DK", date(2026, 2, 5), history, paid)
    claim = decision.claim
    assert claim is not None
    assert decision.interest_amount == D("21.90")
    assert claim.principal == D("7000.00")
    assert claim.costs == D("510.00")
    assert claim.interest == D("59.30")
    assert claim.total == D("7569.30")
    assert "Payments applied: Principal first" in decision.explanation


@pytest.mark.parametrize("country", ["DK", "NO", "SE", "FI"])
def test_each_country_applies_a_part_payment_principal_first(country: str) -> None:
    # No source read gives a fixed order that puts costs first for a private claim; a payment
    # made against the invoice is the debtor's designation of it (docs/law.md). 2,500 paid:
    # principal 7,500.00, the 500.00 of charges untouched.
    law = for_country(country)
    assert law.payment_allocation.order is PaymentOrder.PRINCIPAL_FIRST
    assert law.payment_allocation.citation
    inv = nordic.invoice(country, due=DUE, amount="10000.00", outstanding="7500.00")
    history = [
        record("1001", ActionKind.REMINDER, 2, STEP2, fee="100", compensation="400"),
    ]
    paid = [Payment("1001", date(2026, 2, 1), D("2500.00"))]
    claim = build(inv, history, paid, allocation=law.payment_allocation)
    assert claim.principal == D("7500.00")
    assert claim.costs == D("500.00")
    assert claim.total == D("8000.00")


def test_costs_first_pays_the_charges_issued_by_the_payment_day_then_principal() -> None:
    # The order where a law sets it: 3,000 on 30 January pays step 2's fee 100 and
    # compensation 310, then its interest 37.40 (447.40 in all), then 2,552.60 of principal:
    # principal 7,447.40, nothing left of the charges. A fee charged after the payment (5 Feb)
    # stays open: 7,547.40.
    inv = nordic.invoice("DK", due=DUE, amount="10000.00", outstanding="7000.00")
    history = _history("DK", step2_fee="100", interest="37.40", compensation="310")
    history.append(record("1001", ActionKind.COLLECTION_WARNING, 3, date(2026, 2, 5), fee="100"))
    paid = [Payment("1001", date(2026, 1, 30), D("3000.00"))]
    claim = build(inv, history, paid, allocation=PaymentAllocation(PaymentOrder.COSTS_FIRST))
    assert claim.principal == D("7447.40")
    assert claim.interest == D("0.00")
    assert claim.costs == D("100.00")
    assert claim.total == D("7547.40")


def test_a_charge_document_reported_paid_leaves_the_claim() -> None:
    # Where a source system reports the remainder of the document step 2 was booked on
    # (StepRecord.unpaid), only that remainder is owed: 447.40 charged, 200.00 left.
    inv = nordic.invoice("DK", due=DUE, amount="10000.00")
    step2 = _history("DK", step2_fee="100", interest="37.40", compensation="310")[1]
    claim = build(inv, [replace(step2, unpaid=D("200.00"))])
    assert claim.total == D("10200.00")
    # Paid costs first within the document: fee and compensation 410 minus 247.40 paid.
    assert claim.costs == D("162.60")
    assert claim.interest == D("37.40")


def test_todays_charges_and_accrued_interest_are_items_of_their_own() -> None:
    inv = nordic.invoice("DK", due=DUE, amount="1000.00")
    claim = build(
        inv,
        [],
        current=Charges(date(2026, 2, 5), ActionKind.REMINDER, 1, fee=D("100.00")),
    )
    assert [(i.kind, i.unpaid, i.new) for i in claim.items] == [
        (ItemKind.PRINCIPAL, D("1000.00"), False),
        (ItemKind.FEE, D("100.00"), True),
    ]
    assert claim.total == D("1100.00")
