"""The claim item by item, and the principal interest runs on when payments pay costs first.

test_claim.py checks the totals every document states; these check each line the claim is
rendered from (when, by which step, for which period, paid how much) and the principal per day
under the costs-first order. Worked by hand, in the scenario of test_claim.py: DKK 10,000.00
due Monday 12 January 2026; step 2 on 26 January charged a fee of 100, compensation 310 and
interest 37.40 for 13-26 January; a collection warning on 5 February a fee of 100; 3,000.00
paid on 30 January.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bridge.domain import ActionKind, InterestCharge, Payment
from policies.claim import (
    Charges,
    ClaimItem,
    ItemKind,
    PaymentAllocation,
    PaymentOrder,
    build,
    interest_principal,
)
from tests.policies import nordic
from tests.policies.factories import record

D = Decimal
DUE = date(2026, 1, 12)
STEP2 = date(2026, 1, 26)
WARNED = date(2026, 2, 5)
PAID_ON = date(2026, 1, 30)
REMINDER = ActionKind.REMINDER
WARNING = ActionKind.COLLECTION_WARNING

HISTORY = [
    record("1001", REMINDER, 1, date(2026, 1, 15)),
    record(
        "1001",
        REMINDER,
        2,
        STEP2,
        fee="100",
        interest="37.40",
        interest_to=STEP2,
        compensation="310",
    ),
    record("1001", WARNING, 3, WARNED, fee="100"),
    # Another invoice's charges are not this claim's.
    record("1002", REMINDER, 2, STEP2, fee="100"),
]
PAYMENT = [Payment("1001", PAID_ON, D("3000.00"))]


def _charge(start: date, end: date, amount: str) -> InterestCharge:
    return InterestCharge(start, end, D(amount), (), "actual/365")


def test_each_line_of_a_costs_first_claim() -> None:
    # 3,000 pays step 2's fee, compensation and interest (447.40), then 2,552.60 of principal.
    priced = _charge(date(2026, 1, 13), STEP2, "37.40")
    today = _charge(date(2026, 1, 27), date(2026, 2, 16), "40.00")
    accrued = _charge(date(2026, 2, 17), date(2026, 2, 20), "8.00")
    claim = build(
        nordic.invoice("DK", due=DUE, amount="10000.00", outstanding="7000.00"),
        HISTORY,
        PAYMENT,
        allocation=PaymentAllocation(PaymentOrder.COSTS_FIRST, "the agreed order"),
        current=Charges(date(2026, 2, 16), WARNING, 4, fee=D("100.00"), interest=today),
        accrued=accrued,
        first_interest=date(2026, 1, 13),
        periods=lambda start, end: priced if (start, end) == (date(2026, 1, 13), STEP2) else None,
    )
    step2 = {"day": STEP2, "action": REMINDER, "step": 2}
    assert claim.items == (
        ClaimItem(ItemKind.PRINCIPAL, D("10000.00"), D("2552.60")),
        ClaimItem(ItemKind.FEE, D("100"), D("100"), **step2),  # type: ignore[arg-type]
        ClaimItem(ItemKind.COMPENSATION, D("310"), D("310"), **step2),  # type: ignore[arg-type]
        ClaimItem(
            ItemKind.INTEREST,
            D("37.40"),
            D("37.40"),
            **step2,  # type: ignore[arg-type]
            start=date(2026, 1, 13),
            end=STEP2,
            interest=priced,
        ),
        ClaimItem(ItemKind.FEE, D("100"), D(0), day=WARNED, action=WARNING, step=3),
        ClaimItem(
            ItemKind.INTEREST,
            D("40.00"),
            day=date(2026, 2, 16),
            action=WARNING,
            step=4,
            new=True,
            start=date(2026, 1, 27),
            end=date(2026, 2, 16),
            interest=today,
        ),
        ClaimItem(
            ItemKind.FEE, D("100.00"), day=date(2026, 2, 16), action=WARNING, step=4, new=True
        ),
        ClaimItem(
            ItemKind.ACCRUED,
            D("8.00"),
            start=date(2026, 2, 17),
            end=date(2026, 2, 20),
            interest=accrued,
        ),
    )
    assert (claim.order, claim.rule) == (PaymentOrder.COSTS_FIRST, "the agreed order")
    assert claim.total == D("7447.40") + D("100") + D("40.00") + D("100.00") + D("8.00")


def test_interest_runs_on_the_principals_share_of_a_costs_first_payment() -> None:
    inv = nordic.invoice("DK", due=DUE, amount="10000.00", outstanding="7000.00")
    costs_first = interest_principal(inv, HISTORY, PAYMENT, PaymentOrder.COSTS_FIRST)
    # The payment day still bears interest on the whole; from the day after, on 10,000 less
    # the 2,552.60 that reached the principal.
    assert costs_first(PAID_ON) == D("10000.00")
    assert costs_first(date(2026, 1, 31)) == D("7447.40")
    principal_first = interest_principal(inv, HISTORY, PAYMENT)
    assert principal_first(date(2026, 1, 31)) == D("7000.00")


def test_a_payment_before_any_charge_pays_principal_even_costs_first() -> None:
    inv = nordic.invoice("DK", due=DUE, amount="10000.00", outstanding="7000.00")
    early = [Payment("1001", date(2026, 1, 20), D("3000.00"))]
    costs_first = interest_principal(inv, HISTORY, early, PaymentOrder.COSTS_FIRST)
    assert costs_first(date(2026, 1, 20)) == D("10000.00")
    assert costs_first(date(2026, 1, 21)) == D("7000.00")


def test_without_charges_costs_first_is_principal_first() -> None:
    inv = nordic.invoice("DK", due=DUE, amount="10000.00", outstanding="7000.00")
    plain = interest_principal(inv, [], PAYMENT, PaymentOrder.COSTS_FIRST)
    assert (plain(PAID_ON), plain(date(2026, 1, 31))) == (D("10000.00"), D("7000.00"))
