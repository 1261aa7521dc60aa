"""The store's codec: letters and decisions survive JSON exactly (Decimal scale, dates)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bridge.store.codec import (
    amount_text,
    decode_letter,
    dumps,
    encode_letter,
    instant_text,
    loads,
    parse_amount,
    parse_instant,
)
from bridge.vocab.domain import ActionKind, Decision, InterestCharge, InterestPeriod, Letter
from bridge.vocab.errors import StoreError

names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)
amounts = st.decimals(allow_nan=False, allow_infinity=False)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))

periods = st.builds(
    InterestPeriod,
    start=days,
    end=days,
    rate=amounts,
    days=st.integers(0, 400),
    year_days=st.sampled_from([360, 365, 366]),
    principal=amounts,
    amount=amounts,
)
charges = st.builds(
    InterestCharge,
    start=days,
    end=days,
    amount=amounts,
    periods=st.lists(periods, max_size=3).map(tuple),
    day_count=st.sampled_from(["act/365", "30/360"]),
)


@st.composite
def letters(draw: st.DrawFn) -> Letter:
    tenant = draw(names)
    customer = draw(names)
    action = draw(st.sampled_from(ActionKind))
    step = draw(st.integers(1, 5))
    day = draw(days)
    decisions = draw(
        st.lists(
            st.builds(
                Decision,
                tenant=st.just(tenant),
                invoice_id=names,
                invoice_number=names,
                customer_id=st.just(customer),
                date=st.just(day),
                action=st.just(action),
                step=st.just(step),
                currency=st.sampled_from(["DKK", "EUR", "SEK"]),
                outstanding=amounts,
                fee=amounts,
                interest=st.none() | charges,
                compensation=amounts,
                deadline=st.none() | days,
                channel=names,
                legal_basis=st.lists(names, max_size=3).map(tuple),
                explanation=st.text(
                    max_size=40, alphabet=st.characters(exclude_categories=("Cs",))
                ),
                letter=names,
            ),
            min_size=1,
            max_size=4,
        )
    )
    key = draw(st.just("") | names)
    return Letter(tenant, customer, action, step, day, "DKK", tuple(decisions), key=key)


def assert_exact(left: Any, right: Any) -> None:
    """Equal, and every Decimal with the same digits and exponent (1.10 is not 1.1 here)."""
    assert type(left) is type(right)
    if isinstance(left, Decimal):
        assert left.as_tuple() == right.as_tuple()
    elif dataclasses.is_dataclass(left):
        for f in dataclasses.fields(left):
            assert_exact(getattr(left, f.name), getattr(right, f.name))
    elif isinstance(left, tuple):
        assert len(left) == len(right)
        for a, b in zip(left, right, strict=True):
            assert_exact(a, b)
    else:
        assert left == right


@given(letters())
def test_letter_round_trip_is_exact(letter: Letter) -> None:
    text = encode_letter(letter)
    back = decode_letter(text)
    assert back == letter
    assert back.key == letter.key
    assert_exact(back, letter)
    assert encode_letter(back) == text


@given(amounts)
def test_amount_text_keeps_scale(value: Decimal) -> None:
    assert parse_amount(amount_text(value)).as_tuple() == value.as_tuple()


def test_amounts_are_strings_with_their_scale() -> None:
    assert amount_text(Decimal("1.10")) == "1.10"
    assert dumps({"fee": Decimal("100.00"), "rate": Decimal("10.35")}) == (
        '{"fee":"100.00","rate":"10.35"}'
    )


def test_numbers_in_json_never_become_float() -> None:
    value = loads('{"a": 0.1, "b": 2}')
    assert value == {"a": Decimal("0.1"), "b": 2}
    assert isinstance(value["a"], Decimal)


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), 1.5])
def test_amount_text_refuses_non_finite_and_float(bad: Any) -> None:
    with pytest.raises(ValueError, match="finite Decimal"):
        amount_text(bad)


def test_dumps_writes_dates_instants_and_enums() -> None:
    cet = timezone(timedelta(hours=1))
    text = dumps(
        {
            "day": date(2026, 3, 2),
            "at": datetime(2026, 3, 2, 9, 30, tzinfo=cet),
            "action": ActionKind.REMINDER,
            "steps": (1, 2),
        }
    )
    assert loads(text) == {
        "action": "reminder",
        "at": "2026-03-02T08:30:00+00:00",
        "day": "2026-03-02",
        "steps": [1, 2],
    }


def test_dumps_refuses_unknown_types() -> None:
    with pytest.raises(TypeError, match="object"):
        dumps({"x": object()})


def test_instants_are_stored_in_utc_and_must_be_aware() -> None:
    oslo = timezone(timedelta(hours=2))
    moment = datetime(2026, 6, 1, 0, 30, tzinfo=oslo)
    text = instant_text(moment)
    assert text == "2026-05-31T22:30:00+00:00"
    assert parse_instant(text) == moment
    assert parse_instant(text).tzinfo == UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        instant_text(datetime(2026, 6, 1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        ("[1]", "not a JSON object"),
        ('{"format": 99}', "unknown format"),
        ('{"format": 1, "tenant": "t"}', "cannot be decoded"),
    ],
)
def test_broken_letters_raise_store_error(text: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        decode_letter(text)


def test_broken_amount_raises_store_error() -> None:
    with pytest.raises(StoreError, match="not a decimal"):
        parse_amount("12,50")
