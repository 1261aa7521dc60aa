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

from bridge.vocab.domain import ActionKind, InterestCharge, Payment
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


# --- Several payments and several interest charges ------------------------------------------

COSTS_FIRST = PaymentAllocation(PaymentOrder.COSTS_FIRST)
STEP2_ONLY = [HISTORY[1]]  # fee 100, compensation 310, interest 37.40 = 447.40 on 26 January


def test_payments_pay_costs_first_in_date_order_and_count_on_the_charges_own_day() -> None:
    # Given out of order: 300 on 26 January (the charges' own day: they are due then) pays the
    # fee 100 and 200 of the compensation; 500 on 10 February the other 110 and the interest
    # 37.40, then 352.60 of principal. A zero payment and another invoice's change nothing.
    payments = [
        Payment("1001", date(2026, 2, 10), D("500.00")),
        Payment("1001", date(2026, 1, 27), D("0.00")),
        Payment("1002", date(2026, 1, 28), D("1000.00")),
        Payment("1001", STEP2, D("300.00")),
    ]
    inv = nordic.invoice("DK", due=DUE, amount="10000.00", outstanding="9200.00")
    claim = build(inv, STEP2_ONLY, payments, allocation=COSTS_FIRST)
    assert claim.invoice_id == "1001"
    assert [(i.kind, i.charged, i.paid) for i in claim.items] == [
        (ItemKind.PRINCIPAL, D("10000.00"), D("352.60")),
        (ItemKind.FEE, D("100"), D("100")),
        (ItemKind.COMPENSATION, D("310"), D("310")),
        (ItemKind.INTEREST, D("37.40"), D("37.40")),
    ]
    principal = interest_principal(inv, STEP2_ONLY, payments, PaymentOrder.COSTS_FIRST)
    # Nothing reached the principal before 10 February; from the 11th it is 9,647.40.
    assert [principal(date(2026, 1, d)) for d in (27, 29)] == [D("10000.00"), D("10000.00")]
    assert principal(date(2026, 2, 11)) == D("9647.40")


def test_a_part_payment_pays_every_cost_before_any_interest() -> None:
    # 500 on 6 February: fee 100 + compensation 310 of step 2, then 90 of the warning's fee 100
    # (charged 5 February); step 2's interest, older than that fee, stays unpaid.
    inv = nordic.invoice("DK", due=DUE, amount="10000.00", outstanding="9500.00")
    payment = [Payment("1001", date(2026, 2, 6), D("500.00"))]
    claim = build(inv, HISTORY, payment, allocation=COSTS_FIRST)
    assert [(i.kind, i.unpaid) for i in claim.items] == [
        (ItemKind.PRINCIPAL, D("10000.00")),
        (ItemKind.FEE, D(0)),
        (ItemKind.COMPENSATION, D(0)),
        (ItemKind.INTEREST, D("37.40")),
        (ItemKind.FEE, D("10")),
    ]


def test_each_interest_charge_runs_from_the_day_after_the_last_one() -> None:
    # Step 2 charged 13-26 January; a fee-only warning moves nothing; the vendor's own reminder
    # of 10 February charged interest without a period (taken to run to its date); step 4 of
    # 16 February charged through the 15th.
    records = [
        HISTORY[1],
        record("1001", WARNING, 3, WARNED, fee="100"),
        record("1001", REMINDER, 3, date(2026, 2, 10), interest="5.00", source="dinero"),
        record(
            "1001", WARNING, 4, date(2026, 2, 16), interest="20.00", interest_to=date(2026, 2, 15)
        ),
    ]
    inv = nordic.invoice("DK", due=DUE, amount="10000.00")
    claim = build(inv, records, first_interest=date(2026, 1, 13))
    assert [(i.start, i.end) for i in claim.items if i.kind is ItemKind.INTEREST] == [
        (date(2026, 1, 13), STEP2),
        (date(2026, 1, 27), date(2026, 2, 10)),
        (date(2026, 2, 11), date(2026, 2, 15)),
    ]


def test_only_steps_that_charged_something_are_charges() -> None:
    from policies.claim import issued_charges  # noqa: PLC0415

    only_compensation = record("1001", REMINDER, 2, STEP2, compensation="310")
    records = [HISTORY[0], only_compensation, record("1001", WARNING, 3, WARNED)]
    assert issued_charges(records, "1001") == [only_compensation]


def test_a_principal_the_vendor_reports_above_the_invoice_amount_is_owed_in_full() -> None:
    claim = build(nordic.invoice("DK", due=DUE, amount="10000.00", outstanding="10500.00"), [])
    assert claim.principal == D("10500.00")
    assert str(claim.fees) == "0.00"


def test_no_accrued_line_for_no_interest() -> None:
    inv = nordic.invoice("DK", due=DUE, amount="10000.00")
    claim = build(inv, [], accrued=_charge(date(2026, 2, 17), date(2026, 2, 17), "0.00"))
    assert [i.kind for i in claim.items] == [ItemKind.PRINCIPAL]


def test_payments_beyond_what_the_system_reports_paid_are_capped_in_date_order() -> None:
    # The system says 3,000.00 of the invoice is paid (10,000 - 7,000), but two payments of
    # 2,000.00 are recorded (30 January and 2 February): only 3,000.00 counts, the earlier
    # first. 30 January: 2,000.00 pays the costs of 26 January (100 + 37.40 + 310 = 447.40)
    # and 1,552.60 of the principal; 2 February: the 1,000.00 left of the 3,000.00 pays
    # principal (the warning's fee comes later, 5 February).
    inv = nordic.invoice("DK", due=DUE, amount="10000.00", outstanding="7000.00")
    paid = [
        Payment("1001", PAID_ON, D("2000.00")),
        Payment("1001", date(2026, 2, 2), D("2000.00")),
    ]
    costs_first = interest_principal(inv, HISTORY, paid, PaymentOrder.COSTS_FIRST)
    assert costs_first(PAID_ON) == D("10000.00")
    assert costs_first(date(2026, 1, 31)) == D("8447.40")  # 10,000 - 1,552.60
    assert costs_first(date(2026, 2, 3)) == D("7447.40")  # 8,447.40 - 1,000.00
