"""Implausible invoices are left out with a reason; the rest go on (bridge/vocab/validate.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from bridge.vocab.domain import Invoice
from bridge.vocab.validate import plausible, problems

GOOD = Invoice(
    id="1",
    number="1001",
    customer_id="7",
    issue_date=date(2026, 1, 5),
    due_date=date(2026, 1, 19),
    currency="DKK",
    amount=Decimal("1000.00"),
    outstanding=Decimal("1000.00"),
)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"currency": "DKX"}, "unknown currency 'DKX'"),
        ({"due_date": date(2026, 1, 4)}, "before the issue date"),
        ({"amount": Decimal("NaN")}, "amount is not a finite number"),
        ({"outstanding": Decimal("Infinity")}, "outstanding is not a finite number"),
        ({"outstanding": Decimal("2e9")}, "implausibly large"),
        ({"amount": Decimal("-1e12")}, "implausibly large"),
    ],
)
def test_each_implausible_field_is_named(change: dict[str, object], words: str) -> None:
    found = problems(replace(GOOD, **change))  # type: ignore[arg-type]
    assert any(words in p for p in found), found


def test_plausible_invoices_pass_untouched() -> None:
    assert problems(GOOD) == []
    assert problems(replace(GOOD, due_date=GOOD.issue_date)) == []  # due on issue: cash sale
    assert problems(replace(GOOD, outstanding=Decimal("1100.00"))) == []  # vendor's fee added


def test_bad_and_duplicated_invoices_are_left_out_with_reasons() -> None:
    reasons: list[str] = []
    twin = replace(GOOD, id="2", number="1002")
    bad = replace(GOOD, id="3", number="1003", currency="???")
    other = replace(GOOD, id="4", number="1004")
    kept = plausible([GOOD, twin, twin, bad, other], reasons.append)
    assert [i.number for i in kept] == ["1001", "1004"]
    assert reasons == [
        "invoice 1002 skipped: listed 2 times",
        "invoice 1003 skipped: unknown currency '???'",
    ]
