"""accrue() prices whole stretches between the days its period key may change; a principal of
unknown shape makes it ask every day. Both must give the same charge, to the digit, and raise
the same error for the first day the rate table does not cover."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from babel import Locale
from babel.numbers import parse_pattern
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.vocab.domain import CustomerKind, InterestCharge, Invoice, Payment
from policies import text
from policies.daycount import DAY_COUNTS, DayCount
from policies.interest import PaidDown, accrue, principal_of
from policies.law import LawPack, RateUnavailable, for_country
from policies.law.base import RateRow

D = Decimal
_EN = Locale.parse("en_US")


def _monthly() -> LawPack:
    """Denmark's pack with a rate that changes mid-month, off the half-years."""
    rows = []
    start = date(2022, 12, 15)
    for n in range(48):
        following = date(start.year + start.month // 12, start.month % 12 + 1, 15)
        rows.append(RateRow(start, following - timedelta(days=1), D(n % 7) / 4, "test", "U"))
        start = following
    return replace(for_country("DK"), reference_rates=tuple(rows))


_PACKS = {"monthly": _monthly(), **{c: for_country(c) for c in ("DK", "NO", "SE", "FI")}}


def _charge(
    country: str,
    principal: PaidDown,
    every_day: bool,
    due: date,
    start: date,
    end: date,
    kind: CustomerKind,
    day_count: DayCount,
) -> InterestCharge | str | None:
    """Accrue via the payment days, or (every_day) via a plain callable; an error as text."""

    def asked(day: date) -> Decimal:
        return principal(day)

    try:
        return accrue(
            _PACKS[country],
            due_date=due,
            kind=kind,
            start=start,
            end=end,
            principal=asked if every_day else principal,
            day_count=day_count,
        )
    except RateUnavailable as exc:
        return f"RateUnavailable: {exc}"


@st.composite
def claims(draw: st.DrawFn) -> tuple[str, Invoice, tuple[Payment, ...], date, date]:
    """An invoice with part payments, and a period to charge that may cross half-years, years
    and the end of the rate table."""
    country = draw(st.sampled_from(sorted(_PACKS)))
    due = draw(st.dates(date(2023, 1, 1), date(2026, 12, 31)))
    amount = D(draw(st.integers(100, 10_000_000))) / 100
    payments = tuple(
        Payment(
            "1",
            due + timedelta(days=draw(st.integers(-10, 500))),
            (amount * D(draw(st.integers(1, 60))) / 100).quantize(D("0.01")),
        )
        for _ in range(draw(st.integers(0, 4)))
    )
    paid = sum((p.amount for p in payments), D(0))
    invoice = Invoice(
        id="1",
        number="1",
        customer_id="C1",
        issue_date=due - timedelta(days=14),
        due_date=due,
        currency="DKK",
        amount=amount,
        outstanding=amount - paid,
    )
    start = due + timedelta(days=draw(st.integers(1, 200)))
    end = start + timedelta(days=draw(st.integers(-2, 700)))
    return country, invoice, payments, start, end


@settings(max_examples=300, deadline=None)
@given(
    claims(),
    st.sampled_from(list(CustomerKind)),
    st.sampled_from(DAY_COUNTS),
)
def test_stretches_equal_a_walk_through_every_day(
    claim: tuple[str, Invoice, tuple[Payment, ...], date, date],
    kind: CustomerKind,
    day_count: DayCount,
) -> None:
    country, invoice, payments, start, end = claim
    principal = principal_of(invoice, payments)
    due = invoice.due_date
    fast = _charge(country, principal, False, due, start, end, kind, day_count)
    walked = _charge(country, principal, True, due, start, end, kind, day_count)
    assert fast == walked
    assert repr(fast) == repr(walked)  # same periods, same exponents, same error text


def test_a_payment_splits_the_period_after_its_day() -> None:
    inv = Invoice("1", "1", "C1", date(2026, 1, 5), date(2026, 1, 19), "DKK", D("1000"), D("400"))
    paid = principal_of(inv, [Payment("1", date(2026, 2, 10), D("600"))])
    charge = accrue(
        for_country("DK"),
        due_date=inv.due_date,
        kind=CustomerKind.BUSINESS,
        start=date(2026, 1, 20),
        end=date(2026, 3, 1),
        principal=paid,
        day_count="actual/365",
    )
    assert charge is not None
    assert [(p.start, p.end, p.principal) for p in charge.periods] == [
        (date(2026, 1, 20), date(2026, 2, 10), D("1000")),
        (date(2026, 2, 11), date(2026, 3, 1), D("400")),
    ]


@given(st.decimals(min_value=-5, max_value=30, places=4, allow_nan=False))
def test_rates_read_the_same_whether_formatted_before_or_not(value: Decimal) -> None:
    # Formatted texts are remembered by the number's text: 8 and 8.0 must not share an answer.
    assert text.percent(value) == f"{parse_pattern('0.00##').apply(value, _EN)} %"
    assert text.points(value) == str(parse_pattern("0.##").apply(value, _EN))
